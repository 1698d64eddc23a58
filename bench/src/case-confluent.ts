/**
 * Case (b2): the same consumer as (b) on `@confluentinc/kafka-javascript` (librdkafka), through
 * its KafkaJS-compatible API, `eachBatch`, no processing. The package is not a dependency of
 * the repo (its install needs a native build, see bench/README.md): it is loaded from
 * BENCH_CONFLUENT_DIR, a directory whose node_modules holds it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { caseArgs, consumeAndReport, deadline, type BatchConsumer } from './case-report.js';

/** The little of the package's KafkaJS-compatible API this case uses. */
interface ConfluentModule {
  readonly librdkafkaVersion: string;
  readonly KafkaJS: {
    Kafka: new (config: Record<string, unknown>) => {
      consumer(config: Record<string, unknown>): {
        connect(): Promise<void>;
        subscribe(s: { topics: string[] }): Promise<void>;
        run(r: { eachBatch: (p: { batch: { messages: unknown[] } }) => Promise<void> }): Promise<void>;
        disconnect(): Promise<void>;
      };
    };
    logLevel: Record<string, number>;
  };
}

/** Largest batch handed to `eachBatch` (the package's own default is 32). */
const MAX_BATCH = Number(process.env['BENCH_CONFLUENT_MAX_BATCH'] ?? 1000);

const dir = process.env['BENCH_CONFLUENT_DIR'];
if (!dir) throw new Error('BENCH_CONFLUENT_DIR is not set');
const args = caseArgs();
const confluent = createRequire(join(dir, 'noop.js'))('@confluentinc/kafka-javascript') as ConfluentModule;
const { KafkaJS } = confluent;
const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'sinkhub-bench', brokers: [args.broker], logLevel: KafkaJS.logLevel['WARN'] } });
const consumer = kafka.consumer({ kafkaJS: { groupId: args.group, fromBeginning: true }, 'js.consumer.max.batch.size': MAX_BATCH });
deadline(600_000, 'confluent case');

await consumer.connect();
await consumer.subscribe({ topics: [args.topic] });
await consumeAndReport(consumer as unknown as BatchConsumer, args.records, () => undefined, () => ({ maxBatch: MAX_BATCH, librdkafka: confluent.librdkafkaVersion }));
