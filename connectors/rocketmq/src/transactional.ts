/**
 * Exactly-once through RocketMQ transactional messages and the ledger (ledger.ts).
 *
 * One write: (1) every record is sent as a half message (invisible to consumers), each in its
 * own transaction, carrying its epoch and source coordinates; (2) the batch's source offsets are
 * recorded in the ledger, the commit point; (3) every half message is committed. A crash before
 * (2) leaves half messages the broker's check rolls back (their offsets are consumed again); a
 * crash after (2) leaves half messages the check commits. A failed write rolls its half messages
 * back, and one whose ledger write has an unknown outcome keeps them until the ledger tells.
 */
import { randomUUID } from 'node:crypto';
import { FencedError, SinkError, createKafka, type Batch, type OffsetUpdate, type RecordFailure, type SinkContext, type StoredOffset, type TopicPartition, type WriteResult } from '@sinkhub/core';
import type { MessageView, TransactionChecker } from 'rocketmq-client-nodejs';
import type { SinkProducer } from './client.js';
import { Ledger, advance, newEpoch, partitionKey, resolve, type LedgerEntry, type Resolution } from './ledger.js';
import type { OutgoingMessage, Translation } from './messages.js';
import type { RocketmqOptions } from './options.js';
import { forEachLimited, sendAll, type SendOutcome } from './send.js';
import { describe, toMessageOptions } from './sink.js';

/** User properties every half message carries for the transaction check. */
export const TX_PROPERTIES = { epoch: 'sinkhub_epoch', attempt: 'sinkhub_attempt', ledger: 'sinkhub_ledger', topic: 'kafka_topic', partition: 'kafka_partition', offset: 'kafka_offset' } as const;

/** TransactionResolution of the v2 protocol. */
const RESOLUTION = { unknown: 0, commit: 1, rollback: 2 } as const;

type Half = ReturnType<SinkProducer['beginTransaction']>;

/** A write whose ledger record may or may not have landed: its half messages wait for the answer. */
interface Unsettled {
  readonly attempt: string;
  readonly halves: readonly { half: Half; key: string }[];
  readonly entries: readonly { topic: string; partition: number; entry: LedgerEntry }[];
  readonly updates: readonly OffsetUpdate[];
}

export type FailuresOf = (outcomes: readonly SendOutcome<unknown>[], messages: readonly OutgoingMessage[]) => RecordFailure[];

export class TransactionalWriter {
  private readonly ledger: Ledger;
  private producer: SinkProducer | undefined;
  /** The current epoch of each open partition. */
  private readonly epochs = new Map<string, string>();
  /** Every epoch this process made: what it did not decide, it never will. */
  private readonly ownEpochs = new Set<string>();
  /** Attempts whose half messages are being sent or decided right now. */
  private readonly inFlight = new Set<string>();
  /** The ledger as last written or read by this process. */
  private readonly known = new Map<string, LedgerEntry>();
  private unsettled: Unsettled | undefined;
  readonly checker: TransactionChecker;

  constructor(
    private readonly options: RocketmqOptions,
    private readonly context: SinkContext,
    private readonly where: string,
  ) {
    const group = options.transaction_state_group ?? `sinkhub-rocketmq-${context.pipeline}`;
    const kafka = createKafka(context.kafka, context.logger.child({ ledger: group }));
    this.ledger = new Ledger(kafka, group, `${group}-${randomUUID()}`);
    this.checker = { check: async (message) => RESOLUTION[await this.check(message)] as never };
  }

  async connect(producer: SinkProducer): Promise<void> {
    this.producer = producer;
    try {
      await this.ledger.connect();
    } catch (error) {
      throw new Error(`transaction ledger (Kafka group ${this.ledger.group}): ${(error as Error).message}`, { cause: error });
    }
  }

  /** A new epoch per partition; the ledger's offsets are where the core resumes. */
  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    const entries = await this.ledger.read([...new Set(partitions.map((p) => p.topic))]);
    const stored: StoredOffset[] = [];
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      this.rotate(key);
      const entry = entries.get(key);
      if (entry) {
        this.known.set(key, entry);
        stored.push({ topic, partition, next: entry.next });
      } else this.known.delete(key);
    }
    return stored;
  }

  close(partitions: readonly TopicPartition[]): void {
    for (const { topic, partition } of partitions) this.epochs.delete(partitionKey(topic, partition));
  }

  async write(batch: Batch, translation: Translation, updates: readonly OffsetUpdate[], failuresOf: FailuresOf): Promise<WriteResult> {
    const producer = this.producer;
    if (!producer) throw new SinkError(`${this.where}: not connected`, { retryable: true });
    if (this.unsettled && (await this.settle(this.unsettled, updates))) return undefined;

    const readLedger = () => this.retryable(() => this.ledger.read([...new Set(updates.map((u) => u.topic))]), 'reading the transaction ledger');
    let entries = await readLedger();
    // Offsets committed in a Kafka transaction reach the group a moment after the commit
    // returned: a read just after our own ledger write can still show the value before it.
    // Behind what this writer knows it wrote is that lag (read again), not another writer.
    const lagging = () => updates.some((u) => (entries.get(partitionKey(u.topic, u.partition))?.next ?? null) !== u.expected && this.known.get(partitionKey(u.topic, u.partition))?.next === u.expected);
    for (let attempt = 1; attempt <= 10 && lagging(); attempt++) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      entries = await readLedger();
    }
    for (const u of updates) {
      const stored = entries.get(partitionKey(u.topic, u.partition))?.next ?? null;
      if (stored !== u.expected) throw new FencedError(`ledger ${this.ledger.group} holds ${stored} for ${u.topic}/${u.partition}, expected ${u.expected}: another writer owns the partition`);
    }
    if (translation.failures.length > 0) return { failures: translation.failures };

    const attempt = randomUUID();
    this.inFlight.add(attempt);
    try {
      const record = batch.records;
      const outcomes = await sendAll(translation.messages, this.options.max_in_flight, async (m) => {
        const source = record[m.index]!;
        const key = partitionKey(source.topic, source.partition);
        const half = producer.beginTransaction();
        await producer.send(
          toMessageOptions(m, {
            [TX_PROPERTIES.epoch]: this.epochOf(key),
            [TX_PROPERTIES.attempt]: attempt,
            [TX_PROPERTIES.ledger]: this.ledger.group,
            [TX_PROPERTIES.topic]: source.topic,
            [TX_PROPERTIES.partition]: String(source.partition),
            [TX_PROPERTIES.offset]: String(source.offset),
          }),
          half,
        );
        return { half, key };
      });
      const sent = outcomes.flatMap((o) => (o.ok ? [o.receipt] : []));
      const failures = failuresOf(outcomes, translation.messages);
      if (failures.length > 0) {
        // A transactional write that reports failures has committed nothing.
        await this.rollback(sent);
        if (failures.every((f) => f.retryable)) throw new SinkError(`${this.where}: ${describe(failures[0]!.error)}`, { retryable: true, cause: failures[0]!.error });
        return { failures };
      }

      const recorded = updates.map((u) => {
        const key = partitionKey(u.topic, u.partition);
        return { topic: u.topic, partition: u.partition, entry: advance(entries.get(key), this.epochOf(key), u.next) };
      });
      if (recorded.length > 0) {
        try {
          await this.ledger.record(recorded);
        } catch (error) {
          // The record may have landed: keep the half messages until the ledger says.
          this.unsettled = { attempt, halves: sent, entries: recorded, updates };
          this.inFlight.delete(attempt);
          throw new SinkError(`${this.where}: recording offsets in the transaction ledger failed: ${(error as Error).message}`, { retryable: true, cause: error });
        }
        for (const r of recorded) this.known.set(partitionKey(r.topic, r.partition), r.entry);
      }
      await this.commit(sent);
      return undefined;
    } finally {
      this.inFlight.delete(attempt);
    }
  }

  async stop(): Promise<void> {
    await this.ledger.stop();
  }

  /**
   * Settles the last write's unknown ledger record. True when it had landed and `updates` are
   * the same batch again (the core's retry): then that batch is done.
   */
  private async settle(unsettled: Unsettled, updates: readonly OffsetUpdate[]): Promise<boolean> {
    this.inFlight.add(unsettled.attempt);
    try {
      const entries = await this.retryable(async () => {
        await this.ledger.settle();
        return this.ledger.read([...new Set(unsettled.entries.map((e) => e.topic))]);
      }, 'settling the transaction ledger');
      const landed = unsettled.entries.every(({ topic, partition, entry }) => {
        const now = entries.get(partitionKey(topic, partition));
        return now?.epoch === entry.epoch && now.next === entry.next;
      });
      this.unsettled = undefined;
      if (landed) {
        for (const e of unsettled.entries) this.known.set(partitionKey(e.topic, e.partition), e.entry);
        await this.commit(unsettled.halves);
        return sameUpdates(unsettled.updates, updates);
      }
      await this.rollback(unsettled.halves);
      return false;
    } finally {
      this.inFlight.delete(unsettled.attempt);
    }
  }

  /** Commits half messages whose offsets the ledger holds; one whose commit fails is the check's to commit. */
  private async commit(halves: readonly { half: Half; key: string }[]): Promise<void> {
    const outcomes = await this.endAll(halves, (h) => h.commit());
    const lost = outcomes.filter((o) => !o.ok).length;
    if (lost > 0) this.context.logger.warn({ messages: lost, err: describe((outcomes.find((o) => !o.ok) as { error: unknown }).error) }, 'committing transactional messages failed; the broker’s transaction check will commit them');
  }

  /** Rolls half messages back; where one cannot be, its partition changes epoch so the check rolls it back. */
  private async rollback(halves: readonly { half: Half; key: string }[]): Promise<void> {
    const outcomes = await this.endAll(halves, (h) => h.rollback());
    const stuck = new Set(halves.filter((_, i) => !outcomes[i]!.ok).map((h) => h.key));
    for (const key of stuck) if (this.epochs.has(key)) this.rotate(key);
  }

  private endAll(halves: readonly { half: Half; key: string }[], end: (half: Half) => Promise<void>) {
    return forEachLimited(halves, this.options.max_in_flight, (h) => end(h.half));
  }

  /** The broker asks about a half message left open (a crash, a lost commit): the ledger decides. */
  private async check(message: MessageView): Promise<Resolution> {
    const p = message.properties;
    const epoch = p.get(TX_PROPERTIES.epoch);
    const group = p.get(TX_PROPERTIES.ledger);
    const topic = p.get(TX_PROPERTIES.topic);
    const partition = Number(p.get(TX_PROPERTIES.partition));
    const offset = Number(p.get(TX_PROPERTIES.offset));
    // Not a message of ours: leave it to its producer.
    if (epoch === undefined || group === undefined || topic === undefined || !Number.isInteger(partition) || !Number.isInteger(offset)) return 'unknown';
    const attempt = p.get(TX_PROPERTIES.attempt);
    try {
      const entries = await this.ledger.readCached(topic, group);
      const resolution = resolve(entries.get(partitionKey(topic, partition)), { epoch, offset }, { inFlight: attempt !== undefined && this.inFlight.has(attempt), ownEpoch: this.ownEpochs.has(epoch) });
      this.context.logger.info({ topic, partition, offset, epoch, resolution }, 'transaction check');
      return resolution;
    } catch (error) {
      this.context.logger.warn({ err: (error as Error).message }, 'transaction check: the ledger cannot be read; the broker will ask again');
      return 'unknown';
    }
  }

  private epochOf(key: string): string {
    return this.epochs.get(key) ?? this.rotate(key);
  }

  private rotate(key: string): string {
    const epoch = newEpoch();
    this.epochs.set(key, epoch);
    this.ownEpochs.add(epoch);
    return epoch;
  }

  private async retryable<T>(work: () => Promise<T>, what: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new SinkError(`${what} (Kafka group ${this.ledger.group}): ${(error as Error).message}`, { retryable: true, cause: error });
    }
  }
}

function sameUpdates(a: readonly OffsetUpdate[], b: readonly OffsetUpdate[]): boolean {
  const key = (u: OffsetUpdate) => `${u.topic}/${u.partition}/${u.expected}/${u.next}`;
  const left = new Set(a.map(key));
  return b.length === a.length && b.every((u) => left.has(key(u)));
}
