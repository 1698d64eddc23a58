/** The rabbitmq sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { secretString, templateString, tlsOptions, z } from '@sinkhub/core';

export const EXCHANGE_TYPES = ['direct', 'topic', 'fanout', 'headers'] as const;

const queueDeclaration = z.strictObject({
  name: z.string().min(1).describe('Queue name.'),
  durable: z.boolean().default(true).describe('Survives a broker restart.'),
  type: z.enum(['classic', 'quorum']).default('classic').describe('`x-queue-type`.'),
  binding_keys: z.array(z.string()).default([]).describe('Binds the queue to `exchange` with each of these keys.'),
  arguments: z.record(z.string(), z.unknown()).optional().describe('Further `x-` arguments (max length, TTL, dead-letter exchange, …).'),
});

export const rabbitmqOptions = z
  .strictObject({
    url: z
      .string()
      .regex(/^amqps?:\/\//, 'an amqp:// or amqps:// URL')
      .default('amqp://127.0.0.1:5672')
      .describe('Broker URL, with the virtual host as its path (`amqp://host:5672/vhost`).'),
    username: z.string().min(1).optional().describe('User (overrides the URL’s).'),
    password: secretString('Password (overrides the URL’s).').optional(),
    tls: tlsOptions.optional(),
    connection_timeout_ms: z.number().int().positive().default(10_000).describe('Time to connect before the attempt fails.'),
    heartbeat_s: z.number().int().nonnegative().default(30).describe('AMQP heartbeat, so a dead connection is noticed.'),
    exchange: templateString('Exchange to publish to, e.g. `events` or `{{ $topic }}`. Omitted: the default exchange, which routes by queue name.').optional(),
    routing_key: templateString('Routing key per record, e.g. `{{ $topic }}.{{ type }}`.').optional(),
    queue: z.string().min(1).optional().describe('Publish straight to this queue (the default exchange with the queue as routing key), instead of `exchange`/`routing_key`.'),
    declare: z
      .strictObject({
        exchange: z
          .strictObject({
            type: z.enum(EXCHANGE_TYPES).describe('Exchange type.'),
            durable: z.boolean().default(true).describe('Survives a broker restart.'),
          })
          .optional()
          .describe('Declares `exchange` (which must then be a fixed name).'),
        queues: z.array(queueDeclaration).default([]).describe('Queues to declare, and bind to `exchange` with their `binding_keys`.'),
      })
      .optional()
      .describe('Exchange, queues and bindings to declare at start (declaring what exists with the same settings is a no-op).'),
    persistent: z.boolean().default(true).describe('Delivery mode 2: a durable queue keeps the message across a broker restart.'),
    content_type: z.string().min(1).optional().describe('`content-type` property. Default: `application/json` for `format: json` values and JSON written by transforms, else none.'),
    message_id: templateString('`message-id` property, so consumers can drop replays.').default('{{ $topic }}/{{ $partition }}/{{ $offset }}'),
    headers: z
      .enum(['kafka', 'none'])
      .default('kafka')
      .describe('`kafka`: the record’s Kafka headers as message headers, plus `x-kafka-topic`, `x-kafka-partition`, `x-kafka-offset`, `x-kafka-key` and `x-kafka-timestamp`.'),
    mandatory: z.boolean().default(true).describe('Ask the broker to return messages no queue takes, instead of dropping them.'),
    unroutable: z
      .enum(['dead-letter', 'retry', 'fail'])
      .default('dead-letter')
      .describe('A returned (unroutable) message: send its record to the dead-letter topic, retry it with backoff (a binding may appear), or stop the pipeline.'),
    nacked: z
      .enum(['retry', 'dead-letter'])
      .default('retry')
      .describe('A message the broker nacks (a full queue with `reject-publish`, an internal error): retry it with backoff, or dead-letter it.'),
    tombstones: z.enum(['skip', 'publish', 'error']).default('skip').describe('A record with a null value: skip it, publish an empty body, or send it to the dead-letter topic.'),
    confirm_timeout_ms: z.number().int().positive().default(30_000).describe('Time to wait for the confirms of a batch; then the connection is made again and the unconfirmed messages are retried.'),
    max_in_flight: z.number().int().positive().default(10_000).describe('Unconfirmed messages at once; publishing waits for confirms beyond this.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.queue !== undefined) {
      if (o.exchange !== undefined) issue('queue', 'publish to a queue or to an exchange, not both');
      if (o.routing_key !== undefined) issue('routing_key', 'a queue is its own routing key; routing_key goes with exchange');
    } else if (o.routing_key === undefined) {
      issue('routing_key', o.exchange === undefined ? 'give a queue, or an exchange and a routing_key' : 'an exchange needs a routing_key');
    }
    if (o.declare?.exchange) {
      if (o.exchange === undefined) issue('declare.exchange', 'the default exchange exists already; name an exchange to declare');
      else if (o.exchange.includes('{{')) issue('declare.exchange', 'only a fixed exchange name can be declared');
    }
    if (o.declare && o.exchange === undefined && o.declare.queues.some((q) => q.binding_keys.length > 0)) {
      issue('declare.queues', 'binding_keys bind to exchange, which is the default exchange here');
    }
  });

export type RabbitmqOptions = z.output<typeof rabbitmqOptions>;
