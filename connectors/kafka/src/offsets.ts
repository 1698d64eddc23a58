/**
 * Where an exactly-once pipeline keeps its source offsets: in a consumer group's committed
 * offsets, committed by the same Kafka transaction as the records (`sendOffsets`), and read back
 * with the admin client. The group coordinator makes a transaction's offsets visible only once
 * it committed, on the broker, so reading them back needs no client-side `read_committed`
 * filtering (kafkajs' lets an aborted record through when aborted transactions interleave).
 * - same cluster: the source's own consumer group, for the source topic partition (Kafka's
 *   consume-transform-produce);
 * - another cluster: a group of that cluster per source topic, `sinkhub-offsets/<group>/<topic>`,
 *   for the same partition number of `offsets_topic`, a topic there that holds no records but
 *   has as many partitions as the source topics (offsets can only be committed for partitions
 *   that exist).
 */
import type { Admin, Transaction } from 'kafkajs';
import type { TopicPartition } from '@sinkhub/core';

/** Where one source partition's offset is committed: group, topic and partition. */
export interface OffsetLocation {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/** The source's group, for the source partition itself. */
export function sameClusterLocation(groupId: string): (tp: TopicPartition) => OffsetLocation {
  return (tp) => ({ groupId, topic: tp.topic, partition: tp.partition });
}

/** A group of the target cluster per source topic, for that partition number of `offsetsTopic`. */
export function otherClusterLocation(groupId: string, offsetsTopic: string): (tp: TopicPartition) => OffsetLocation {
  // Topic names never hold a `/`, so the last one separates group and topic unambiguously.
  return (tp) => ({ groupId: `sinkhub-offsets/${groupId}/${tp.topic}`, topic: offsetsTopic, partition: tp.partition });
}

export class OffsetStore {
  constructor(
    private readonly admin: Admin,
    readonly locate: (tp: TopicPartition) => OffsetLocation,
  ) {}

  /** Adds `next` for the partition to the open transaction. */
  async add(transaction: Transaction, tp: TopicPartition, next: number): Promise<void> {
    const at = this.locate(tp);
    await transaction.sendOffsets({ consumerGroupId: at.groupId, topics: [{ topic: at.topic, partitions: [{ partition: at.partition, offset: String(next) }] }] });
  }

  /** The committed next offsets of `partitions` (absent: none stored), keyed `topic:partition`. */
  async read(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const byGroup = new Map<string, { topics: Set<string>; wanted: Map<string, string> }>();
    for (const tp of partitions) {
      const at = this.locate(tp);
      const entry = byGroup.get(at.groupId) ?? { topics: new Set(), wanted: new Map() };
      entry.topics.add(at.topic);
      entry.wanted.set(`${at.topic}:${at.partition}`, tpKey(tp));
      byGroup.set(at.groupId, entry);
    }
    const out = new Map<string, number>();
    for (const [groupId, { topics, wanted }] of byGroup) {
      for (const { topic, partitions: list } of await this.admin.fetchOffsets({ groupId, topics: [...topics] })) {
        for (const p of list) {
          const source = wanted.get(`${topic}:${p.partition}`);
          const offset = Number(p.offset);
          if (source !== undefined && offset >= 0) out.set(source, offset);
        }
      }
    }
    return out;
  }

  /**
   * Another cluster: creates `topic` (no records, compacted, so it never grows) unless it exists,
   * with at least `partitions` partitions, adding partitions when a source has more.
   */
  async ensurePartitions(topic: string, partitions: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const existing = (await this.admin.listTopics()).includes(topic) ? (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics[0] : undefined;
      try {
        if (!existing) {
          await this.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
        } else if (existing.partitions.length < partitions) {
          await this.admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
        }
        return;
      } catch (error) {
        // Another process created it, or added partitions, meanwhile: look again.
        if (attempt >= 3) throw error;
      }
    }
  }
}
