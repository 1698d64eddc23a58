/** translateRecords: items in record order, skipped records left out, throws as record failures. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SinkRecord } from '../src/connector.js';
import { translateRecords } from '../src/translate.js';

const rec = (offset: number, value: unknown): SinkRecord => ({ topic: 't', partition: 0, offset, timestamp: 0, key: null, value, headers: {}, size: 1 });

it('keeps the order, skips undefined and turns a throw into a failure that is not retried', async () => {
  const records = [rec(0, 1), rec(1, null), rec(2, 'bad'), rec(3, 4)];
  const { items, failures } = await translateRecords(records, async (r, index) => {
    if (r.value === null) return undefined;
    if (typeof r.value !== 'number') throw new Error(`not a number at ${index}`);
    return r.value * 10;
  });
  assert.deepEqual(items, [10, 40]);
  assert.deepEqual(failures.map((f) => [f.index, f.error.message, f.retryable]), [[2, 'not a number at 2', false]]);
});
