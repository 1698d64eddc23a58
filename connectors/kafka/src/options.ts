/** The kafka sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { kafkaConnectionSchema, templateString, z } from '@sinkhub/core';

/** Codecs kafkajs writes without a native add-on: gzip (Node's zlib) and snappy (snappyjs). */
export const COMPRESSIONS = ['none', 'gzip', 'snappy'] as const;

export const kafkaSinkOptions = z
  .strictObject({
    topic: templateString('Target topic per record, e.g. `{{ $topic }}` (mirroring to another cluster), `{{ $topic }}-copy` or `events-{{ type }}`.'),
    kafka: kafkaConnectionSchema
      .optional()
      .describe('The target cluster. Omitted: the file’s `kafka:` cluster, the one the pipeline consumes from.'),
    partition: z
      .enum(['keep', 'hash'])
      .default('keep')
      .describe(
        '`keep`: the record’s source partition (the target topic needs at least as many partitions); `hash`: murmur2 of the key modulo the target’s partitions, as the Java client’s default partitioner and kafkajs’ `DefaultPartitioner` place keyed records (records without a key go round-robin).',
      ),
    headers: z.enum(['keep', 'none']).default('keep').describe('`keep`: the record’s Kafka headers, byte for byte; `none`: no headers.'),
    timestamp: z.enum(['keep', 'now']).default('keep').describe('`keep`: the record’s Kafka timestamp; `now`: the time of the write.'),
    compression: z
      .enum(COMPRESSIONS)
      .default('none')
      .describe('Compression of the produced record batches: `gzip` (built into kafkajs) or `snappy` (kafkajs-snappy, pure JavaScript). LZ4 and ZSTD need native add-ons and are not offered.'),
    create_topics: z
      .strictObject({
        partitions: z.number().int().refine((n) => n === -1 || n >= 1, '-1 (the broker default) or at least 1').default(-1).describe('Partitions of a created topic; -1: the broker’s `num.partitions`.'),
        replication_factor: z.number().int().refine((n) => n === -1 || n >= 1, '-1 (the broker default) or at least 1').default(-1).describe('Replication factor of a created topic; -1: the broker’s default.'),
        configs: z.record(z.string(), z.string()).default({}).describe('Topic configs of a created topic, e.g. `{ retention.ms: "86400000" }`.'),
      })
      .optional()
      .describe('Create a target topic that does not exist. Omitted: a record for a missing topic goes to the dead-letter topic (a fixed `topic` that is missing fails at start).'),
    max_request_bytes: z
      .number()
      .int()
      .min(1024)
      .default(1_000_000)
      .describe('Most bytes of records sent to one partition in one produce request; also kept under the topic’s `max.message.bytes`. A single larger record goes alone, and the broker’s refusal of it sends it to the dead-letter topic.'),
    transaction_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Exactly-once: the coordinator aborts a transaction left open this long (a crashed writer), so `read_committed` consumers move on. At most the broker’s `transaction.max.timeout.ms`.'),
    transactional_id_prefix: z
      .string()
      .min(1)
      .optional()
      .describe('Exactly-once: prefix of the `transactional.id`s, one per source partition (`<prefix><topic>-<partition>`). Default: `sinkhub-<consumer group>-`. Keep it stable: it is what fences an older process that still writes.'),
    offsets_topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name')
      .default('__sinkhub_offsets')
      .describe('Exactly-once to another cluster: a topic of that cluster, with no records, for whose partitions the source offsets are committed (groups `sinkhub-offsets/<group>/<topic>`) in the same transaction as the records. Created, or given more partitions, when partitions are assigned.'),
  });

export type KafkaSinkOptions = z.output<typeof kafkaSinkOptions>;
