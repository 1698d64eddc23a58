/** Golden bulk operations and item outcomes: exactly what a batch becomes and what each answer means. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { OperationBuilder, bulkRequests, sharesDocuments } from '../src/actions.js';
import { itemOutcome } from '../src/items.js';
import { elasticsearchOptions } from '../src/options.js';

const rec = (value: unknown, offset = 0, key: unknown = null, rawValue?: Buffer): SinkRecord => ({ topic: 'logs', partition: 1, offset, timestamp: 0, key, value, headers: {}, size: 10, ...(rawValue && { rawValue, rawValueIsJson: true }) });
const build = (options: Record<string, unknown>, ...records: SinkRecord[]) => new OperationBuilder(elasticsearchOptions.parse({ index: 'i', ...options })).build(records);

describe('bulk operations', () => {
  it('index with offset ids and an index from a date template; the consumed JSON passes through', async () => {
    const raw = Buffer.from('{"ts": 1700000000000, "msg": "hi"}');
    const t = await build({ index: "logs-{{ $fromMillis(ts, '[Y0001].[M01].[D01]') }}" }, rec(JSON.parse(raw.toString()), 41, null, raw));
    assert.deepEqual(t.operations[0]!.lines, ['{"index":{"_index":"logs-2023.11.14","_id":"logs-1-41"}}', '{"ts": 1700000000000, "msg": "hi"}']);
  });

  it('consumed bytes that are not the value’s JSON text (Avro) are never passed through', async () => {
    const avroish = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x01, 0x02]);
    const t = await build({}, { ...rec({ n: 1 }, 0, null), rawValue: avroish });
    assert.deepEqual(t.operations[0]!.lines[1], '{"n":1}');
  });

  it('create, update as upsert, ids from the key or a field, none', async () => {
    const v = { user: { id: 'u7' }, n: 1 };
    assert.deepEqual((await build({ action: 'create', id: 'key' }, rec(v, 0, 'k1'))).operations[0]!.lines, ['{"create":{"_index":"i","_id":"k1"}}', '{"user":{"id":"u7"},"n":1}']);
    assert.deepEqual((await build({ action: 'update', id: 'field', id_field: 'user.id' }, rec(v))).operations[0]!.lines, ['{"update":{"_index":"i","_id":"u7"}}', '{"doc":{"user":{"id":"u7"},"n":1},"doc_as_upsert":true}']);
    assert.deepEqual((await build({ id: 'none' }, rec(v))).operations[0]!.lines, ['{"index":{"_index":"i"}}', '{"user":{"id":"u7"},"n":1}']);
  });

  it('tombstones delete by key (from a JSON key with id_field); otherwise skipped or failures', async () => {
    assert.deepEqual((await build({ id: 'key' }, rec(null, 3, 'k1'))).operations[0]!.lines, ['{"delete":{"_index":"i","_id":"k1"}}']);
    assert.deepEqual((await build({ id: 'field', id_field: 'id', tombstones: 'delete' }, rec(null, 3, { id: 9 }))).operations[0]!.lines, ['{"delete":{"_index":"i","_id":"9"}}']);
    assert.equal((await build({ tombstones: 'skip' }, rec(null))).operations.length, 0);
    assert.match((await build({}, rec(null))).failures[0]!.error.message, /tombstone/);
  });

  it('records that cannot be documents are failures', async () => {
    const t = await build({ id: 'field', id_field: 'id' }, rec('text'), rec({ x: 1 }), rec([1]));
    assert.deepEqual(t.failures.map((f) => [f.index, f.error.message]), [
      [0, 'the value is not a JSON object, so it cannot be a document'],
      [1, 'id field id is missing'],
      [2, 'the value is not a JSON object, so it cannot be a document'],
    ]);
  });

  it('requests cut by actions and bytes; shared documents are detected', async () => {
    const t = await build({ id: 'key' }, ...Array.from({ length: 7 }, (_, i) => rec({ n: i }, i, `k${i % 5}`)));
    assert.deepEqual(bulkRequests(t.operations, 3, 1 << 20).map((r) => r.length), [3, 3, 1]);
    assert.deepEqual(bulkRequests(t.operations, 100, 100).map((r) => r.length), [2, 2, 2, 1]);
    assert.equal(sharesDocuments(bulkRequests(t.operations, 5, 1 << 20)), true, 'k0 and k1 come back in the second request');
    assert.equal(sharesDocuments(bulkRequests(t.operations.slice(0, 5), 3, 1 << 20)), false);
  });
});

describe('bulk items', () => {
  it('retries throttling and server errors, dead-letters bad data, accepts replayed creates', () => {
    const error = (type: string, reason: string) => ({ type, reason });
    assert.deepEqual(itemOutcome('index', { status: 201 }, true), { kind: 'ok' });
    assert.deepEqual(itemOutcome('index', { status: 429, error: error('es_rejected_execution_exception', 'queue full') }, true), { kind: 'retry', reason: '429 es_rejected_execution_exception: queue full' });
    assert.equal(itemOutcome('index', { status: 503, error: error('unavailable_shards_exception', 'x') }, true).kind, 'retry');
    assert.deepEqual(itemOutcome('index', { status: 400, error: { type: 'document_parsing_exception', reason: "failed to parse field [n] of type [long]", caused_by: { reason: 'For input string: "x"' } } }, true), {
      kind: 'dead',
      reason: '400 document_parsing_exception: failed to parse field [n] of type [long] (For input string: "x")',
    });
    assert.deepEqual(itemOutcome('create', { status: 409, error: error('version_conflict_engine_exception', 'exists') }, true), { kind: 'ok' });
    assert.equal(itemOutcome('create', { status: 409, error: error('version_conflict_engine_exception', 'exists') }, false).kind, 'dead');
    assert.equal(itemOutcome('update', { status: 409 }, true).kind, 'retry');
    assert.deepEqual(itemOutcome('delete', { status: 404 }, true), { kind: 'ok' });
  });
});
