/** What a Kafka (kafkajs) error means for the record or batch that caused it: one place, tested per class. */

/**
 * - `record`: this record cannot be written as it is (too large, refused, a topic it may not
 *   write): it goes to the dead-letter topic;
 * - `fenced`: a newer producer with the same `transactional.id` exists (another process took
 *   the partition over): this process must stop writing it;
 * - `fatal`: credentials, permissions on the cluster or transactions, an unsupported setting:
 *   no retry or dead letter can fix it;
 * - `retryable`: the cluster is unreachable, electing leaders, loading coordinators, timing out.
 */
export type ErrorClass = 'record' | 'fenced' | 'fatal' | 'retryable';

const RECORD_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
  'POLICY_VIOLATION',
]);

const FENCED_TYPES = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_FENCED']);

const FATAL_TYPES = new Set([
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_TRANSACTION_TIMEOUT',
]);

const FATAL_NAMES = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSServerDoesNotSupportApiKey']);

interface KafkajsError extends Error {
  type?: string;
  code?: string | number;
  cause?: unknown;
}

/** The protocol error type (`MESSAGE_TOO_LARGE`, …) of an error or of what caused it, if any. */
export function protocolType(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.type === 'string') return e.type;
  return undefined;
}

export function classify(error: unknown): ErrorClass {
  const chain = causes(error);
  for (const e of chain) {
    if (FATAL_NAMES.has(e.name)) return 'fatal';
    if (typeof e.type !== 'string') continue;
    if (FENCED_TYPES.has(e.type)) return 'fenced';
    if (FATAL_TYPES.has(e.type)) return 'fatal';
    if (RECORD_TYPES.has(e.type)) return 'record';
  }
  for (const e of chain) {
    // Certificates that do not verify: TLS settings to fix, not a server to wait for.
    if (typeof e.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.code)) return 'fatal';
  }
  return 'retryable';
}

/** The error and its causes, outermost first (kafkajs wraps retried errors). */
function causes(error: unknown): KafkajsError[] {
  const out: KafkajsError[] = [];
  for (let e = error as KafkajsError | undefined; e && typeof e === 'object' && out.length < 10; e = e.cause as KafkajsError | undefined) out.push(e);
  return out;
}

/** A message naming the protocol error and its cause, e.g. `MESSAGE_TOO_LARGE: The request included a message larger…`. */
export function describe(error: unknown): string {
  const chain = causes(error);
  const first = chain[0];
  if (!first) return String(error);
  const type = protocolType(error);
  const innermost = chain[chain.length - 1]!;
  const message = innermost !== first && innermost.message && !first.message.includes(innermost.message) ? `${first.message}: ${innermost.message}` : first.message;
  return type && !message.includes(type) ? `${type}: ${message}` : message;
}
