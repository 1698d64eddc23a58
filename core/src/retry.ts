/** Exponential backoff with jitter and a cap, shared by every retry in the core. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryConfig } from './config/schema.js';

/** The wait before attempt `attempt + 1`, after `attempt` failures (1-based). */
export function backoffDelay(retry: RetryConfig, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(retry.max_backoff_ms, retry.initial_backoff_ms * retry.multiplier ** (attempt - 1));
  return Math.round(base * (1 - retry.jitter * random()));
}

/** True when `attempt` failures used up the attempts (0 = unlimited). */
export function attemptsExhausted(retry: RetryConfig, attempt: number): boolean {
  return retry.max_attempts > 0 && attempt >= retry.max_attempts;
}

/** Waits the backoff for `attempt`; rejects with the signal's reason when aborted. */
export async function waitBeforeRetry(retry: RetryConfig, attempt: number, signal: AbortSignal): Promise<void> {
  await sleep(backoffDelay(retry, attempt), undefined, { signal });
}
