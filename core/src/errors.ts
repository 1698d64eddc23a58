/** Errors a sink throws to tell the core what to do with a failed batch. */

/**
 * A whole-batch failure. `retryable: true` (the default for any thrown error) makes the core
 * back off and retry; `false` stops the pipeline (bad credentials, a missing table) since no
 * retry and no dead letter can fix it.
 */
export class SinkError extends Error {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'SinkError';
    this.retryable = options.retryable;
  }
}

/** A transactional sink found offsets it did not expect: another consumer owns the partition. */
export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

/** True unless the error says retrying cannot help. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof FencedError) return false;
  if (error instanceof SinkError) return error.retryable;
  return true;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorClass(error: unknown): string {
  return error instanceof Error ? error.name || error.constructor.name : typeof error;
}
