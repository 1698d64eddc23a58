/** Redis errors by class: what retrying can fix, what is the record's fault, what stops. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { classify } from '../src/errors.js';

it('classifies Redis errors', () => {
  const cases: [string, string][] = [
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'record'],
    ['ERR value is not a valid float', 'record'],
    ['NOAUTH Authentication required.', 'fatal'],
    ['WRONGPASS invalid username-password pair or user is disabled.', 'fatal'],
    ["NOPERM this user has no permissions to run the 'set' command", 'fatal'],
    ['LOADING Redis is loading the dataset in memory', 'retryable'],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'retryable'],
    ["READONLY You can't write against a read only replica.", 'retryable'],
    ['connect ECONNREFUSED 127.0.0.1:6379', 'retryable'],
    ["Stream isn't writeable and enableOfflineQueue options is false", 'retryable'],
  ];
  for (const [message, expected] of cases) assert.equal(classify(new Error(message)), expected, message);
});
