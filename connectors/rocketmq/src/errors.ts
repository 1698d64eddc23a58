/**
 * What a RocketMQ error means for the record or batch that caused it: one place, tested per class.
 *
 * Errors come in three shapes: a RocketMQ status (`ClientException`, `code` 40000–59999, the
 * proxy's answer), a gRPC status (`code` 0–16, no answer: the proxy is down or slow), or the
 * client's own checks (`TypeError`: a body over the limit, a message type the topic refuses).
 */

export type ErrorClass = 'record' | 'retryable' | 'fatal';

/** RocketMQ v2 status codes (apache/rocketmq/v2/definition.proto `Code`). */
export const Code = {
  BAD_REQUEST: 40000,
  ILLEGAL_TOPIC: 40002,
  ILLEGAL_MESSAGE_TAG: 40004,
  ILLEGAL_MESSAGE_KEY: 40005,
  ILLEGAL_MESSAGE_GROUP: 40006,
  ILLEGAL_MESSAGE_PROPERTY_KEY: 40007,
  INVALID_TRANSACTION_ID: 40008,
  ILLEGAL_DELIVERY_TIME: 40012,
  MESSAGE_PROPERTY_CONFLICT_WITH_TYPE: 40014,
  MESSAGE_CORRUPTED: 40016,
  UNAUTHORIZED: 40100,
  PAYMENT_REQUIRED: 40200,
  FORBIDDEN: 40300,
  NOT_FOUND: 40400,
  TOPIC_NOT_FOUND: 40402,
  REQUEST_TIMEOUT: 40800,
  PAYLOAD_TOO_LARGE: 41300,
  MESSAGE_BODY_TOO_LARGE: 41301,
  TOO_MANY_REQUESTS: 42900,
  REQUEST_HEADER_FIELDS_TOO_LARGE: 43100,
  MESSAGE_PROPERTIES_TOO_LARGE: 43101,
  INTERNAL_ERROR: 50000,
  INTERNAL_SERVER_ERROR: 50001,
  HA_NOT_AVAILABLE: 50002,
  NOT_IMPLEMENTED: 50100,
  PROXY_TIMEOUT: 50400,
  MASTER_PERSISTENCE_TIMEOUT: 50401,
  SLAVE_PERSISTENCE_TIMEOUT: 50402,
  UNSUPPORTED: 50500,
  VERSION_UNSUPPORTED: 50501,
} as const;

export interface ErrorContext {
  /**
   * The topic was written to before. A broker that restarts answers "topic not found" until it
   * has registered its topics with the name server again: for a known topic that is an outage,
   * not a record that names a missing topic.
   */
  readonly topicKnown?: boolean;
}

/** The error's RocketMQ status code, or undefined when it is not a RocketMQ answer. */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' && code >= 10000 ? code : undefined;
}

export function classify(error: unknown, context: ErrorContext = {}): ErrorClass {
  const code = statusCode(error);
  if (code !== undefined) return classifyStatus(code, context);
  const message = (error as Error)?.message ?? String(error);
  // The client's own checks before sending: body size, message type vs the topic's type.
  if (error instanceof TypeError && /body size exceeds|message type not match|should not set|mutually exclusive|have different/i.test(message)) return 'record';
  if (/mutually exclusive|must be greater than or equal/i.test(message)) return 'record';
  // gRPC statuses (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED, …), socket
  // errors, "Producer is not running now": the proxy is down, restarting or slow.
  return 'retryable';
}

function classifyStatus(code: number, context: ErrorContext): ErrorClass {
  switch (code) {
    case Code.UNAUTHORIZED:
    case Code.PAYMENT_REQUIRED:
    case Code.FORBIDDEN:
    case Code.UNSUPPORTED:
    case Code.VERSION_UNSUPPORTED:
    case Code.NOT_IMPLEMENTED:
      return 'fatal';
    case Code.TOPIC_NOT_FOUND:
    case Code.NOT_FOUND:
      return context.topicKnown ? 'retryable' : 'record';
    case Code.TOO_MANY_REQUESTS:
    case Code.REQUEST_TIMEOUT:
      return 'retryable';
  }
  // 400xx: an illegal topic, tag, key, group, property or delivery time; 413xx and 431xx: too large.
  if (code >= 40000 && code < 50000) return 'record';
  // 500xx internal errors, 504xx proxy and persistence timeouts: the broker may do better later.
  return 'retryable';
}
