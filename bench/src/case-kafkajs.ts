/**
 * Case (b): a plain kafkajs consumer in a fresh group, `eachBatch`, no processing: counts
 * messages until N arrived. The ceiling for anything built on kafkajs in one process.
 * With `--format json` (case b-json) it also JSON.parses every value, as a pipeline does.
 */
import { Kafka, logLevel } from 'kafkajs';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';

const args = caseArgs();
const kafka = new Kafka({ clientId: 'sinkhub-bench', brokers: [args.broker], logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: args.group });
deadline(600_000, 'kafkajs case');

let count = 0;
let firstAt = 0;
let lastAt = 0;
let batches = 0;
/** Keeps the last decoded value reachable, so that decoding cannot be optimised away. */
let decoded: unknown;
await consumer.connect();
await consumer.subscribe({ topics: [args.topic], fromBeginning: true });
await new Promise<void>((resolve) => {
  void consumer.run({
    eachBatch: async ({ batch }) => {
      if (count === 0) firstAt = performance.now();
      batches++;
      if (args.format === 'json') for (const m of batch.messages) if (m.value) decoded = JSON.parse(m.value.toString('utf8'));
      count += batch.messages.length;
      if (count >= args.records && lastAt === 0) {
        lastAt = performance.now();
        resolve();
      }
    },
  });
});
const stopping = performance.now();
await consumer.disconnect();
emitResult({
  records: count,
  firstAtMs: firstAt,
  measuredMs: lastAt - firstAt,
  stopMs: performance.now() - stopping,
  vmHwmKb: peakRssKb(),
  detail: { batches, format: args.format ?? 'bytes', lastId: (decoded as { id?: number } | undefined)?.id },
});
process.exit(0);
