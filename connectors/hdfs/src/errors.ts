/**
 * What a WebHDFS failure means, in one place: retry the operation (the NameNode is restarting,
 * in safe mode, on standby, a DataNode is not up yet), stop the pipeline (permissions, quotas,
 * a base path that is a file, bad requests: no retry fixes them), or dead-letter one record
 * (it cannot be encoded the way the options declare).
 */

export type ErrorClass = 'retryable' | 'fatal' | 'record';

/** A record that cannot be written as declared (a CSV cell that is not a scalar, say). */
export class RecordEncodingError extends Error {
  override readonly name = 'RecordEncodingError';
}

/** A failed WebHDFS call: the HTTP status and the server's RemoteException, or a network error code. */
export class WebHdfsError extends Error {
  override readonly name = 'WebHdfsError';
  constructor(
    message: string,
    readonly status?: number,
    /** RemoteException's `exception`, e.g. `AccessControlException`, `SafeModeException`. */
    readonly exception?: string,
    /** Node's error code for network failures, e.g. `ECONNREFUSED`. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Exceptions a retry can get past: the NameNode or DataNodes are (re)starting or failing over. */
const RETRYABLE_EXCEPTIONS = new Set([
  'SafeModeException',
  'RetriableException',
  'StandbyException',
  'ObserverRetryOnActiveException',
  'NotReplicatedYetException',
  'AlreadyBeingCreatedException',
  'RecoveryInProgressException',
  'LeaseExpiredException',
  'ConnectException',
  'SocketTimeoutException',
  'EOFException',
]);

/** Exceptions that say the configuration is wrong: the same call will fail the same way. */
const FATAL_EXCEPTIONS = new Set([
  'AccessControlException',
  'AuthorizationException',
  'SecurityException',
  'ParentNotDirectoryException',
  'FileAlreadyExistsException',
  'InvalidPathException',
  'PathComponentTooLongException',
  'MaxDirectoryItemsExceededException',
  'DSQuotaExceededException',
  'NSQuotaExceededException',
  'QuotaExceededException',
  'IllegalArgumentException',
  'UnsupportedOperationException',
]);

export function classify(error: unknown): ErrorClass {
  if (error instanceof RecordEncodingError) return 'record';
  if (!(error instanceof WebHdfsError)) return 'retryable';
  if (error.exception && FATAL_EXCEPTIONS.has(error.exception)) return 'fatal';
  if (error.exception && RETRYABLE_EXCEPTIONS.has(error.exception)) return 'retryable';
  // 401: simple auth refused or Kerberos required; 400: a request WebHDFS will never take.
  if (error.status === 401 || error.status === 400) return 'fatal';
  // Network errors, 5xx, and other IOExceptions (e.g. "could only be written to 0 of the 1
  // minReplication nodes" while a DataNode registers): the core retries with backoff, bounded
  // by `errors.retry`.
  return 'retryable';
}

/** The RemoteException WebHDFS answers errors with, when the body holds one. */
export function remoteException(body: string): { exception: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { RemoteException?: { exception?: unknown; message?: unknown } };
    const e = parsed.RemoteException;
    if (e && typeof e.exception === 'string') return { exception: e.exception, message: typeof e.message === 'string' ? e.message : '' };
  } catch {
    // not JSON: an HTML error page from a proxy or a misrouted request
  }
  return undefined;
}
