/** Error classes: what a server error means for the record or the batch. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify } from '../src/errors.js';

const err = (code: string, sqlState?: string) => Object.assign(new Error(code), { code, ...(sqlState && { sqlState }) });

describe('classify', () => {
  it('data and target problems are the record’s', () => {
    for (const [code, state] of [['ER_DATA_TOO_LONG', '22001'], ['ER_DUP_ENTRY', '23000'], ['ER_BAD_NULL_ERROR', '23000'], ['ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', '22007'], ['ER_NO_SUCH_TABLE', '42S02'], ['ER_BAD_FIELD_ERROR', '42S22']] as const) {
      assert.equal(classify(err(code, state)), 'record', code);
    }
  });

  it('credentials and a missing database are fatal', () => {
    for (const code of ['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'HANDSHAKE_SSL_ERROR']) assert.equal(classify(err(code)), 'fatal', code);
  });

  it('connection loss, deadlocks and lock waits are retried', () => {
    for (const [code, state] of [['ECONNREFUSED'], ['PROTOCOL_CONNECTION_LOST'], ['ER_LOCK_DEADLOCK', '40001'], ['ER_LOCK_WAIT_TIMEOUT', 'HY000'], ['ER_SERVER_SHUTDOWN', '08S01']] as const) {
      assert.equal(classify(err(code, state)), 'retryable', code);
    }
  });
});
