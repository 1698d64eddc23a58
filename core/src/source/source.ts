/**
 * The Kafka consumer as the pipeline sees it. Small on purpose, so a librdkafka-based client
 * can stand in for kafkajs behind it.
 */
import type { StoredOffset, TopicPartition } from '../connector.js';

/** Kafka headers as the client gives them; `headerStrings` makes them text. */
export type RawHeaders = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

export interface SourceMessage extends TopicPartition {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RawHeaders;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Header values as UTF-8 text; repeated headers joined with commas. */
export function headerStrings(headers: RawHeaders): Readonly<Record<string, string>> {
  let out: Record<string, string> | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    (out ??= {})[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out ?? NO_HEADERS;
}

/** What the pipeline does with consumer-group events and messages. */
export interface SourceListener {
  /** Partitions newly assigned; their messages are delivered only after this resolves. */
  assigned(partitions: readonly TopicPartition[]): Promise<void>;
  /** Partitions taken away: nothing of theirs may be committed from now on. */
  revoked(partitions: readonly TopicPartition[]): void;
  /** A rebalance began: a last chance to commit what the sink acknowledged. */
  rebalancing(): void;
  /** Messages of one partition in offset order; resolves when there is room for more. */
  messages(partition: TopicPartition, messages: readonly SourceMessage[], highWatermark: number): Promise<void>;
}

export interface SourceSubscription {
  readonly topics?: readonly string[];
  readonly topicPattern?: string;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
}

export interface KafkaSource {
  /** Joins the group and starts delivering; rejects when the brokers cannot be reached. */
  start(listener: SourceListener): Promise<void>;
  /** Commits the group's offsets (`next` = the next offset to read). */
  commit(offsets: readonly StoredOffset[]): Promise<void>;
  /** Moves a partition's fetch position. */
  seek(partition: TopicPartition, offset: number): void;
  /** Stops fetching new messages; the group membership is kept until `stop`. */
  pause(): void;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}
