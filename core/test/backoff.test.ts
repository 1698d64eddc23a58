/** Retry backoff: exponential, capped, jittered within bounds; attempts 0 means unlimited. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptsExhausted, backoffDelay, waitBeforeRetry } from '../src/retry.js';

const retry = { max_attempts: 5, initial_backoff_ms: 100, max_backoff_ms: 1000, multiplier: 2, jitter: 0.2 };

describe('backoff', () => {
  it('grows by the multiplier and stops at the cap', () => {
    const noJitter = () => 0;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(retry, a, noJitter)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter takes off at most its fraction', () => {
    assert.equal(backoffDelay(retry, 3, () => 1), 320);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(retry, 2, Math.random);
      assert.ok(d >= 160 && d <= 200, String(d));
    }
  });

  it('counts attempts; 0 retries for ever', () => {
    assert.equal(attemptsExhausted(retry, 4), false);
    assert.equal(attemptsExhausted(retry, 5), true);
    assert.equal(attemptsExhausted({ ...retry, max_attempts: 0 }, 1_000_000), false);
  });

  it('a wait ends early when aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(new Error('stopping')), 20);
    await assert.rejects(waitBeforeRetry({ ...retry, initial_backoff_ms: 10_000, max_backoff_ms: 10_000 }, 1, abort.signal));
    assert.ok(Date.now() - started < 1000);
  });
});
