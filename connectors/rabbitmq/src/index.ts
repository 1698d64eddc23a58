import { defineConnector } from '@sinkhub/core';
import { rabbitmqOptions } from './options.js';
import { RabbitmqSink } from './sink.js';

export { rabbitmqOptions, type RabbitmqOptions } from './options.js';
export { MessageBuilder, type OutgoingMessage } from './messages.js';
export { RabbitmqSink } from './sink.js';

export const rabbitmqSink = defineConnector({
  name: 'rabbitmq',
  summary: 'Publishes each record to a RabbitMQ exchange (routing key from a template) or queue, with publisher confirms; a batch is written when every message is confirmed.',
  options: rabbitmqOptions,
  example: [
    'sink:',
    '  type: rabbitmq',
    '  url: amqp://127.0.0.1:5672/',
    '  username: sinkhub',
    '  password: ${RABBITMQ_PASSWORD}',
    '  exchange: events',
    '  routing_key: "{{ $topic }}.{{ type }}"',
    '  declare:',
    '    exchange: { type: topic }',
    '    queues:',
    '      - { name: clicks, binding_keys: ["*.click"] }',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'at-least-once: offsets are committed only after the broker confirmed every message of the batch, but a message published before a crash or a lost confirm is published again. Each message carries `message-id` = `topic/partition/offset`, so a consumer can drop the replays.',
  },
  defaultBatching: { maxRecords: 10_000, maxBytes: 4 * 1024 * 1024, maxWaitMs: 50 },
  create: (options, context) => new RabbitmqSink(options, context),
});

export default rabbitmqSink;
