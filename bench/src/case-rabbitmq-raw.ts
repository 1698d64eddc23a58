/**
 * Case q-raw: RabbitMQ's publishing ceiling on this machine, no Kafka. The data set's values are
 * published from memory with amqplib on one confirm channel to a durable queue (through the
 * default exchange), persistent with a `message-id` like the connector's defaults, keeping up to
 * BENCH_RABBITMQ_WINDOW messages unconfirmed (the best of the windows tried, see
 * bench/README.md), until the broker confirmed every one. Then the queue's depth must be N.
 */
import amqp from 'amqplib';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { countAndDelete, createQueue, rabbitmqUrl } from './rabbitmq-target.js';

const WINDOW = Number(process.env['BENCH_RABBITMQ_WINDOW'] ?? 5000);
const args = caseArgs();
deadline(600_000, 'rabbitmq raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const queue = `bench-raw-${args.group}`;
const values = Array.from({ length: args.records }, (_, i) => Buffer.from(recordValue(i, bytes)));
await createQueue(queue);
const model = await amqp.connect(rabbitmqUrl());
const channel = await model.createConfirmChannel();

let unconfirmed = 0;
let nacked = 0;
let wake: (() => void) | undefined;
const settled = () => {
  unconfirmed--;
  const w = wake;
  wake = undefined;
  w?.();
};
const firstAt = performance.now();
for (let i = 0; i < values.length; i++) {
  while (unconfirmed >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
  unconfirmed++;
  const room = channel.publish('', queue, values[i]!, { persistent: true, messageId: `${args.topic}/0/${i}`, contentType: 'application/json' }, (error) => {
    if (error) nacked++;
    settled();
  });
  if (!room) await new Promise<void>((resolve) => channel.once('drain', resolve));
}
while (unconfirmed > 0) await new Promise<void>((resolve) => (wake = resolve));
const lastAt = performance.now();
await model.close();
if (nacked > 0) throw new Error(`${nacked} messages nacked`);
const stored = await countAndDelete(queue);
if (stored !== args.records) throw new Error(`queue holds ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { window: WINDOW, stored } });
process.exit(0);
