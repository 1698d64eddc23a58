/** What an InfluxDB answer means for the batch: one place, tested against the server's shapes. */
import { HttpError } from '@influxdata/influxdb-client';

/**
 * `record`: the server refused lines of the request (syntax, a field type conflict, too large),
 * so splitting finds them; `fatal`: credentials, permissions or a missing database, which no
 * retry fixes; `retryable`: anything else (the server down, a timeout, 5xx).
 */
export type ErrorKind = 'record' | 'fatal' | 'retryable';

export function classify(error: unknown): ErrorKind {
  const status = error instanceof HttpError ? error.statusCode : undefined;
  if (status === 400 || status === 413 || status === 422) return 'record';
  if (status === 401 || status === 403 || status === 404) return 'fatal';
  return 'retryable';
}

/** The server's own message where it sent one (`{"error": …}` in v1, `{"message": …}` in v2). */
export function describe(error: unknown): string {
  if (error instanceof HttpError) {
    const json = error.json as { error?: string; message?: string } | undefined;
    return `HTTP ${error.statusCode}: ${json?.error ?? json?.message ?? error.body ?? error.message}`;
  }
  const e = error as Error & { code?: string };
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}
