/**
 * One pipeline: source → decode/transform → batch → sink → acknowledge → commit.
 *
 * Offsets move forward only after the sink acknowledged: for plain and idempotent sinks once
 * `write` returned; for transactional sinks (exactly-once) the offsets travel inside the write;
 * for staging sinks (prepare/commit) once the staged unit was published. Sink work is serialised (one batch
 * at a time, in arrival order), which keeps partition order and lets rebalance handling run
 * between batches, never in the middle of one.
 */
import type { Kafka } from 'kafkajs';
import { BatchAccumulator } from './accumulator.js';
import type { BatchPolicy } from './batch-policy.js';
import type { KafkaConfig, PipelineConfig } from './config/schema.js';
import type { ConnectorDefinition, ExactlyOnceMode, OffsetUpdate, Sink, SinkRecord, StoredOffset, TopicPartition } from './connector.js';
import { DeadLetterQueue, type DeadLetter, type FailureStage } from './dead-letter.js';
import { FencedError, errorMessage, isRetryable } from './errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { PartitionState, partitionKey } from './partition-state.js';
import { PendingRecord } from './pending-record.js';
import { RecordPreparer } from './record-preparer.js';
import { attemptsExhausted, waitBeforeRetry } from './retry.js';
import type { KafkaSource, SourceListener, SourceMessage } from './source/source.js';

export type PipelineStatus = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

/** Raised when a pipeline must stop: the reason is in the message. */
export class PipelineFailure extends Error {
  override readonly name = 'PipelineFailure';
}

export interface PipelineDeps {
  readonly config: PipelineConfig;
  readonly kafkaConfig: KafkaConfig;
  readonly connector: ConnectorDefinition;
  readonly batchPolicy: BatchPolicy;
  readonly kafka: Kafka;
  readonly source: KafkaSource;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** How often idle pipelines wake up to publish due files and commit. */
const IDLE_TICK_MS = 1000;
/** Attempts to publish a unit the sink calls fenced while its partition still looks assigned. */
const FENCED_PUBLISH_ATTEMPTS = 8;

export class Pipeline implements SourceListener {
  readonly name: string;
  status: PipelineStatus = 'starting';
  private readonly config: PipelineConfig;
  private readonly sink: Sink;
  /** The sink stages writes and publishes them through prepare/commit (whatever `delivery` asks). */
  private readonly staged: boolean;
  /** Offsets travel inside each write (exactly-once with a transactional sink). */
  private readonly transactional: boolean;
  private readonly preparer: RecordPreparer;
  private readonly accumulator: BatchAccumulator<PendingRecord>;
  private readonly dlq: DeadLetterQueue | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly labels: { pipeline: string };
  /** Sink calls run one after another: writes, publishing, open and close. */
  private sinkQueue: Promise<unknown> = Promise.resolve();
  private commitPendingRecord: Promise<void> | undefined;
  private commitAgain = false;
  private lastCommitAt = 0;
  private writeLoop: Promise<void> | undefined;
  private failure: Error | undefined;
  private publishRequested = false;
  /** Records handled so far (written, dead-lettered or filtered), for progress lines. */
  handled = 0;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  /** Settles when the pipeline stopped (resolves) or failed (rejects). */
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });

  constructor(private readonly deps: PipelineDeps) {
    const { config, connector, metrics } = deps;
    this.config = config;
    this.name = config.name;
    this.labels = { pipeline: config.name };
    this.log = deps.logger.child({ pipeline: config.name, sink: connector.name });
    const exactlyOnce = connector.exactlyOnce?.(config.sink.options);
    this.sink = connector.create(config.sink.options, { pipeline: config.name, delivery: config.delivery, logger: this.log, kafka: deps.kafkaConfig, groupId: config.source.group_id });
    this.staged = typeof this.sink.prepare === 'function' && typeof this.sink.commit === 'function';
    this.transactional = config.delivery === 'exactly-once' && exactlyOnce === 'transactional';
    if (config.delivery === 'exactly-once') checkSinkShape(connector.name, this.sink, exactlyOnce);
    this.preparer = new RecordPreparer(config.source, config.transforms, deps.kafkaConfig.schema_registry);
    this.accumulator = new BatchAccumulator(deps.batchPolicy);
    this.dlq = config.errors.dead_letter_topic ? new DeadLetterQueue(deps.kafka, config.errors.dead_letter_topic, config.name) : undefined;
    metrics.trackLag(config.name, () => [...this.partitions.values()].map((s) => ({ topic: s.topic, partition: s.partition, lag: s.lag })));
    this.done.catch(() => undefined);
  }

  /** Connects sink, dead-letter producer and consumer; rejects with the reason when one cannot. */
  async start(): Promise<void> {
    this.log.info({ delivery: this.config.delivery, staged: this.staged, transactional: this.transactional, batching: this.deps.batchPolicy }, 'starting pipeline');
    try {
      await this.sink.connect();
    } catch (error) {
      throw new PipelineFailure(`pipeline ${this.name}: sink ${this.deps.connector.name} cannot connect: ${errorMessage(error)}`);
    }
    // Running before the consumer starts: its first batches may arrive before start() returns.
    this.status = 'running';
    this.writeLoop = this.runWriteLoop();
    try {
      await this.dlq?.connect();
      await this.deps.source.start(this);
    } catch (error) {
      const failure = new PipelineFailure(`pipeline ${this.name}: Kafka at ${this.deps.kafkaConfig.brokers.join(',')}: ${errorMessage(error)}`);
      this.fail(failure);
      throw failure;
    }
    this.deps.metrics.up.set(this.labels, 1);
  }

  /** Graceful stop: stop fetching, write what is buffered, publish, commit, disconnect. */
  async stop(): Promise<void> {
    if (this.status === 'stopped' || this.status === 'failed') return this.done.catch(() => undefined);
    this.status = 'draining';
    this.deps.source.pause();
    this.accumulator.close();
    await this.writeLoop;
    await this.shutdown();
    if (!this.failure) {
      this.status = 'stopped';
      this.resolveDone();
    }
  }

  /** Abandons work at once: nothing more is written or committed. */
  async halt(): Promise<void> {
    this.abort.abort(new PipelineFailure('halted'));
    this.accumulator.close();
  }

  // ---- SourceListener ----

  async assigned(partitions: readonly TopicPartition[]): Promise<void> {
    await this.serial(async () => {
      const stored = (await this.sink.open?.(partitions)) ?? [];
      const storedByKey = new Map(stored.map((s) => [partitionKey(s), s.next]));
      for (const tp of partitions) {
        const state = new PartitionState(tp.topic, tp.partition);
        const next = storedByKey.get(state.key);
        if (next !== undefined) {
          state.nextExpected = next;
          state.sinkNext = next;
          state.publishedTo = next;
        }
        this.partitions.set(state.key, state);
      }
      this.log.info({ partitions: partitions.map(partitionKey), stored }, 'partitions opened');
    }).catch((error) => this.fail(new PipelineFailure(`opening partitions in the sink failed: ${errorMessage(error)}`)));
  }

  revoked(partitions: readonly TopicPartition[]): void {
    const keys = new Set(partitions.map(partitionKey));
    for (const key of keys) {
      const state = this.partitions.get(key);
      if (state) state.revoked = true;
      this.partitions.delete(key);
    }
    this.accumulator.remove((item) => item.state.revoked);
    this.log.info({ partitions: [...keys] }, 'partitions revoked; their unwritten records are dropped uncommitted');
    void this.serial(() => this.sink.close?.(partitions) ?? Promise.resolve()).catch((error) =>
      this.log.warn({ err: error }, 'closing revoked partitions in the sink failed'),
    );
  }

  rebalancing(): void {
    // Write and publish what is buffered now, so it is committed before partitions move.
    this.publishRequested = true;
    this.accumulator.requestFlush();
  }

  async messages(tp: TopicPartition, messages: readonly SourceMessage[], highWatermark: number): Promise<void> {
    const state = this.partitions.get(partitionKey(tp));
    if (!state || this.status !== 'running') return;
    state.highWatermark = highWatermark;
    const last = messages[messages.length - 1]!.offset;
    if (last < state.nextExpected) {
      // Everything here is already in flight or stored in the sink (e.g. the group offset lags
      // the sink's after a crash, or kafkajs re-fetched after a rebalance): skip ahead.
      if (last < state.nextExpected - 1) this.deps.source.seek(tp, state.nextExpected);
      return;
    }
    const items: PendingRecord[] = [];
    for (const message of messages) if (message.offset >= state.nextExpected) items.push(new PendingRecord(state, message));
    state.nextExpected = last + 1;
    this.deps.metrics.consumed.inc(this.labels, items.length);
    this.accumulator.add(items);
    await this.accumulator.whenRoom();
  }

  // ---- writing ----

  /**
   * Takes batches in arrival order. The next batch is decoded while the previous one is being
   * written, so the sink's round trips overlap the decoding CPU; the writes themselves (and
   * publishing) stay one at a time, in order.
   */
  private async runWriteLoop(): Promise<void> {
    let writing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const items = await this.accumulator.next(IDLE_TICK_MS);
        const draining = this.status !== 'running';
        if (this.abort.signal.aborted) break;
        const decoded = items.length > 0 ? await this.decode(items) : [];
        await writing;
        if (this.abort.signal.aborted) break;
        writing = this.serial(async () => {
          if (decoded.length > 0) await this.deliver(decoded);
          if (this.staged) {
            const force = (items.length === 0 && draining) || this.publishRequested;
            this.publishRequested = false;
            await this.publish(force);
          }
          this.requestCommit();
        }).catch((error: Error) => this.fail(error));
        if (draining && items.length === 0 && this.accumulator.size === 0) break;
      }
      await writing;
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /**
   * Decodes and transforms a batch (no side effects: dead letters are sent when it is delivered).
   * Decoded here, not when fetched: what waits in the buffer stays raw bytes, small and honest
   * to `buffer_max_bytes`.
   */
  private async decode(batch: PendingRecord[]): Promise<PendingRecord[]> {
    const live = batch.filter((item) => !item.state.revoked);
    if (live.length > 0) await this.preparer.prepare(live);
    return live;
  }

  /** Writes one decoded batch with retries; failed records go to the dead-letter topic, or stop the pipeline. */
  private async deliver(decoded: PendingRecord[]): Promise<void> {
    // Partitions may have been revoked while the batch was decoded.
    const live = decoded.filter((item) => !item.state.revoked);
    if (live.length === 0) return;
    const failedEarly = live.filter((item) => item.status === 'failed');
    if (failedEarly.length > 0) {
      await this.deadLetter(failedEarly.map((item) => ({ message: item.message, stage: item.stage!, error: item.error, attempts: 1 })));
    }
    let pending = live.filter((item) => item.status === 'record');
    const transactional = this.transactional;
    for (let attempt = 1; pending.length > 0 || transactional; attempt++) {
      const records = pending;
      const offsets = transactional ? this.offsetUpdates(live) : undefined;
      let failures;
      const stopTimer = this.deps.metrics.sinkLatency.startTimer(this.labels);
      try {
        failures = (await this.sink.write({ records }, offsets))?.failures ?? [];
      } catch (error) {
        if (!isRetryable(error)) throw new PipelineFailure(`sink ${this.deps.connector.name} failed: ${errorMessage(error)}`);
        if (attemptsExhausted(this.config.errors.retry, attempt)) {
          throw new PipelineFailure(`sink ${this.deps.connector.name} still failing after ${attempt} attempts: ${errorMessage(error)}`);
        }
        this.log.warn({ attempt, err: errorMessage(error), records: records.length }, 'write failed; retrying');
        this.deps.metrics.retries.inc(this.labels);
        await waitBeforeRetry(this.config.errors.retry, attempt, this.abort.signal);
        continue;
      } finally {
        stopTimer();
      }
      if (failures.length === 0) {
        this.deps.metrics.written.inc(this.labels, records.length);
        this.deps.metrics.batchRecords.observe(this.labels, records.length);
        break;
      }
      const exhausted = attemptsExhausted(this.config.errors.retry, attempt);
      const permanent = failures.filter((f) => !f.retryable || exhausted);
      const retryable = new Set(failures.filter((f) => f.retryable && !exhausted).map((f) => f.index));
      await this.deadLetter(permanent.map((f) => ({ message: pending[f.index]!.message, stage: 'write', error: f.error, attempts: attempt })));
      if (!transactional) this.deps.metrics.written.inc(this.labels, records.length - failures.length);
      // A transactional write that reports failures committed nothing: retry all but the dead.
      const permanentIndexes = new Set(permanent.map((f) => f.index));
      pending = transactional ? pending.filter((_, i) => !permanentIndexes.has(i)) : pending.filter((_, i) => retryable.has(i));
      if (retryable.size > 0) {
        this.log.warn({ attempt, retrying: retryable.size, dead: permanent.length }, 'some records failed; retrying them');
        this.deps.metrics.retries.inc(this.labels);
        await waitBeforeRetry(this.config.errors.retry, attempt, this.abort.signal);
      } else if (!transactional) {
        break;
      }
    }
    this.acknowledge(live);
  }

  /** The offsets a transactional sink stores with this batch, per partition. */
  private offsetUpdates(items: readonly PendingRecord[]): OffsetUpdate[] {
    const next = new Map<PartitionState, number>();
    for (const item of items) next.set(item.state, item.message.offset + 1);
    return [...next].map(([state, to]) => ({ topic: state.topic, partition: state.partition, expected: state.sinkNext, next: to }));
  }

  private acknowledge(items: readonly PendingRecord[]): void {
    this.handled += items.length;
    let filtered = 0;
    for (const item of items) {
      const to = item.message.offset + 1;
      if (item.status === 'filtered') filtered++;
      else if (item.status === 'record' && to > item.state.writtenTo) item.state.writtenTo = to;
      if (to > item.state.handledTo) item.state.handledTo = to;
      if (this.transactional) item.state.sinkNext = item.state.handledTo;
      // The sink's transaction committed the group's offset already.
      if (this.transactional && this.sink.commitsGroupOffsets) item.state.committedTo = item.state.handledTo;
    }
    if (filtered > 0) this.deps.metrics.filtered.inc(this.labels, filtered);
  }

  private async deadLetter(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    for (const l of letters) this.deps.metrics.failed.inc({ ...this.labels, stage: l.stage });
    const first = letters[0]!;
    const where = `${first.message.topic}/${first.message.partition}@${first.message.offset}`;
    if (this.config.errors.tolerance === 'none' || !this.dlq) {
      throw new PipelineFailure(
        `record ${where} failed to ${stageVerb(first.stage)}: ${errorMessage(first.error)} ` +
          `(errors.tolerance is none: stopping; nothing past it is committed)`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.dlq.send(letters);
        break;
      } catch (error) {
        if (attemptsExhausted(this.config.errors.retry, attempt)) throw new PipelineFailure(`dead-letter topic ${this.dlq.topic} unwritable: ${errorMessage(error)}`);
        this.log.warn({ attempt, err: errorMessage(error) }, 'dead-letter write failed; retrying');
        await waitBeforeRetry(this.config.errors.retry, attempt, this.abort.signal);
      }
    }
    this.deps.metrics.deadLettered.inc(this.labels, letters.length);
    this.log.warn({ records: letters.length, first: where, stage: first.stage, err: errorMessage(first.error) }, 'records sent to the dead-letter topic');
  }

  /** Two-phase: publish staged units that are due (all of them when `force`). */
  private async publish(force: boolean): Promise<void> {
    const units = await this.sink.prepare!(force);
    for (const unit of units) {
      // Revoked partitions belong to another consumer now: their staged work is never published.
      const owned = () => unit.ranges.every((r) => this.partitions.get(partitionKey(r))?.revoked === false);
      for (let attempt = 1; owned(); attempt++) {
        try {
          await this.sink.commit!(unit);
          break;
        } catch (error) {
          const fenced = error instanceof FencedError;
          if (fenced && !owned()) {
            this.log.info({ ranges: unit.ranges, err: errorMessage(error) }, 'staged unit of a revoked partition dropped');
            break;
          }
          // Fenced while still ours: the new owner may have acted before our revocation arrived.
          const hopeless = fenced ? attempt >= FENCED_PUBLISH_ATTEMPTS : !isRetryable(error);
          if (hopeless || attemptsExhausted(this.config.errors.retry, attempt)) throw new PipelineFailure(`publishing in the sink failed: ${errorMessage(error)}`);
          // A store that is down (HDFS restarting, say) fails here, not in `write`: say so.
          this.log.warn({ attempt, err: errorMessage(error) }, 'publishing failed; retrying');
          this.deps.metrics.retries.inc(this.labels);
          await waitBeforeRetry(this.config.errors.retry, attempt, this.abort.signal);
        }
      }
      for (const range of unit.ranges) {
        const state = this.partitions.get(partitionKey(range));
        if (state && range.next > state.publishedTo) state.publishedTo = range.next;
      }
    }
    // Where everything handed to the sink is published, nothing of the partition is staged:
    // records handled without the sink (filtered, dead-lettered) are safe to commit too.
    for (const state of this.partitions.values()) {
      if (state.publishedTo >= state.writtenTo) state.publishedTo = Math.max(state.publishedTo, state.handledTo);
    }
  }

  // ---- committing ----

  /** Offsets safe to commit to the group: acknowledged by the sink, not yet committed. */
  private committable(): StoredOffset[] {
    const out: StoredOffset[] = [];
    for (const state of this.partitions.values()) {
      const safe = this.staged ? state.publishedTo : state.handledTo;
      if (!state.revoked && safe > state.committedTo) out.push({ topic: state.topic, partition: state.partition, next: safe });
    }
    return out;
  }

  /**
   * Commits in the background, one commit at a time; a request during a commit is coalesced.
   * Within `commit_interval_ms` of the last commit a request waits for a later one (the write
   * loop asks again on every batch and idle tick), unless `force`d by a stop.
   */
  private requestCommit(force = false): void {
    if (this.commitPendingRecord) {
      this.commitAgain = true;
      return;
    }
    if (!force && performance.now() - this.lastCommitAt < this.config.commit_interval_ms) return;
    const offsets = this.committable();
    if (offsets.length === 0) return;
    this.lastCommitAt = performance.now();
    this.commitPendingRecord = this.deps.source
      .commit(offsets)
      .then(() => {
        for (const o of offsets) {
          const state = this.partitions.get(partitionKey(o));
          if (state && o.next > state.committedTo) state.committedTo = o.next;
        }
      })
      .catch((error) => this.log.warn({ err: errorMessage(error) }, 'offset commit failed; will retry with the next batch'))
      .finally(() => {
        this.commitPendingRecord = undefined;
        if (this.commitAgain) {
          this.commitAgain = false;
          this.requestCommit(force);
        }
      });
  }

  private async flushCommits(): Promise<void> {
    while (this.commitPendingRecord) await this.commitPendingRecord;
    this.requestCommit(true);
    while (this.commitPendingRecord) await this.commitPendingRecord;
  }

  // ---- lifecycle ----

  private fail(error: Error): void {
    if (this.failure) return;
    if (this.abort.signal.aborted && !(error instanceof PipelineFailure)) return;
    this.failure = error;
    this.status = 'failed';
    this.deps.metrics.up.set(this.labels, 0);
    this.log.error({ err: errorMessage(error) }, 'pipeline failed');
    this.abort.abort(error);
    this.accumulator.close();
    void this.shutdown().finally(() => this.rejectDone(error));
  }

  private shutdownPromise: Promise<void> | undefined;
  private shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      if (!this.failure) await this.flushCommits();
      await this.deps.source.stop().catch((error) => this.log.warn({ err: errorMessage(error) }, 'consumer disconnect failed'));
      await this.sinkQueue.catch(() => undefined);
      await this.sink.stop().catch((error) => this.log.warn({ err: errorMessage(error) }, 'sink stop failed'));
      await this.dlq?.stop().catch(() => undefined);
      this.deps.metrics.up.set(this.labels, 0);
      this.log.info({ committed: Object.fromEntries([...this.partitions.values()].map((s) => [s.key, s.committedTo])) }, 'pipeline stopped');
    })();
    return this.shutdownPromise;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.sinkQueue.then(work, work);
    this.sinkQueue = run.catch(() => undefined);
    return run;
  }

  lag(): number {
    let total = 0;
    for (const state of this.partitions.values()) total += state.lag;
    return total;
  }
}

/** A connector claiming an exactly-once mode must implement that mode's hooks. */
function checkSinkShape(connector: string, sink: Sink, mode: ExactlyOnceMode | string | undefined): void {
  const needs: Record<string, readonly (keyof Sink)[]> = { 'two-phase': ['open', 'prepare', 'commit'], transactional: ['open'], idempotent: [] };
  const missing = (needs[mode ?? ''] ?? []).filter((m) => typeof sink[m] !== 'function');
  if (missing.length > 0) throw new Error(`connector ${connector} claims ${mode} but its sink lacks ${missing.join(', ')}`);
}

function stageVerb(stage: FailureStage): string {
  return stage === 'decode' ? 'decode' : stage === 'transform' ? 'transform' : 'be written';
}
