/** Records → mutations → request plan and REST bodies, against golden output. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { MutationBuilder, encodeValue, planSteps, type Mutation } from '../src/mutations.js';
import { hbaseOptions } from '../src/options.js';
import { cellSetBody, deletePath, putPath, schemaBody } from '../src/rest.js';

const options = (o: Record<string, unknown>) => hbaseOptions.parse({ table: 'events', row_key: '{{ $key }}', family: 'd', ...o });
const record = (offset: number, value: unknown, extra: Partial<SinkRecord> = {}): SinkRecord => ({
  topic: 'orders',
  partition: 1,
  offset,
  timestamp: 1_700_000_000_000 + offset,
  key: `k${offset}`,
  value,
  headers: {},
  size: 10,
  ...extra,
});
const text = (m: Mutation) => (m.kind === 'put' ? m.cells.map((c) => [`${c.family}:${c.qualifier}`, c.value.toString('utf8'), c.timestamp]) : ['delete', m.timestamp]);

describe('mutations', () => {
  it('every top-level field into the family, stamped with the Kafka timestamp', async () => {
    const { mutations, failures } = await new MutationBuilder(options({})).build([record(0, { id: 7, name: 'ada', ok: true, tags: ['a'], none: null })]);
    assert.deepEqual(failures, []);
    assert.equal(mutations[0]!.table, 'events');
    assert.equal(mutations[0]!.row, 'k0');
    assert.deepEqual(text(mutations[0]!), [
      ['d:id', '7', 1_700_000_000_000],
      ['d:name', 'ada', 1_700_000_000_000],
      ['d:ok', 'true', 1_700_000_000_000],
      ['d:tags', '["a"]', 1_700_000_000_000],
    ]);
  });

  it('columns: family:qualifier from paths, the whole value, bindings and JSONata; table and row templates', async () => {
    const o = options({
      table: 'ns:{{ kind }}',
      row_key: '{{ user.id }}#{{ $offset }}',
      columns: { 'd:name': 'user.name', doc: '$', 'meta:topic': '$topic', 'meta:upper': '$uppercase(user.name)', 'd:missing': 'nope' },
      timestamp_field: 'at',
    });
    const { mutations } = await new MutationBuilder(o).build([record(3, { kind: 'click', user: { id: 9, name: 'bo' }, at: '2026-01-02T03:04:05.006Z' })]);
    const ts = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    assert.equal(mutations[0]!.table, 'ns:click');
    assert.equal(mutations[0]!.row, '9#3');
    assert.deepEqual(text(mutations[0]!), [
      ['d:name', 'bo', ts],
      ['d:doc', '{"kind":"click","user":{"id":9,"name":"bo"},"at":"2026-01-02T03:04:05.006Z"}', ts],
      ['meta:topic', 'orders', ts],
      ['meta:upper', 'BO', ts],
    ]);
    assert.deepEqual(new MutationBuilder(o).families(), ['d', 'meta']);
  });

  it('server time leaves cells unstamped; a tombstone deletes up to its timestamp, or everything with server time', async () => {
    const stamped = await new MutationBuilder(options({})).build([record(1, null)]);
    assert.deepEqual(stamped.mutations, [{ kind: 'delete', index: 0, table: 'events', row: 'k1', timestamp: 1_700_000_000_001 }]);
    const server = await new MutationBuilder(options({ server_time: true })).build([record(1, { a: 1 }), record(2, null)]);
    assert.deepEqual(text(server.mutations[0]!), [['d:a', '1', undefined]]);
    assert.deepEqual(server.mutations[1], { kind: 'delete', index: 1, table: 'events', row: 'k2', timestamp: undefined });
    assert.deepEqual((await new MutationBuilder(options({ tombstones: 'skip' })).build([record(1, null)])).mutations, []);
  });

  it('records that cannot become mutations are record-level failures', async () => {
    const b = new MutationBuilder(options({ row_key: '{{ user.id }}', timestamp_field: 'at', tombstones: 'error' }));
    const { mutations, failures } = await b.build([
      record(0, { user: { id: 1 }, at: 5 }),
      record(1, { user: {}, at: 5 }),
      record(2, { user: { id: 2 }, at: 'yesterday' }),
      record(3, { user: { id: 3 } }),
      record(4, null),
      record(5, { user: { id: 'x'.repeat(40_000) }, at: 5 }),
      record(6, { user: { id: '' }, at: 5 }),
      record(7, { user: { id: 7 }, at: -1 }),
    ]);
    assert.deepEqual(mutations.map((m) => m.index), [0]);
    assert.deepEqual(
      failures.map((f) => [f.index, f.error.message, f.retryable]),
      [
        [1, 'template "{{ user.id }}": part 1 is empty for this record', false],
        [2, 'timestamp field at is not epoch milliseconds or an ISO-8601 time: "yesterday"', false],
        [3, 'timestamp field at is missing', false],
        [4, 'a tombstone (null value) has no cells to write', false],
        [5, 'the row key is 40000 bytes; HBase takes at most 32767', false],
        [6, 'the row key is empty', false],
        [7, 'timestamp field at is not epoch milliseconds or an ISO-8601 time: -1', false],
      ],
    );
    const none = await new MutationBuilder(options({ columns: { 'd:a': 'a' } })).build([record(0, { b: 1 })]);
    assert.equal(none.failures[0]!.error.message, 'no cell to write: every column (d:a) is missing in the value');
  });

  it('encodings: string, json and binary (Bytes.toBytes), bytes as they are', () => {
    const hex = (v: unknown, e: 'string' | 'json' | 'binary') => encodeValue(v, e).toString('hex');
    assert.equal(encodeValue('é', 'string').toString('utf8'), 'é');
    assert.equal(encodeValue(1.5, 'string').toString(), '1.5');
    assert.equal(encodeValue({ a: 1 }, 'string').toString(), '{"a":1}');
    assert.equal(encodeValue('a', 'json').toString(), '"a"');
    assert.equal(encodeValue(2, 'json').toString(), '2');
    assert.equal(hex(1, 'binary'), '0000000000000001');
    assert.equal(hex(-2, 'binary'), 'fffffffffffffffe');
    assert.equal(hex(1.5, 'binary'), '3ff8000000000000');
    assert.equal(hex(true, 'binary'), 'ff');
    assert.equal(hex(false, 'binary'), '00');
    assert.equal(hex(2n ** 40n, 'binary'), '0000010000000000');
    assert.equal(encodeValue('text', 'binary').toString(), 'text');
    assert.equal(hex(Buffer.from([1, 2]), 'json'), '0102');
  });
});

describe('request plan', () => {
  const put = (index: number, row: string, cells: [string, string, number | undefined][], table = 't'): Mutation => ({
    kind: 'put',
    index,
    table,
    row,
    cells: cells.map(([q, v, timestamp]) => ({ family: 'd', qualifier: q, value: Buffer.from(v), timestamp })),
  });
  const del = (index: number, row: string, timestamp?: number): Mutation => ({ kind: 'delete', index, table: 't', row, timestamp });
  const show = (steps: ReturnType<typeof planSteps>) =>
    steps.map((s) => (s.kind === 'delete' ? ['delete', s.deletes.map((d) => d.row)] : [`put ${s.table}`, s.rows.map((r) => [r.row, r.indexes, r.cells.map((c) => `${c.qualifier}=${c.value}@${c.timestamp}`)])]));

  it('merges the puts of one row; a later cell of the same column and timestamp wins; versions stay apart', () => {
    const steps = planSteps([put(0, 'a', [['x', '1', 5], ['y', '1', 5]]), put(1, 'b', [['x', '2', 5]]), put(2, 'a', [['x', '3', 5]]), put(3, 'a', [['x', '4', 6]]), put(4, 'c', [['x', '5', 5]], 'u')], false);
    assert.deepEqual(show(steps), [
      ['put t', [['a', [0, 2, 3], ['y=1@5', 'x=3@5', 'x=4@6']], ['b', [1], ['x=2@5']]]],
      ['put u', [['c', [4], ['x=5@5']]]],
    ]);
  });

  it('with record timestamps puts go first, then deletes; with server time the order is kept', () => {
    const mutations = [put(0, 'a', [['x', '1', undefined]]), del(1, 'a'), put(2, 'a', [['x', '2', undefined]]), put(3, 'b', [['x', '3', undefined]]), del(4, 'b')];
    assert.deepEqual(show(planSteps(mutations, false)), [
      ['put t', [['a', [0, 2], ['x=2@undefined']], ['b', [3], ['x=3@undefined']]]],
      ['delete', ['a', 'b']],
    ]);
    assert.deepEqual(show(planSteps(mutations, true)), [
      ['put t', [['a', [0], ['x=1@undefined']]]],
      ['delete', ['a']],
      ['put t', [['a', [2], ['x=2@undefined']], ['b', [3], ['x=3@undefined']]]],
      ['delete', ['b']],
    ]);
  });
});

describe('REST requests', () => {
  it('a multi-row put is a CellSet with base64 keys, columns and values', () => {
    const body = cellSetBody([
      { row: 'r1', indexes: [0], cells: [{ family: 'd', qualifier: 'a', value: Buffer.from('v'), timestamp: 1000 }] },
      { row: 'ü/2', indexes: [1], cells: [{ family: 'd', qualifier: 'b', value: Buffer.from([0, 255]), timestamp: undefined }] },
    ]);
    assert.equal(body, '{"Row":[{"key":"cjE=","Cell":[{"column":"ZDph","timestamp":1000,"$":"dg=="}]},{"key":"w7wvMg==","Cell":[{"column":"ZDpi","$":"AP8="}]}]}');
    assert.equal(putPath('ns:events'), '/ns%3Aevents/fakerow');
  });

  it('a row delete names no column (every family) and the timestamp, or nothing for every version', () => {
    assert.equal(deletePath('t', 'user/1 x', 1234), '/t/user%2F1%20x//1234');
    assert.equal(deletePath('t', 'r', undefined), '/t/r');
  });

  it('a created table lists its families with VERSIONS', () => {
    assert.equal(schemaBody('t', ['d', 'm'], 3), '{"name":"t","ColumnSchema":[{"name":"d","VERSIONS":"3"},{"name":"m","VERSIONS":"3"}]}');
  });
});
