/**
 * What a Cassandra or driver error means for the record or batch that caused it: one place,
 * tested per class.
 */
import cassandra from 'cassandra-driver';

const { errors } = cassandra;
const codes = cassandra.types.responseErrorCodes;

export type ErrorClass = 'record' | 'retryable' | 'fatal';

/**
 * - `record`: this record's data cannot be written — a value the driver cannot encode for its
 *   column, or the server's `InvalidRequest` (a missing or empty partition key, a key over
 *   64 KiB, a request over the frame limit): it goes to the dead-letter topic.
 * - `fatal`: credentials, permissions, schema errors no retry can fix: the pipeline stops.
 * - `retryable`: no host reachable, `Unavailable`, `WriteTimeout`, `Overloaded`, client-side
 *   timeouts, a node bootstrapping: the batch is retried with backoff.
 */
export function classify(error: unknown): ErrorClass {
  if (error instanceof errors.NoHostAvailableError) {
    // Every host refused our credentials: no retry can fix that.
    const inner = Object.values(error.innerErrors ?? {});
    return inner.length > 0 && inner.every((e) => e instanceof errors.AuthenticationError) ? 'fatal' : 'retryable';
  }
  if (error instanceof errors.AuthenticationError) return 'fatal';
  if (error instanceof errors.ResponseError) {
    switch (error.code) {
      case codes.invalid:
      case codes.functionFailure:
        return 'record';
      case codes.badCredentials:
      case codes.unauthorized:
      case codes.syntaxError:
      case codes.configError:
        return 'fatal';
      // unavailable, overloaded, isBootstrapping, writeTimeout, writeFailure, serverError,
      // truncateError, unprepared, protocolError (a connection reset mid-frame): wait and retry.
      default:
        return 'retryable';
    }
  }
  if (error instanceof errors.OperationTimedOutError || error instanceof errors.BusyConnectionError || error instanceof errors.DriverInternalError) return 'retryable';
  // The driver encoding a bound value (TypeError, RangeError), our own ValueError, a bad argument.
  if (error instanceof TypeError || error instanceof RangeError || error instanceof errors.ArgumentError || (error as Error)?.name === 'ValueError') return 'record';
  return 'retryable';
}

/** The error's message without the driver's stack traces, the hosts named. */
export function describe(error: unknown): string {
  if (error instanceof errors.NoHostAvailableError) {
    const inner = Object.entries(error.innerErrors ?? {});
    if (inner.length === 0) return error.message.split('\n')[0]!;
    return `no host available: ${inner.map(([host, e]) => `${host}: ${firstLine(e)}`).join('; ')}`;
  }
  if (error instanceof errors.OperationTimedOutError && error.host) return `${error.host}: ${firstLine(error)}`;
  return firstLine(error);
}

function firstLine(error: unknown): string {
  const e = error as Error;
  const text = e instanceof Error ? `${e.name === 'Error' || e.name === 'ResponseError' ? '' : `${e.name}: `}${e.message}` : String(error);
  return text.split('\n')[0]!.trim();
}
