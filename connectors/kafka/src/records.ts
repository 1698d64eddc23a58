/**
 * Records → Kafka messages (topic, partition, key, value, headers, timestamp) and the produce
 * requests they travel in, without I/O, so a batch's exact messages can be checked in unit
 * tests. A record that cannot become a message (its topic template renders no valid topic name,
 * it would go back into its own source topic, its partition cannot be kept) is a record failure.
 */
import kafkajs, { type IHeaders } from 'kafkajs';
import { compileTemplate, keyBytes, translateRecords, valueBytes, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { KafkaSinkOptions } from './options.js';

const { Partitioners } = kafkajs;

export interface OutgoingMessage {
  /** The record's index in the batch. */
  readonly index: number;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly topic: string;
  /** Set by `place`. */
  partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  /** Milliseconds since the epoch, as kafkajs takes it. */
  readonly timestamp: string;
  /** Upper bound of its size inside a record batch. */
  readonly bytes: number;
}

export interface Translation {
  readonly messages: OutgoingMessage[];
  readonly failures: RecordFailure[];
}

/** Most bytes a record adds to a record batch beyond its key, value and headers (varints, attributes). */
const RECORD_OVERHEAD = 41;
const HEADER_OVERHEAD = 10;
/** A record batch's own header (v2). */
export const BATCH_OVERHEAD = 61;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export class MessageBuilder {
  private readonly topic: Template;

  /** `sameCluster`: records are written to the cluster they come from, so not into their own topic. */
  constructor(
    private readonly options: KafkaSinkOptions,
    private readonly sameCluster: boolean,
  ) {
    this.topic = compileTemplate(options.topic);
  }

  /** Messages of the records that have one, partition still unset (-1). */
  async build(records: readonly SinkRecord[], now = Date.now()): Promise<Translation> {
    const { items, failures } = await translateRecords(records, (record, index) => this.messageFor(index, record, now));
    return { messages: items, failures };
  }

  private async messageFor(index: number, record: SinkRecord, now: number): Promise<OutgoingMessage> {
    const topic = this.topic.constant ?? (await this.topic.render(record));
    if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') throw new Error(`topic template gave ${JSON.stringify(topic)}, not a valid Kafka topic name`);
    if (this.sameCluster && topic === record.topic) throw new Error(`topic ${topic} is the record's own source topic on the same cluster: writing it back would loop`);
    const key = keyBytes(record);
    const value = valueBytes(record);
    const headers = this.options.headers === 'keep' ? headersOf(record) : undefined;
    let bytes = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
    for (const name in headers) {
      for (const v of [headers[name]].flat()) if (v !== undefined) bytes += HEADER_OVERHEAD + Buffer.byteLength(name) + (typeof v === 'string' ? Buffer.byteLength(v) : v.length);
    }
    return {
      index,
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      topic,
      partition: -1,
      key,
      value,
      headers,
      // A record without a timestamp (-1, old message formats) gets the time of the write.
      timestamp: String(this.options.timestamp === 'keep' && record.timestamp >= 0 ? record.timestamp : now),
      bytes,
    };
  }
}

/** The record's headers as consumed (bytes), else as the strings the core decoded. */
function headersOf(record: SinkRecord): IHeaders | undefined {
  const raw = record.rawHeaders ?? record.headers;
  let out: IHeaders | undefined;
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) (out ??= {})[name] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

/**
 * Chooses each message's partition: `keep` its source partition, `hash` murmur2 of the key as
 * the Java and kafkajs default partitioners do. `partitionCount` gives the target topics' sizes.
 */
export class PartitionChooser {
  private readonly hash = Partitioners.DefaultPartitioner();

  constructor(private readonly mode: KafkaSinkOptions['partition']) {}

  place(messages: readonly OutgoingMessage[], partitionCount: (topic: string) => number): RecordFailure[] {
    const failures: RecordFailure[] = [];
    for (const m of messages) {
      const count = partitionCount(m.topic);
      if (this.mode === 'keep') {
        if (m.sourcePartition < count) m.partition = m.sourcePartition;
        else failures.push({ index: m.index, error: new Error(`topic ${m.topic} has ${count} partition${count === 1 ? '' : 's'}: partition ${m.sourcePartition} cannot be kept (add partitions or use partition: hash)`), retryable: false });
      } else {
        m.partition = this.hash({ topic: m.topic, partitionMetadata: metadataOf(count), message: { key: m.key, value: m.value } });
      }
    }
    return failures;
  }
}

const metadataCache = new Map<number, { partitionId: number; leader: number; replicas: number[]; isr: number[]; partitionErrorCode: number }[]>();
function metadataOf(count: number) {
  let metadata = metadataCache.get(count);
  if (!metadata) {
    metadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    metadataCache.set(count, metadata);
  }
  return metadata;
}

/** Messages for one topic partition, in order, small enough for one produce request. */
export interface Chunk {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly OutgoingMessage[];
}

/**
 * Groups placed messages by topic partition, keeping their order, and cuts each group into
 * chunks of at most `maxBytes(topic)` (a message larger than that goes alone).
 * Chunks of one partition come in order; the caller sends them one after another.
 */
export function chunk(messages: readonly OutgoingMessage[], maxBytes: (topic: string) => number): Chunk[] {
  const byPartition = new Map<string, OutgoingMessage[]>();
  for (const m of messages) {
    const key = `${m.topic}\u0000${m.partition}`;
    const list = byPartition.get(key);
    if (list) list.push(m);
    else byPartition.set(key, [m]);
  }
  const chunks: Chunk[] = [];
  for (const list of byPartition.values()) {
    const { topic, partition } = list[0]!;
    const limit = maxBytes(topic) - BATCH_OVERHEAD;
    let current: OutgoingMessage[] = [];
    let size = 0;
    for (const m of list) {
      if (current.length > 0 && size + m.bytes > limit) {
        chunks.push({ topic, partition, messages: current });
        current = [];
        size = 0;
      }
      current.push(m);
      size += m.bytes;
    }
    chunks.push({ topic, partition, messages: current });
  }
  return chunks;
}
