/**
 * Case rq-raw: RocketMQ's produce ceiling through the proxy with the Node client, no Kafka. The
 * data set's values are sent from memory with rocketmq-client-nodejs' Producer, one message per
 * call (the client's only way: the proxy's multi-message request does not keep each message's
 * keys and properties), BENCH_ROCKETMQ_IN_FLIGHT (default 256, the sink's default) at once.
 */
import { Producer } from 'rocketmq-client-nodejs';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { ROCKETMQ_ENDPOINTS, countMessages, createRocketTopic } from './rocketmq-target.js';

const args = caseArgs();
deadline(900_000, 'rocketmq raw case');
const inFlight = Number(process.env['BENCH_ROCKETMQ_IN_FLIGHT'] ?? 256);
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const topic = `bench-raw-${args.group}`;
await createRocketTopic(topic, 'NORMAL');
const values = Array.from({ length: args.records }, (_, i) => Buffer.from(recordValue(i, bytes)));
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const producer = new Producer({ endpoints: ROCKETMQ_ENDPOINTS, namespace: '', topic, maxAttempts: 3, logger: silent });
await producer.startup();

let next = 0;
const firstAt = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < values.length) {
      const i = next++;
      await producer.send({ topic, body: values[i]!, keys: [`${args.topic}/0/${i}`] });
    }
  }),
);
const lastAt = performance.now();
await producer.shutdown();
const stored = await countMessages(topic);
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { inFlight, stored } });
process.exit(0);
