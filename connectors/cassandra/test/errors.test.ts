/** Error classes: what a driver or server error means for the record or the batch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import cassandra from 'cassandra-driver';
import { classify, describe as describeError } from '../src/errors.js';
import { ValueError } from '../src/values.js';

const { errors } = cassandra;
const codes = cassandra.types.responseErrorCodes;
const response = (code: number, message: string) => new errors.ResponseError(code, message);

describe('classify', () => {
  it('bad values and the server’s InvalidRequest are the record’s', () => {
    for (const e of [
      response(codes.invalid, 'Invalid null value in condition for column id'),
      response(codes.invalid, 'Key length of 70000 is longer than maximum of 65535'),
      response(codes.invalid, 'Request is too big: length 20971593 exceeds maximum allowed length 16777216.'),
      response(codes.functionFailure, 'execution of fn failed'),
      new TypeError("Expected Number, obtained 'abc'"),
      new RangeError('The value of "value" is out of range.'),
      new ValueError('column n (int): 1.5 is not an integer'),
    ]) {
      assert.equal(classify(e), 'record', e.message);
    }
  });

  it('unavailable replicas, timeouts, overload and unreachable hosts are retried', () => {
    for (const e of [
      response(codes.unavailableException, 'Cannot achieve consistency level LOCAL_QUORUM'),
      response(codes.writeTimeout, 'Operation timed out - received only 0 responses.'),
      response(codes.overloaded, 'Server is in overloaded state'),
      response(codes.isBootstrapping, 'Cannot read from a bootstrapping node'),
      response(codes.serverError, 'java.lang.RuntimeException'),
      new errors.OperationTimedOutError('The host 127.0.0.1:9042 did not reply before timeout 12000 ms', '127.0.0.1:9042'),
      new errors.NoHostAvailableError({ '127.0.0.1:9042': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9042'), { code: 'ECONNREFUSED' }) }),
      new errors.BusyConnectionError('127.0.0.1:9042', 2048, 1),
      new Error('socket hang up'),
    ]) {
      assert.equal(classify(e), 'retryable', e.message);
    }
  });

  it('bad credentials, permissions and schema errors stop the pipeline', () => {
    for (const e of [
      new errors.NoHostAvailableError({ '127.0.0.1:9042': new errors.AuthenticationError('Provided username cassandra and/or password are incorrect') }),
      new errors.AuthenticationError('Provided username cassandra and/or password are incorrect'),
      response(codes.unauthorized, 'User sinkhub has no MODIFY permission on <table shop.orders>'),
      response(codes.syntaxError, "line 1:7 no viable alternative at input 'INTO'"),
      response(codes.configError, 'Cannot add already existing table'),
    ]) {
      assert.equal(classify(e), 'fatal', e.message);
    }
  });
});

describe('describe', () => {
  it('names each host tried, without the driver’s stack traces', () => {
    const e = new errors.NoHostAvailableError({
      '127.0.0.1:9042': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9042\n    at TCPConnectWrap.afterConnect'), { code: 'ECONNREFUSED' }),
      '10.0.0.2:9042': new errors.AuthenticationError('Provided username x and/or password are incorrect'),
    });
    assert.equal(describeError(e), 'no host available: 127.0.0.1:9042: connect ECONNREFUSED 127.0.0.1:9042; 10.0.0.2:9042: AuthenticationError: Provided username x and/or password are incorrect');
    assert.equal(describeError(response(codes.invalid, 'Key may not be empty')), 'Key may not be empty');
  });
});
