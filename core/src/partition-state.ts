/**
 * What the pipeline knows of one assigned partition. A revoked partition's state is marked and
 * dropped; records still in flight keep a reference to it, so their late acknowledgement can
 * tell it no longer counts.
 */
import type { TopicPartition } from './connector.js';

export class PartitionState implements TopicPartition {
  /** Records below this offset were already taken in (or are stored in the sink): skip them. */
  nextExpected = -1;
  /** Next offset after the last record fully handled: written, dead-lettered or filtered. */
  handledTo = -1;
  /** Staging sinks: next offset after the last record handed to the sink. */
  writtenTo = -1;
  /** Staging sinks: next offset after what the sink published (or handled without staging). */
  publishedTo = -1;
  /** Transactional sinks: the offset the sink holds (null: none yet). */
  sinkNext: number | null = null;
  /** Next offset committed to the consumer group. */
  committedTo = -1;
  highWatermark = -1;
  revoked = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get key(): string {
    return partitionKey(this);
  }

  /** Lag as a restart would see it: from the committed offset to the end of the partition. */
  get lag(): number {
    const position = this.committedTo >= 0 ? this.committedTo : this.handledTo;
    return this.highWatermark < 0 || position < 0 ? 0 : Math.max(0, this.highWatermark - position);
  }
}

export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
