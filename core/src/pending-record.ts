/**
 * A consumed record on its way through a pipeline. It is also the `SinkRecord` the sink gets,
 * so the hot path allocates one object per record; headers become strings only when read.
 */
import type { SinkRecord } from './connector.js';
import type { FailureStage } from './dead-letter.js';
import type { PartitionState } from './partition-state.js';
import { headerStrings, type RawHeaders, type SourceMessage } from './source/source.js';

/** `raw` until decoded; then written (`record`), dead-lettered (`failed`) or dropped (`filtered`). */
export type RecordStatus = 'raw' | 'record' | 'failed' | 'filtered';

export class PendingRecord implements SinkRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly size: number;
  key: unknown = null;
  value: unknown = null;
  /** Cleared when a transform replaces the value. */
  valueIsRaw = true;
  /** The consumed bytes were decoded as JSON. */
  private decodedFromJson = false;
  status: RecordStatus = 'raw';
  stage: FailureStage | undefined;
  error: unknown;
  private stringHeaders: Record<string, string> | undefined;

  constructor(
    readonly state: PartitionState,
    readonly message: SourceMessage,
  ) {
    this.topic = message.topic;
    this.partition = message.partition;
    this.offset = message.offset;
    this.timestamp = message.timestamp;
    this.size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  }

  get rawValue(): Buffer | null | undefined {
    return this.valueIsRaw ? this.message.value : undefined;
  }

  get rawValueIsJson(): boolean {
    return this.valueIsRaw && this.decodedFromJson;
  }

  get rawKey(): Buffer | null {
    return this.message.key;
  }

  get rawHeaders(): RawHeaders {
    return this.message.headers;
  }

  get headers(): Readonly<Record<string, string>> {
    return (this.stringHeaders ??= headerStrings(this.message.headers));
  }

  decoded(key: unknown, value: unknown, fromJson: boolean): void {
    this.key = key;
    this.value = value;
    this.decodedFromJson = fromJson;
    this.status = 'record';
  }

  failed(stage: FailureStage, error: unknown): void {
    this.status = 'failed';
    this.stage = stage;
    this.error = error;
  }

  filtered(): void {
    this.status = 'filtered';
  }
}
