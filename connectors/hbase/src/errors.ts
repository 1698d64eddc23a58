/**
 * What an HBase error means for the records or batch that caused it: one place, tested per
 * class. Both transports report failures as `HbaseError`: the REST gateway's HTTP status and the
 * Java exception it names in its body, the RPC client's exception class, or the socket's code.
 */

export type ErrorClass =
  /** The record's data: dead-letter it (after finding it in a refused multi-row request). */
  | 'record'
  /** The table does not exist: the record's fault when the table comes from it, else fatal. */
  | 'no-table'
  /** The server, region or connection: wait and retry. */
  | 'retryable'
  /** Credentials, permissions, a wrong URL: no retry or dead letter can fix it. */
  | 'fatal';

export interface HbaseErrorDetails {
  /** HTTP status (REST). */
  readonly status?: number;
  /** Fully qualified Java exception class the server named. */
  readonly exception?: string;
  /** Node's or undici's error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, …). */
  readonly code?: string;
}

export class HbaseError extends Error {
  override readonly name = 'HbaseError';
  constructor(
    message: string,
    readonly details: HbaseErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Exceptions that are the data's fault: the mutation can never succeed as it is. */
const RECORD_EXCEPTIONS = new Set([
  'NoSuchColumnFamilyException',
  'IllegalArgumentException', // "KeyValue size too large", "Row length is 0", "Timestamp cannot be negative"
  'FailedSanityCheckException',
  'WrongRowIOException',
  'InvalidMutationDurabilityException',
  'NumberFormatException',
  // Exactly this class (subclasses are more specific): "Cell … with size … exceeds limit of … bytes".
  'DoNotRetryIOException',
]);
const TABLE_EXCEPTIONS = new Set(['TableNotFoundException']);
const FATAL_EXCEPTIONS = new Set(['AccessDeniedException', 'AuthenticationException', 'InvalidToken', 'SaslException']);

export function classify(error: unknown): ErrorClass {
  if (!(error instanceof HbaseError)) return 'retryable';
  const { status, exception } = error.details;
  const simple = exception?.slice(exception.lastIndexOf('.') + 1);
  if (simple) {
    if (FATAL_EXCEPTIONS.has(simple)) return 'fatal';
    if (TABLE_EXCEPTIONS.has(simple)) return 'no-table';
    if (RECORD_EXCEPTIONS.has(simple)) return 'record';
    // Region moved, not serving, opening or too busy; server not running yet; call queue too
    // big; retries exhausted; connection and timeout exceptions: all pass.
    return 'retryable';
  }
  if (status === undefined) return 'retryable'; // a socket error or a timeout
  if (status === 401 || status === 403 || status === 404 || status === 405) return 'fatal';
  // 400 "Bad request" without an exception: a cell the gateway could not parse (no family:qualifier).
  if (status === 400 || status === 413 || status === 414 || status === 422) return 'record';
  return 'retryable'; // 5xx (503: the gateway cannot reach HBase), 408, 429
}

/**
 * The REST gateway's refusal as a message: the exception it names (its first line, without the
 * stack trace or the table's descriptor) or the status line's text.
 */
export function restError(status: number, body: string): HbaseError {
  const lines = body.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at '));
  const named = lines.map((l) => EXCEPTION_LINE.exec(l)).find((m) => m !== null);
  if (!named) return new HbaseError(`HTTP ${status}${lines[0] ? `: ${lines[0]}` : ''}`, { status });
  const exception = named[1]!;
  return new HbaseError(`HTTP ${status}: ${exception.slice(exception.lastIndexOf('.') + 1)}: ${tidy(exception, named[2] ?? '')}`, { status, exception });
}

/** The RPC client's exception (`exceptionClassName` and `stackTrace`) as an `HbaseError`. */
export function rpcError(exception: { exceptionClassName?: string; stackTrace?: string }): HbaseError {
  const name = exception.exceptionClassName ?? 'RemoteException';
  const first = (exception.stackTrace ?? '').split('\n')[0] ?? '';
  const message = first.startsWith(`${name}: `) ? first.slice(name.length + 2) : first;
  return new HbaseError(`${name.slice(name.lastIndexOf('.') + 1)}: ${tidy(name, message)}`, { exception: name });
}

/** A socket or timeout error of either transport as an `HbaseError`, its code kept. */
export function connectionError(error: Error & { code?: string }): HbaseError {
  const code = error.code;
  return new HbaseError(code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message, code ? { code } : {}, { cause: error });
}

const EXCEPTION_LINE = /^((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))(?::\s*(.*))?$/;

/** Drops a repeated class name and the table descriptor HBase appends; keeps 300 characters. */
function tidy(exception: string, message: string): string {
  let out = message;
  while (out.startsWith(`${exception}: `)) out = out.slice(exception.length + 2);
  const descriptor = out.indexOf(', {TABLE_ATTRIBUTES');
  if (descriptor > 0) out = out.slice(0, descriptor);
  return out.length > 300 ? `${out.slice(0, 297)}...` : out;
}
