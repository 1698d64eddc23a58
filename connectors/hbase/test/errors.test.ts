/** HBase errors by class: what retrying can fix, what is the record's fault, what stops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HbaseError, classify, connectionError, restError, rpcError } from '../src/errors.js';

// Bodies as the REST gateway of HBase 2.6 sends them (stack traces cut short).
const NO_FAMILY =
  "Not found\r\norg.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException: org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException: Column family x does not exist in region t1,,1796155218644.966f55c4939b7953bf5555ca80935606. in table 't1', {TABLE_ATTRIBUTES => {METADATA => {'hbase.store.file-tracker.impl' => 'DEFAULT'}}}, {NAME => 'd', VERSIONS => '3'}\n\tat org.apache.hadoop.hbase.regionserver.RSRpcServices.doBatchOp(RSRpcServices.java:1124)\n";
const NO_TABLE = 'Not found\r\norg.apache.hadoop.hbase.TableNotFoundException: nosuch\n\tat org.apache.hadoop.hbase.client.ConnectionImplementation.locateRegionInMeta(ConnectionImplementation.java:1062)\n';
const TOO_LARGE = 'Bad request\r\njava.lang.IllegalArgumentException: KeyValue size too large\n\tat org.apache.hadoop.hbase.client.ConnectionUtils.validatePut(ConnectionUtils.java:518)\n';
const UNAVAILABLE = 'Unavailable\r\norg.apache.hadoop.hbase.client.RetriesExhaustedException: Failed after attempts=2, exceptions:\n2026-12-01T20:00:00.000Z, java.net.ConnectException: Call to address=127.0.0.1:16020 failed on connection exception\n';

describe('errors', () => {
  it('reads the exception the REST gateway names, without stack trace or table descriptor', () => {
    const e = restError(404, NO_FAMILY);
    assert.equal(e.message, "HTTP 404: NoSuchColumnFamilyException: Column family x does not exist in region t1,,1796155218644.966f55c4939b7953bf5555ca80935606. in table 't1'");
    assert.deepEqual(e.details, { status: 404, exception: 'org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException' });
    assert.equal(restError(400, TOO_LARGE).message, 'HTTP 400: IllegalArgumentException: KeyValue size too large');
    assert.equal(restError(400, 'Bad request\r\n').message, 'HTTP 400: Bad request');
    assert.equal(restError(503, UNAVAILABLE).message, 'HTTP 503: RetriesExhaustedException: Failed after attempts=2, exceptions:');
    assert.equal(restError(502, '').message, 'HTTP 502');
  });

  it('classifies REST refusals', () => {
    const cases: [number, string, string][] = [
      [404, NO_FAMILY, 'record'],
      [400, TOO_LARGE, 'record'],
      [400, 'Bad request\r\njava.lang.IllegalArgumentException: Row length is 0\n', 'record'],
      [400, 'Bad request\r\n', 'record'],
      [413, '', 'record'],
      [404, NO_TABLE, 'no-table'],
      [403, 'Forbidden\r\norg.apache.hadoop.hbase.security.AccessDeniedException: Insufficient permissions\n', 'fatal'],
      [401, '', 'fatal'],
      [404, '<html>no such page</html>', 'fatal'],
      [503, UNAVAILABLE, 'retryable'],
      [503, 'Unavailable\r\n', 'retryable'],
      [500, '', 'retryable'],
      [503, 'Unavailable\r\norg.apache.hadoop.hbase.NotServingRegionException: t1,,1 is not online\n', 'retryable'],
    ];
    for (const [status, body, expected] of cases) assert.equal(classify(restError(status, body)), expected, `${status} ${body.slice(0, 60)}`);
  });

  it('classifies RPC exceptions', () => {
    const cases: [string, string][] = [
      ['org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException', 'record'],
      ['org.apache.hadoop.hbase.DoNotRetryIOException', 'record'],
      ['org.apache.hadoop.hbase.TableNotFoundException', 'no-table'],
      ['org.apache.hadoop.hbase.NotServingRegionException', 'retryable'],
      ['org.apache.hadoop.hbase.exceptions.RegionMovedException', 'retryable'],
      ['org.apache.hadoop.hbase.RegionTooBusyException', 'retryable'],
      ['org.apache.hadoop.hbase.ipc.ServerNotRunningYetException', 'retryable'],
      ['org.apache.hadoop.hbase.exceptions.UnknownProtocolException', 'retryable'],
      ['org.apache.hadoop.hbase.security.AccessDeniedException', 'fatal'],
    ];
    for (const [exception, expected] of cases) assert.equal(classify(rpcError({ exceptionClassName: exception, stackTrace: `${exception}: why\n\tat x` })), expected, exception);
    const e = rpcError({
      exceptionClassName: 'org.apache.hadoop.hbase.exceptions.UnknownProtocolException',
      stackTrace:
        'org.apache.hadoop.hbase.exceptions.UnknownProtocolException: Is this a pre-hbase-1.0.0 or asynchbase client? Client is invoking getClosestRowBefore removed in hbase-2.0.0 replaced by reverse Scan.\n\tat org.apache.hadoop.hbase.regionserver.RSRpcServices.get(RSRpcServices.java:2589)\n',
    });
    assert.equal(e.message, 'UnknownProtocolException: Is this a pre-hbase-1.0.0 or asynchbase client? Client is invoking getClosestRowBefore removed in hbase-2.0.0 replaced by reverse Scan.');
  });

  it('connection errors and timeouts are retryable; other errors too', () => {
    const refused = connectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8070'), { code: 'ECONNREFUSED' }));
    assert.equal(refused.message, 'connect ECONNREFUSED 127.0.0.1:8070');
    assert.equal(classify(refused), 'retryable');
    const timeout = connectionError(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
    assert.equal(timeout.message, 'UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error');
    assert.equal(classify(timeout), 'retryable');
    assert.equal(classify(new HbaseError('no answer within 100 ms', { code: 'ETIMEDOUT' })), 'retryable');
    assert.equal(classify(new Error('anything')), 'retryable');
  });
});
