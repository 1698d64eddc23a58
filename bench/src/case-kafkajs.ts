/**
 * Case (b): a plain kafkajs consumer in a fresh group, `eachBatch`, no processing: counts
 * messages until N arrived. The ceiling for anything built on kafkajs in one process.
 * With `--format json` (case b-json) it also JSON.parses every value, as a pipeline does.
 */
import { Kafka, logLevel } from 'kafkajs';
import { caseArgs, consumeAndReport, deadline, type BatchConsumer } from './case-report.js';

const args = caseArgs();
const kafka = new Kafka({ clientId: 'sinkhub-bench', brokers: [args.broker], logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: args.group });
deadline(600_000, 'kafkajs case');

/** Keeps the last decoded value reachable, so that decoding cannot be optimised away. */
let decoded: unknown;
await consumer.connect();
await consumer.subscribe({ topics: [args.topic], fromBeginning: true });
await consumeAndReport(
  consumer as unknown as BatchConsumer,
  args.records,
  (messages) => {
    if (args.format === 'json') for (const m of messages) if (m.value) decoded = JSON.parse(m.value.toString('utf8'));
  },
  () => ({ format: args.format ?? 'bytes', lastId: (decoded as { id?: number } | undefined)?.id }),
);
