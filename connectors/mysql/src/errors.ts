/** What a MySQL/MariaDB error means for the record or batch that caused it: one place, tested per class. */

export type ErrorClass = 'record' | 'retryable' | 'fatal';

/** The fields of a mysql2 error this relies on. */
interface ServerError extends Error {
  code?: string;
  errno?: number;
  sqlState?: string;
}

/** Credentials, permissions, a missing database: no retry or dead letter can fix them. */
const FATAL_CODES = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_NOT_SUPPORTED_AUTH_MODE',
  'ER_PARSE_ERROR',
  'HANDSHAKE_SSL_ERROR',
  'HANDSHAKE_NO_SSL_SUPPORT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** This row's data or target is wrong: a missing table or column, a value that does not fit. */
const RECORD_CODES = new Set([
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
  'ER_WRONG_VALUE_COUNT_ON_ROW',
  'ER_WRONG_DB_NAME',
  'ER_WRONG_TABLE_NAME',
  'ER_TOO_LONG_IDENT',
  'ER_WRONG_VALUE',
  'ER_INVALID_JSON_TEXT',
  'ER_INVALID_JSON_TEXT_IN_PARAM',
]);

export function classify(error: unknown): ErrorClass {
  const e = error as ServerError;
  if (e.code && FATAL_CODES.has(e.code)) return 'fatal';
  if (e.code && RECORD_CODES.has(e.code)) return 'record';
  // SQLSTATE class 22: data exception (too long, out of range, bad date); 23: integrity
  // constraint (NOT NULL, duplicate key, foreign key, CHECK).
  if (e.sqlState?.startsWith('22') || e.sqlState?.startsWith('23')) return 'record';
  if (e.sqlState === '28000') return 'fatal';
  // Connection loss, a server restarting, deadlocks, lock wait timeouts: wait and retry.
  return 'retryable';
}
