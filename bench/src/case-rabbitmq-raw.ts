/**
 * Case q-raw: RabbitMQ's publishing ceiling on this machine, no Kafka. The data set's values
 * become the messages the connector publishes with its defaults (the same body and properties:
 * persistent, `message-id`, content type, the `x-kafka-*` headers; built by its MessageBuilder),
 * published from memory with amqplib on one confirm channel to a durable queue (through the
 * default exchange), keeping up to BENCH_RABBITMQ_WINDOW messages unconfirmed (the best of the
 * windows tried, see bench/README.md), until the broker confirmed every one. Then the queue's
 * depth must be N. BENCH_RABBITMQ_HEADERS=none leaves the headers out, as `headers: none` does.
 */
import amqp from 'amqplib';
import type { SinkRecord } from '@sinkhub/core';
import { MessageBuilder, rabbitmqOptions } from '@sinkhub/rabbitmq';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { countAndDelete, createQueue, rabbitmqUrl } from './rabbitmq-target.js';

const WINDOW = Number(process.env['BENCH_RABBITMQ_WINDOW'] ?? 5000);
const args = caseArgs();
deadline(600_000, 'rabbitmq raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const queue = `bench-raw-${args.group}`;
const PARTITIONS = 4;
const records: SinkRecord[] = Array.from({ length: args.records }, (_, i) => {
  const value = recordValue(i, bytes);
  return { topic: args.topic, partition: i % PARTITIONS, offset: Math.floor(i / PARTITIONS), timestamp: 1_700_000_000_000 + i, key: String(i), value: JSON.parse(value), rawValue: Buffer.from(value), headers: {}, size: value.length };
});
const builder = new MessageBuilder(rabbitmqOptions.parse({ url: rabbitmqUrl(), queue, headers: process.env['BENCH_RABBITMQ_HEADERS'] ?? 'kafka' }));
const { messages } = await builder.build(records);
records.length = 0;
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
for (const m of messages) {
  while (unconfirmed >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
  unconfirmed++;
  const room = channel.publish(m.exchange, m.routingKey, m.body, m.properties, (error) => {
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
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { window: WINDOW, headers: process.env['BENCH_RABBITMQ_HEADERS'] ?? 'kafka', stored } });
process.exit(0);
