/** Error classes: what a proxy answer, a gRPC status or a client check means for the record or the batch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestException, NotFoundException, PayloadTooLargeException, TooManyRequestsException, UnauthorizedException } from 'rocketmq-client-nodejs';
import { Code, classify } from '../src/errors.js';

const status = (code: number) => Object.assign(new Error(`[request-id=undefined, response-code=${code}] x`), { code });
const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('classify', () => {
  it('illegal topics, tags, keys, properties and delivery times, and messages too large, are the record’s', () => {
    for (const code of [Code.ILLEGAL_TOPIC, Code.ILLEGAL_MESSAGE_TAG, Code.ILLEGAL_MESSAGE_KEY, Code.ILLEGAL_MESSAGE_GROUP, Code.ILLEGAL_MESSAGE_PROPERTY_KEY, Code.ILLEGAL_DELIVERY_TIME, Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE, Code.MESSAGE_BODY_TOO_LARGE, Code.MESSAGE_PROPERTIES_TOO_LARGE, Code.BAD_REQUEST]) {
      assert.equal(classify(status(code)), 'record', String(code));
    }
    assert.equal(classify(new BadRequestException(Code.ILLEGAL_TOPIC, 'contains illegal characters')), 'record');
    assert.equal(classify(new PayloadTooLargeException(Code.MESSAGE_BODY_TOO_LARGE, 'too large')), 'record');
    // The client's own checks before sending.
    assert.equal(classify(new TypeError('Message body size exceeds the threshold, max size=4194304 bytes')), 'record');
    assert.equal(classify(new TypeError('Current message type not match with topic accept message types, topic=t')), 'record');
  });

  it('a missing topic is the record’s, unless the topic was written to before (a broker coming back)', () => {
    assert.equal(classify(new NotFoundException(Code.TOPIC_NOT_FOUND, 'No topic route info in name server')), 'record');
    assert.equal(classify(new NotFoundException(Code.TOPIC_NOT_FOUND, 'No topic route info in name server'), { topicKnown: true }), 'retryable');
  });

  it('flow control, timeouts, internal errors and an unreachable proxy are retried', () => {
    assert.equal(classify(new TooManyRequestsException(Code.TOO_MANY_REQUESTS, 'flow control')), 'retryable');
    for (const code of [Code.REQUEST_TIMEOUT, Code.INTERNAL_ERROR, Code.INTERNAL_SERVER_ERROR, Code.HA_NOT_AVAILABLE, Code.PROXY_TIMEOUT, Code.MASTER_PERSISTENCE_TIMEOUT, Code.SLAVE_PERSISTENCE_TIMEOUT]) {
      assert.equal(classify(status(code)), 'retryable', String(code));
    }
    assert.equal(classify(grpc(14, '14 UNAVAILABLE: No connection established')), 'retryable');
    assert.equal(classify(grpc(4, '4 DEADLINE_EXCEEDED: Deadline exceeded')), 'retryable');
    assert.equal(classify(new Error('Producer is not running now')), 'retryable');
  });

  it('credentials, permissions and an unsupported server are fatal', () => {
    assert.equal(classify(new UnauthorizedException(Code.UNAUTHORIZED, 'no access key')), 'fatal');
    for (const code of [Code.FORBIDDEN, Code.PAYMENT_REQUIRED, Code.UNSUPPORTED, Code.VERSION_UNSUPPORTED, Code.NOT_IMPLEMENTED]) assert.equal(classify(status(code)), 'fatal', String(code));
  });
});
