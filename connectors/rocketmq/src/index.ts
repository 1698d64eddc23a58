import { defineConnector } from '@sinkhub/core';
import { exactlyOnceObstacle, rocketmqOptions } from './options.js';
import { RocketmqSink } from './sink.js';

export { rocketmqOptions, type RocketmqOptions } from './options.js';
export { MessageBuilder, type OutgoingMessage } from './messages.js';
export { classify, type ErrorClass } from './errors.js';
export { RocketmqSink } from './sink.js';

export const rocketmqSink = defineConnector({
  name: 'rocketmq',
  summary: 'Sends each record as a message to an Apache RocketMQ 5 topic through the proxy’s gRPC API (tag, keys, FIFO message group, delivery delay); exactly-once with transactional messages.',
  options: rocketmqOptions,
  example: [
    'sink:',
    '  type: rocketmq',
    '  endpoints: 127.0.0.1:8081',
    '  topic: orders',
    '  tag: "{{ status }}"',
    '  keys: ["{{ order_id }}"]',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'at-least-once by default; exactly-once with `delivery: exactly-once`: each record is a transactional (half) message, committed only after the batch’s source offsets are recorded in a Kafka consumer group that nobody joins; a commit a crash lost is made by the broker’s transaction check, which reads that record.',
    table: [
      ['`delivery: at-least-once` (default)', 'at-least-once: a message sent before a crash or a lost answer is sent again; each carries the key `topic/partition/offset` for consumers that drop replays'],
      ['`delivery: exactly-once`, fixed `topic` of type TRANSACTION', 'exactly-once: transactional messages committed after the offsets are recorded (no `message_group`, `delay_ms` or `deliver_at`: RocketMQ refuses them in a transaction)'],
    ],
  },
  exactlyOnce: (options) => exactlyOnceObstacle(options) ?? 'transactional',
  defaultBatching: { maxRecords: 1000, maxWaitMs: 50 },
  create: (options, context) => new RocketmqSink(options, context),
});

export default rocketmqSink;
