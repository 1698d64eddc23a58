/**
 * The durable record behind exactly-once delivery: for each source partition, the next source
 * offset whose messages are decided (committed or to be committed), and by which epoch.
 *
 * RocketMQ cannot keep Kafka offsets with its messages, and a transaction holds one message
 * (the client's limit), so a batch is many half messages. The sink commits them only after it
 * recorded "everything before offset N of this partition is decided, by epoch E" here; a half
 * message whose commit a crash lost is then resolved by the broker's transaction check, which
 * asks this ledger. Entries live as Kafka consumer-group offsets (with JSON metadata) of a group
 * that nobody joins, written in Kafka transactions: atomic across partitions, and a write whose
 * outcome was lost is settled by starting the transactional producer again.
 *
 * An epoch is one ownership of a partition by one sink (a new one on every `open`, and after a
 * batch whose half messages could not all be rolled back). A half message carries its epoch and
 * source offset, which is all the check needs (see `resolve`).
 */
import { randomBytes } from 'node:crypto';
import type { createKafka } from '@sinkhub/core';

type Kafka = ReturnType<typeof createKafka>;
type Admin = ReturnType<Kafka['admin']>;
type Producer = ReturnType<Kafka['producer']>;

export interface LedgerEntry {
  /** Source offsets below this are decided. */
  readonly next: number;
  /** The epoch that decided them. */
  readonly epoch: string;
  /** Earlier epochs with the offset each stopped at, newest last (bounded). */
  readonly history: readonly (readonly [epoch: string, end: number])[];
}

/** Epochs kept in an entry's history: a half message of an older epoch is left to the broker to discard. */
export const HISTORY_LIMIT = 24;

export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

/** The entry after `epoch` decided everything before `next`. */
export function advance(previous: LedgerEntry | undefined, epoch: string, next: number): LedgerEntry {
  if (!previous) return { next, epoch, history: [] };
  if (previous.epoch === epoch) return { next, epoch, history: previous.history };
  const history = [...previous.history.filter(([e]) => e !== previous.epoch), [previous.epoch, previous.next] as const].slice(-HISTORY_LIMIT);
  return { next, epoch, history };
}

export function encodeMetadata(entry: LedgerEntry): string {
  return JSON.stringify({ v: 1, e: entry.epoch, h: entry.history });
}

/** An entry from a committed offset and its metadata; undefined when nothing was recorded. */
export function decodeEntry(offset: string, metadata: string | null): LedgerEntry | undefined {
  const next = Number(offset);
  if (!Number.isSafeInteger(next) || next < 0 || !metadata) return undefined;
  try {
    const parsed = JSON.parse(metadata) as { v?: number; e?: unknown; h?: unknown };
    if (parsed.v !== 1 || typeof parsed.e !== 'string' || !Array.isArray(parsed.h)) return undefined;
    return { next, epoch: parsed.e, history: parsed.h as [string, number][] };
  } catch {
    return undefined;
  }
}

export type Resolution = 'commit' | 'rollback' | 'unknown';

export interface HalfMessage {
  readonly epoch: string;
  readonly offset: number;
}

export interface Knowledge {
  /** The message belongs to a write of this process that has not finished: it decides it itself. */
  readonly inFlight: boolean;
  /** The epoch is this process's: what it did not decide, it never will. */
  readonly ownEpoch: boolean;
}

/**
 * What to do with a half message the broker asks about. `unknown` leaves it open: the broker
 * asks again later, and discards it after its check limit (`transactionCheckMax`, 15), which is
 * a rollback. Only a message a live owner might still decide, or one too old to judge, is left.
 */
export function resolve(entry: LedgerEntry | undefined, half: HalfMessage, known: Knowledge): Resolution {
  if (known.inFlight) return 'unknown';
  if (entry && entry.epoch === half.epoch) {
    if (half.offset < entry.next) return 'commit';
    return known.ownEpoch ? 'rollback' : 'unknown';
  }
  const ended = entry?.history.find(([epoch]) => epoch === half.epoch);
  if (ended) return half.offset < ended[1] ? 'commit' : 'rollback';
  // An epoch of ours that is not in the ledger decided nothing.
  return known.ownEpoch ? 'rollback' : 'unknown';
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Entries per source partition, read from and written to Kafka. */
export class Ledger {
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private readonly cache = new Map<string, { at: number; entries: Promise<Map<string, LedgerEntry>> }>();

  constructor(
    private readonly kafka: Kafka,
    /** The consumer group whose offsets are the ledger. */
    readonly group: string,
    private readonly transactionalId: string,
  ) {}

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.startProducer();
  }

  /** The entries of `topics`' partitions, by `partitionKey`. */
  async read(topics: readonly string[], group = this.group): Promise<Map<string, LedgerEntry>> {
    const admin = this.admin;
    if (!admin) throw new Error('ledger not connected');
    const entries = new Map<string, LedgerEntry>();
    if (topics.length === 0) return entries;
    const answer = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    for (const { topic, partitions } of answer) {
      for (const p of partitions) {
        const entry = decodeEntry(p.offset, p.metadata);
        if (entry) entries.set(partitionKey(topic, p.partition), entry);
      }
    }
    return entries;
  }

  /** `read` through a short-lived cache, for the transaction checks that come in bursts after a crash. */
  readCached(topic: string, group: string, maxAgeMs = 1000): Promise<Map<string, LedgerEntry>> {
    const key = `${group}\u0000${topic}`;
    const cached = this.cache.get(key);
    if (cached && performance.now() - cached.at < maxAgeMs) return cached.entries;
    const entries = this.read([topic], group);
    entries.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: performance.now(), entries });
    return entries;
  }

  /** Records entries in one Kafka transaction: all of them or none. */
  async record(entries: readonly { topic: string; partition: number; entry: LedgerEntry }[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('ledger not connected');
    const byTopic = new Map<string, { partition: number; offset: string; metadata: string }[]>();
    for (const { topic, partition, entry } of entries) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset: String(entry.next), metadata: encodeMetadata(entry) });
      byTopic.set(topic, list);
    }
    const transaction = await producer.transaction();
    try {
      await transaction.sendOffsets({ consumerGroupId: this.group, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    await transaction.commit();
    this.cache.clear();
  }

  /**
   * After a `record` whose outcome is unknown: a new producer with the same transactional id
   * makes the coordinator finish or abort the earlier transaction, so a read afterwards is final.
   */
  async settle(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
    await this.startProducer();
    const probe = await this.producer!.transaction();
    await probe.abort();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.producer = undefined;
    this.admin = undefined;
  }

  private async startProducer(): Promise<void> {
    // It sends offsets only, never messages: no partitioner is ever asked (and none is warned about).
    const producer = this.kafka.producer({ transactionalId: this.transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: () => () => 0 });
    await producer.connect();
    this.producer = producer;
  }
}
