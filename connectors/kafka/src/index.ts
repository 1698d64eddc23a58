import { defineConnector } from '@sinkhub/core';
import { kafkaSinkOptions } from './options.js';
import { KafkaSink } from './sink.js';

export { kafkaSinkOptions, COMPRESSIONS, type KafkaSinkOptions } from './options.js';
export { MessageBuilder, PartitionChooser, chunk, type Chunk, type OutgoingMessage } from './records.js';
export { otherClusterLocation, sameClusterLocation, type OffsetLocation } from './offsets.js';
export { classify, type ErrorClass } from './errors.js';
export { KafkaSink } from './sink.js';

export const kafkaSink = defineConnector({
  name: 'kafka',
  summary:
    'Writes each record to a Kafka topic (from a template) on the same or another cluster, key, headers and timestamp kept, partition kept or hashed from the key; exactly-once with Kafka transactions.',
  options: kafkaSinkOptions,
  example: [
    'sink:',
    '  type: kafka',
    '  topic: "{{ $topic }}"',
    '  kafka:',
    '    brokers: [backup-kafka:9092]',
    '  partition: keep',
    '  compression: gzip',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'exactly-once for `read_committed` consumers of the target: with `delivery: exactly-once`, each source partition has its own transactional producer, and a batch’s records of that partition commit in one Kafka transaction with its next offset — as the committed offset of a consumer group: the source’s on the same cluster, one of the target cluster on another (for a partition of `offsets_topic`). A restart resumes from what committed; a process that takes a partition over fences the old one.',
    table: [
      ['same cluster (no `kafka:`), exactly-once', 'exactly-once: records and the group’s offsets in one transaction (`sendOffsets`)'],
      ['another cluster (`kafka:`), exactly-once', 'exactly-once: records and the offsets (a group of the target cluster, `offsets_topic`) in one transaction of the target cluster'],
      ['at-least-once', 'at-least-once: offsets are committed after the broker acknowledged the records; a crash in between writes them again'],
    ],
  },
  exactlyOnce: () => 'transactional',
  defaultBatching: { maxRecords: 5000, maxWaitMs: 50, maxBytes: 4 * 1024 * 1024 },
  create: (options, context) => new KafkaSink(options, context),
});

export default kafkaSink;
