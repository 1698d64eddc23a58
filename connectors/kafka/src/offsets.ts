/**
 * Where an exactly-once pipeline keeps its source offsets, inside the same Kafka transaction as
 * the records it wrote:
 * - same cluster: in the source's consumer group itself (`sendOffsets`, the Kafka way of
 *   consume-transform-produce), read back with the admin client;
 * - another cluster: as records of a compacted topic of that cluster, keyed by group, topic and
 *   partition, read back with a `read_committed` consumer up to a barrier (below).
 */
import { randomUUID } from 'node:crypto';
import kafkajs, { type Admin, type Kafka, type Producer, type Transaction } from 'kafkajs';
import type { SinkContext, TopicPartition } from '@sinkhub/core';

type Logger = SinkContext['logger'];

const { Partitioners } = kafkajs;

export interface OffsetStore {
  /** Adds `next` for the partition to the open transaction. */
  add(transaction: Transaction, tp: TopicPartition, next: number): Promise<void>;
  /** The committed next offsets of `partitions` (absent: none stored), keyed `topic:partition`. */
  read(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/** The source's consumer group on the cluster it is consumed from. */
export class GroupOffsetStore implements OffsetStore {
  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
  ) {}

  async add(transaction: Transaction, tp: TopicPartition, next: number): Promise<void> {
    await transaction.sendOffsets({ consumerGroupId: this.groupId, topics: [{ topic: tp.topic, partitions: [{ partition: tp.partition, offset: String(next) }] }] });
  }

  async read(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const topics = [...new Set(partitions.map((tp) => tp.topic))];
    const fetched = await this.admin.fetchOffsets({ groupId: this.groupId, topics });
    const wanted = new Set(partitions.map(tpKey));
    const out = new Map<string, number>();
    for (const { topic, partitions: list } of fetched) {
      for (const p of list) {
        const offset = Number(p.offset);
        if (offset >= 0 && wanted.has(tpKey({ topic, partition: p.partition }))) out.set(tpKey({ topic, partition: p.partition }), offset);
      }
    }
    return out;
  }

  async stop(): Promise<void> {}
}

/** One offset as a record of the offsets topic: key `["<group>","<topic>",<partition>]`, value `{"next":<n>}`. */
export function offsetRecord(groupId: string, tp: TopicPartition, next: number): { key: string; value: string } {
  return { key: JSON.stringify([groupId, tp.topic, tp.partition]), value: JSON.stringify({ next }) };
}

/** The offset a record of the offsets topic holds for `groupId`, if it is one of that group's. */
export function parseOffsetRecord(groupId: string, key: Buffer | null, value: Buffer | null): { tp: TopicPartition; next: number } | undefined {
  if (!key || !value) return undefined;
  try {
    const k = JSON.parse(key.toString('utf8')) as unknown;
    const v = JSON.parse(value.toString('utf8')) as { next?: unknown };
    if (!Array.isArray(k) || k.length !== 3 || k[0] !== groupId || typeof k[1] !== 'string' || !Number.isInteger(k[2]) || !Number.isInteger(v.next)) return undefined;
    return { tp: { topic: k[1], partition: k[2] as number }, next: v.next as number };
  } catch {
    return undefined;
  }
}

/** A barrier record: readers know they have read all that was committed before it. */
export function barrierRecord(groupId: string, id: string): { key: string; value: string } {
  return { key: JSON.stringify(['barrier', groupId]), value: JSON.stringify({ barrier: id }) };
}

/**
 * A compacted topic of the target cluster. Reading it back must not stop at the last stable
 * offset: a transaction of another writer still open there can hide a later, committed offset
 * of ours. So the reader first appends a barrier record to each partition, then reads with
 * `read_committed` until it sees its barriers: a `read_committed` fetch returns the barrier only
 * once every transaction begun before it is committed or aborted, so everything before the
 * barrier is known by then.
 */
export class TopicOffsetStore implements OffsetStore {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    readonly topic: string,
    private readonly groupId: string,
    private readonly readTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Creates the topic (compacted, one partition) unless it exists. */
  async ensureTopic(): Promise<void> {
    if ((await this.admin.listTopics()).includes(this.topic)) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: this.topic, numPartitions: 1, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.ms', value: '3600000' }] }],
    });
    this.logger.info({ topic: this.topic }, 'created the offsets topic');
  }

  async add(transaction: Transaction, tp: TopicPartition, next: number): Promise<void> {
    await transaction.send({ topic: this.topic, acks: -1, messages: [offsetRecord(this.groupId, tp, next)] });
  }

  async read(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const wanted = new Set(partitions.map(tpKey));
    const [metadata] = (await this.admin.fetchTopicMetadata({ topics: [this.topic] })).topics;
    const barrier = randomUUID();
    const producer = await this.barrierProducer();
    const count = metadata!.partitions.length;
    await producer.send({ topic: this.topic, acks: -1, messages: Array.from({ length: count }, (_, partition) => ({ partition, ...barrierRecord(this.groupId, barrier) })) });

    const found = new Map<string, number>();
    const reached = new Set<number>();
    const consumer = this.kafka.consumer({ groupId: `sinkhub-offsets-reader-${barrier}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, readUncommitted: false });
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`offsets topic ${this.topic}: its barrier was not read back within ${this.readTimeoutMs} ms (a transaction there is still open)`)), this.readTimeoutMs);
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const offset = parseOffsetRecord(this.groupId, message.key, message.value);
              if (offset) {
                if (wanted.has(tpKey(offset.tp))) found.set(tpKey(offset.tp), offset.next);
              } else if (message.value?.toString('utf8') === JSON.stringify({ barrier })) {
                reached.add(partition);
                if (reached.size === count) resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
    }
    return found;
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async barrierProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 3 } });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}
