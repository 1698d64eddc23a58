/** The rocketmq sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { secretString, templateString, z } from '@sinkhub/core';

/** `host:port`, several separated by `;` (the client's own syntax). */
const ENDPOINTS = /^[^\s;:]+:\d{1,5}(;[^\s;:]+:\d{1,5})*$/;

export const rocketmqOptions = z
  .strictObject({
    endpoints: z
      .string()
      .regex(ENDPOINTS, 'host:port of the proxy’s gRPC port, several separated by `;`')
      .default('127.0.0.1:8081')
      .describe('The RocketMQ 5 proxy’s gRPC endpoints (`host:port`, several separated by `;`). Brokers of 4.x without a proxy are not reachable by this client.'),
    namespace: z.string().min(1).optional().describe('Namespace of the topics (RocketMQ 5 namespaces / instance id).'),
    access_key: z.string().min(1).optional().describe('Access key when the proxy has ACL on.'),
    secret_key: secretString('Secret key that goes with `access_key`.').optional(),
    tls: z.boolean().default(false).describe('TLS to the proxy, trusting the system’s certificate authorities (and `NODE_EXTRA_CA_CERTS`).'),
    topic: templateString('Topic per record, e.g. `orders` or `{{ $topic }}`. Topics must exist (RocketMQ 5 topics carry their message type: NORMAL, FIFO, DELAY or TRANSACTION).'),
    tag: templateString('Tag per record (no vertical bar), e.g. `{{ type }}`; consumers filter on it.').optional(),
    keys: z
      .array(templateString('A message key.'))
      .default(['{{ $topic }}/{{ $partition }}/{{ $offset }}'])
      .describe('Message keys per record (indexed by the broker, queryable by key; no spaces). The default, `topic/partition/offset`, lets a consumer drop replays.'),
    message_group: templateString('Message group for a FIFO topic, e.g. `{{ $key }}` or `{{ customer.id }}`: messages of one group are sent, stored and consumed in order.').optional(),
    delay_ms: z.number().int().positive().optional().describe('Delivery delay: each message becomes visible this long after it was sent (a DELAY topic).'),
    deliver_at: templateString('Delivery time per record, in milliseconds since the epoch, e.g. `{{ deliver_at }}` (a DELAY topic).').optional(),
    properties: z
      .enum(['kafka', 'none'])
      .default('kafka')
      .describe('`kafka`: the record’s Kafka headers as user properties, plus `kafka_topic`, `kafka_partition`, `kafka_offset`, `kafka_timestamp` and `kafka_key`.'),
    tombstones: z.enum(['skip', 'publish', 'error']).default('skip').describe('A record with a null value: skip it, publish an empty body, or send it to the dead-letter topic.'),
    max_in_flight: z.number().int().positive().default(256).describe('Sends awaiting the broker’s answer at once (each message is one gRPC call; messages of one FIFO group go one after another).'),
    request_timeout_ms: z.number().int().min(1000).default(10_000).describe('Time for one send (or transaction end) before it fails and is retried.'),
    connect_timeout_ms: z.number().int().positive().default(15_000).describe('Time to reach the proxy and resolve the topic at start.'),
    transaction_state_group: z
      .string()
      .min(1)
      .optional()
      .describe('`delivery: exactly-once`: the Kafka consumer group (never joined, offsets only) where the sink records which source offsets its transactional messages cover. Default: `sinkhub-rocketmq-<pipeline name>`.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.message_group !== undefined && (o.delay_ms !== undefined || o.deliver_at !== undefined)) {
      issue('message_group', 'FIFO messages cannot be delayed: drop delay_ms/deliver_at or message_group');
    }
    if (o.delay_ms !== undefined && o.deliver_at !== undefined) issue('deliver_at', 'give delay_ms or deliver_at, not both');
    if (o.secret_key !== undefined && o.access_key === undefined) issue('access_key', 'secret_key needs an access_key');
    if (o.access_key !== undefined && o.secret_key === undefined) issue('secret_key', 'access_key needs a secret_key');
  });

export type RocketmqOptions = z.output<typeof rocketmqOptions>;

/** Why these options cannot be exactly-once, or undefined when they can (transactional messages). */
export function exactlyOnceObstacle(o: RocketmqOptions): string | undefined {
  if (o.message_group !== undefined) return 'transactional messages cannot be FIFO (message_group): RocketMQ refuses the combination';
  if (o.delay_ms !== undefined || o.deliver_at !== undefined) return 'transactional messages cannot be delayed (delay_ms/deliver_at): RocketMQ refuses the combination';
  if (o.topic.includes('{{')) return 'exactly-once needs a fixed topic: the transaction checker must be registered for it before the broker asks about messages a crash left open';
  return undefined;
}
