/**
 * The `null` connector: takes every batch and drops it, counting records. Through it a
 * pipeline costs what the core costs (consume, decode, batch, acknowledge, commit) and
 * nothing of a target system. At-least-once only: there is nothing to store offsets in.
 */
import { defineConnector, z, type Batch, type Sink } from '@sinkhub/core';

/** What the null sink saw; shared with the code that runs the pipeline, which waits on it. */
export class WriteCounter {
  records = 0;
  batches = 0;
  /** `performance.now()` when the first batch reached the sink, and when the target was met. */
  firstAt = 0;
  reachedAt = 0;
  private readonly waiters: { target: number; resolve: () => void }[] = [];

  add(records: number): void {
    const now = performance.now();
    if (this.batches === 0) this.firstAt = now;
    this.batches++;
    this.records += records;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.records < waiter.target) continue;
      if (this.reachedAt === 0) this.reachedAt = now;
      this.waiters.splice(i, 1);
      waiter.resolve();
    }
  }

  /** Resolves once at least `target` records were written. */
  reached(target: number): Promise<void> {
    if (this.records >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }
}

export const nullOptions = z.strictObject({});

/** A `null` connector whose sinks count into `counter`. */
export function nullConnector(counter: WriteCounter) {
  return defineConnector({
    name: 'null',
    summary: 'Drops every record, counting them: measures the core without a target system.',
    options: nullOptions,
    guarantee: { summary: 'at-least-once: nothing is stored, so there is nothing to replay into.' },
    create(): Sink {
      return {
        async connect() {},
        async write(batch: Batch) {
          counter.add(batch.records.length);
        },
        async stop() {},
      };
    },
  });
}
