/**
 * Collects consumed records into batches for the sink, and bounds how much waits in memory.
 * One accumulator per pipeline; records keep their arrival order, hence their partition order.
 */
import type { BatchPolicy } from './batch-policy.js';

export interface Sized {
  readonly size: number;
}

export class BatchAccumulator<T extends Sized> {
  /** Arrival-ordered chunks; `head` is how much of the first chunk was already taken. */
  private chunks: T[][] = [];
  private head = 0;
  private count = 0;
  private bytes = 0;
  private oldestAt = 0;
  private flushRequested = false;
  private closed = false;
  private wakeTaker: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly policy: BatchPolicy) {}

  get size(): number {
    return this.count;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  add(items: T[]): void {
    if (items.length === 0) return;
    if (this.count === 0) this.oldestAt = Date.now();
    this.chunks.push(items);
    this.count += items.length;
    for (const item of items) this.bytes += item.size;
    this.wake();
  }

  /** Resolves once buffered bytes are under the bound, or the accumulator is closed. */
  whenRoom(): Promise<void> {
    if (this.bytes < this.policy.bufferMaxBytes || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Hands out what is buffered now at the next `next()`, without waiting for the batch to fill. */
  requestFlush(): void {
    this.flushRequested = true;
    this.wake();
  }

  /**
   * The next batch: as soon as it is full, or once its oldest record waited `maxWaitMs`, or a
   * flush was requested. Resolves with an empty batch after `idleMs` with nothing buffered,
   * or at once when closed and empty, so the caller can do periodic work.
   */
  async next(idleMs: number): Promise<T[]> {
    for (;;) {
      const full = this.count >= this.policy.maxRecords || this.bytes >= this.policy.maxBytes;
      const waited = Date.now() - this.oldestAt;
      if (this.count > 0 && (full || this.flushRequested || this.closed || waited >= this.policy.maxWaitMs)) {
        return this.take();
      }
      if (this.count === 0 && (this.closed || this.flushRequested)) {
        this.flushRequested = false;
        return [];
      }
      const timeout = this.count > 0 ? this.policy.maxWaitMs - waited : idleMs;
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.max(0, timeout));
        this.wakeTaker = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wakeTaker = undefined;
      if (!woke && this.count === 0) return [];
    }
  }

  /** Drops buffered records matching `predicate` (records of revoked partitions). */
  remove(predicate: (item: T) => boolean): void {
    const kept = this.takeAll().filter((item) => !predicate(item));
    this.add(kept);
    this.releaseRoom();
  }

  /** Wakes every waiter; `next` then hands out what is left, and `whenRoom` resolves. */
  close(): void {
    this.closed = true;
    this.wake();
    this.releaseRoom();
  }

  private take(): T[] {
    const out: T[] = [];
    let bytes = 0;
    while (this.chunks.length > 0 && out.length < this.policy.maxRecords && (out.length === 0 || bytes < this.policy.maxBytes)) {
      const chunk = this.chunks[0]!;
      while (this.head < chunk.length && out.length < this.policy.maxRecords && (out.length === 0 || bytes < this.policy.maxBytes)) {
        const item = chunk[this.head++]!;
        out.push(item);
        bytes += item.size;
      }
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.count -= out.length;
    this.bytes -= bytes;
    if (this.count === 0) this.flushRequested = false;
    else this.oldestAt = Date.now();
    this.releaseRoom();
    return out;
  }

  private takeAll(): T[] {
    const all = this.chunks.flatMap((chunk, i) => (i === 0 ? chunk.slice(this.head) : chunk));
    this.chunks = [];
    this.head = 0;
    this.count = 0;
    this.bytes = 0;
    return all;
  }

  private wake(): void {
    this.wakeTaker?.();
  }

  private releaseRoom(): void {
    if (this.bytes >= this.policy.bufferMaxBytes && !this.closed) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
