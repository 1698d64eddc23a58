/** What a Redis error means for the record or batch that caused it: one place, tested per class. */

export type ErrorClass = 'record' | 'retryable' | 'fatal';

/** Record-level: only this record's data is wrong for its key. */
const RECORD = /^(WRONGTYPE|ERR (value is not|hash value is not|min or max is not|.*not a valid float))/;
/** Fatal: credentials or permissions; no retry or dead letter can fix them. */
const FATAL = /^(NOAUTH|WRONGPASS|NOPERM)|invalid username-password pair|Authentication required/i;

export function classify(error: Error): ErrorClass {
  const message = error.message ?? '';
  if (FATAL.test(message)) return 'fatal';
  if (RECORD.test(message)) return 'record';
  // Connection loss, LOADING, BUSY, OOM, READONLY (failover), TRYAGAIN, CLUSTERDOWN: wait and retry.
  return 'retryable';
}
