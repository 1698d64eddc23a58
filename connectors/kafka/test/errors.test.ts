/** Error classes: what a kafkajs error means for the record or the batch, through kafkajs' wrapping of retried errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, describe as describeError, protocolType } from '../src/errors.js';

/** The shape kafkajs gives a broker's error code (KafkaJSProtocolError). */
const protocol = (type: string, message = `broker said ${type}`) => Object.assign(new Error(message), { name: 'KafkaJSProtocolError', type, retriable: false });
/** kafkajs' KafkaJSNumberOfRetriesExceeded, wrapping the last error. */
const retried = (cause: Error) => Object.assign(new Error(cause.message), { name: 'KafkaJSNumberOfRetriesExceeded', cause });

describe('classify', () => {
  it('records the broker refuses are the record’s', () => {
    for (const type of ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP', 'TOPIC_AUTHORIZATION_FAILED', 'INVALID_TOPIC_EXCEPTION']) {
      assert.equal(classify(protocol(type)), 'record', type);
    }
  });

  it('a newer producer with the same transactional id fences this one', () => {
    for (const type of ['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']) assert.equal(classify(protocol(type)), 'fenced', type);
    assert.equal(classify(retried(protocol('INVALID_PRODUCER_EPOCH'))), 'fenced', 'through the retry wrapper');
  });

  it('credentials, cluster or transactional-id permissions and bad settings are fatal', () => {
    for (const type of ['CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'INVALID_TRANSACTION_TIMEOUT', 'UNSUPPORTED_COMPRESSION_TYPE']) {
      assert.equal(classify(protocol(type)), 'fatal', type);
    }
    assert.equal(classify(Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' })), 'fatal');
    assert.equal(classify(Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })), 'fatal');
  });

  it('leaders, coordinators, timeouts and lost connections are retried', () => {
    for (const type of ['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_ENOUGH_REPLICAS', 'REQUEST_TIMED_OUT', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS', 'UNKNOWN_TOPIC_OR_PARTITION']) {
      assert.equal(classify(protocol(type)), 'retryable', type);
    }
    assert.equal(classify(retried(Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9192'), { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED' }))), 'retryable');
    assert.equal(classify(Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), { name: 'KafkaJSRequestTimeoutError' })), 'retryable');
  });
});

describe('describe', () => {
  it('names the protocol error and the cause', () => {
    assert.equal(protocolType(retried(protocol('MESSAGE_TOO_LARGE', 'The request included a message larger than the max message size the server will accept'))), 'MESSAGE_TOO_LARGE');
    assert.equal(describeError(protocol('MESSAGE_TOO_LARGE', 'The request included a message larger')), 'MESSAGE_TOO_LARGE: The request included a message larger');
    assert.equal(describeError(Object.assign(new Error('Number of retries exceeded'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') })), 'Number of retries exceeded: connect ECONNREFUSED 127.0.0.1:1');
  });
});
