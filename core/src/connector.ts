/**
 * The connector contract: what a sink package provides and what the core promises it.
 *
 * The core owns every mechanism: consuming, decoding, transforms, batching, backpressure,
 * retries, offsets, the dead-letter queue and metrics. A connector owns only the translation
 * of a batch into its system's writes and the classification of its system's errors.
 */
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { BatchPolicy } from './batch-policy.js';
import type { KafkaConfig } from './config/schema.js';
import type { RawHeaders } from './source/source.js';

export type DeliveryGuarantee = 'at-least-once' | 'exactly-once';

/**
 * How a sink achieves exactly-once:
 * - `idempotent`: writes keyed by a deterministic id (see `recordId`), so a replay overwrites;
 * - `transactional`: `write` stores `offsets` in the same transaction as the data, and `open`
 *   returns them so the core resumes there;
 * - `two-phase`: `write` stages, `prepare` closes staged units, `commit` publishes one
 *   idempotently; `open` returns the offsets recovered from what was published.
 */
export type ExactlyOnceMode = 'idempotent' | 'transactional' | 'two-phase';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A consumed record after decoding and transforms, as a sink receives it. */
export interface SinkRecord extends TopicPartition {
  readonly offset: number;
  /** Kafka timestamp, milliseconds since the epoch. */
  readonly timestamp: number;
  /** Decoded with the source's `key_format`; null when the message has no key. */
  readonly key: unknown;
  /** Decoded with the source's `format` and transformed; null for a tombstone. */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The value's bytes as consumed, while `value` is still exactly their decoding (no transform
   * replaced it): a sink writing the whole value can pass these on instead of encoding it again.
   */
  readonly rawValue?: Buffer | null;
  /** `rawValue` is the value's JSON text (the source's `format: json`), not Avro or other bytes. */
  readonly rawValueIsJson?: boolean;
  /** The key's bytes as consumed (keys are never transformed); null when the message has none. */
  readonly rawKey?: Buffer | null;
  /** Kafka headers as consumed (values as bytes), for sinks that write Kafka records again. */
  readonly rawHeaders?: RawHeaders;
  /** Bytes of the raw key and value, used for batch sizing. */
  readonly size: number;
}

/** Records in consumption order; order is kept within each partition. */
export interface Batch {
  readonly records: readonly SinkRecord[];
}

/** Where a partition's progress stands in a transactional sink: the next offset to consume. */
export interface StoredOffset extends TopicPartition {
  readonly next: number;
}

/**
 * Offsets a transactional sink must store in the same transaction as the batch's data.
 * `expected` is what the sink should hold before the write (null: nothing stored yet); a sink
 * that finds something else must fail the write with `FencedError`, because another consumer
 * wrote that partition since (a zombie after a rebalance).
 */
export interface OffsetUpdate extends TopicPartition {
  readonly expected: number | null;
  readonly next: number;
}

/** A record the sink could not write, by its index in `batch.records`. */
export interface RecordFailure {
  readonly index: number;
  readonly error: Error;
  /** True when the same record may succeed later (throttling, a timeout); false for bad data. */
  readonly retryable: boolean;
}

/**
 * Outcome of `write`: nothing (every record written) or the records that failed.
 * A thrown error means the whole batch failed; the core retries it (see `SinkError`).
 * A transactional write that reports failures must have committed nothing.
 */
export type WriteResult = void | { readonly failures: readonly RecordFailure[] };

/** A staged unit a two-phase sink can publish; `ranges` say which offsets it holds. */
export interface Committable {
  readonly ranges: readonly StoredOffset[];
  readonly [detail: string]: unknown;
}

export interface Sink {
  /** Connect and verify the target is usable; throw with the host named when it is not. */
  connect(): Promise<void>;
  /**
   * Partitions assigned to this process. Exactly-once sinks (transactional, two-phase) return
   * the offsets they hold for them; the core resumes from there, not from the group's offset.
   */
  open?(partitions: readonly TopicPartition[]): Promise<readonly StoredOffset[] | void>;
  /** Partitions revoked: drop staged, unpublished work for them. Never publish it. */
  close?(partitions: readonly TopicPartition[]): Promise<void>;
  /** Write (or, for two-phase sinks, stage) a batch. `offsets` is given to transactional sinks. */
  write(batch: Batch, offsets?: readonly OffsetUpdate[]): Promise<WriteResult>;
  /** Two-phase: close staged units that are due (all of them when `force`). */
  prepare?(force: boolean): Promise<readonly Committable[]>;
  /**
   * Two-phase: publish a prepared unit. Must be idempotent: publishing twice is a no-op. The
   * core retries a failed commit (not a failed prepare), so fallible I/O belongs here.
   */
  commit?(committable: Committable): Promise<void>;
  /** Release connections. Called once, after the last write. */
  stop(): Promise<void>;
  /**
   * Transactional sinks whose write itself commits `offsets` to the source's consumer group
   * (a Kafka transaction's `sendOffsets`): the core then commits none of its own, since a plain
   * commit landing late could move the group back behind a newer transactional one.
   */
  readonly commitsGroupOffsets?: boolean;
}

/** What the core hands a connector's factory. */
export interface SinkContext {
  /** Pipeline name: unique in a file, stable across restarts, used to key stored offsets. */
  readonly pipeline: string;
  readonly delivery: DeliveryGuarantee;
  readonly logger: Logger;
  /** The file's `kafka:` connection, for sinks that write to Kafka (by default, the same cluster). */
  readonly kafka: KafkaConfig;
  /** The source's consumer group, for sinks that commit its offsets in their own transaction. */
  readonly groupId: string;
}

/** Documentation of a connector's guarantee, shown by `sinkhub connectors` and the README. */
export interface GuaranteeDoc {
  readonly summary: string;
  /** Where the guarantee depends on the options: rows of (options, guarantee). */
  readonly table?: readonly (readonly [string, string])[];
}

export interface ConnectorDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The `sink.type` that selects this connector. */
  readonly name: string;
  readonly summary: string;
  /** Options of `sink` (without `type`): validation, defaults, JSON Schema and docs. */
  readonly options: Schema;
  /**
   * The exactly-once mode these options give, or a sentence saying why they cannot.
   * Omitted: the connector is at-least-once only. Checked when the file is loaded.
   */
  exactlyOnce?(options: z.output<Schema>): ExactlyOnceMode | string;
  readonly guarantee: GuaranteeDoc;
  /** A `sink:` block in YAML for the docs; every published connector has one. */
  readonly example?: string;
  /** Batching defaults suited to the target; the pipeline's `batching` overrides them. */
  readonly defaultBatching?: Partial<BatchPolicy>;
  create(options: z.output<Schema>, context: SinkContext): Sink;
}

/** Declares a connector; only gives type inference for `options`. */
export function defineConnector<Schema extends z.ZodType>(
  definition: ConnectorDefinition<Schema>,
): ConnectorDefinition<Schema> {
  return definition;
}

/** Deterministic id of a record for idempotent sinks: `topic-partition-offset`. */
export function recordId(record: SinkRecord): string {
  return `${record.topic}-${record.partition}-${record.offset}`;
}
