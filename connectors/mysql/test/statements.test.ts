/** Golden SQL: exactly what a batch becomes, per mode, and how it is split and ordered. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { mysqlOptions } from '../src/options.js';
import { RowMapper } from '../src/rows.js';
import { PROTOCOL_MAX_PARAMS, buildStatements } from '../src/statements.js';

const rec = (value: unknown, offset = 0, key: unknown = null): SinkRecord => ({ topic: 'orders', partition: 2, offset, timestamp: 1000, key, value, headers: {}, size: 1 });
const limits = { maxBytes: 1 << 20, maxParams: PROTOCOL_MAX_PARAMS };

async function sql(options: Record<string, unknown>, records: SinkRecord[], l = limits) {
  const o = mysqlOptions.parse(options);
  const mapping = await new RowMapper(o).map(records);
  return { statements: buildStatements(mapping.ops, o.mode, o.key, l), failures: mapping.failures };
}

describe('statements', () => {
  it('insert: one multi-row statement with bound values', async () => {
    const { statements } = await sql({ table: 'orders' }, [rec({ id: 1, name: 'a' }), rec({ id: 2, name: "b'; DROP TABLE x" })]);
    assert.deepEqual(
      statements.map((s) => [s.sql, s.params]),
      [['INSERT INTO `orders` (`id`, `name`) VALUES (?, ?), (?, ?)', [1, 'a', 2, "b'; DROP TABLE x"]]],
    );
  });

  it('upsert updates the non-key columns; objects are bound as JSON text', async () => {
    const { statements } = await sql({ table: 'shop.orders', mode: 'upsert', key: ['id'] }, [rec({ id: 1, total: 9.5, tags: ['x'] })]);
    assert.equal(statements[0]!.sql, 'INSERT INTO `shop`.`orders` (`id`, `total`, `tags`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `total` = VALUES(`total`), `tags` = VALUES(`tags`)');
    assert.deepEqual(statements[0]!.params, [1, 9.5, '["x"]']);
  });

  it('declared columns read paths, bindings and JSONata; a missing field binds NULL', async () => {
    const { statements } = await sql(
      { table: 't', columns: { id: 'id', city: 'address.city', at: { from: '$offset', type: 'BIGINT' }, label: "$uppercase(name) & '!'", missing: 'nope' } },
      [rec({ id: 5, name: 'ada', address: { city: 'Oslo' } }, 41)],
    );
    assert.deepEqual([statements[0]!.sql, statements[0]!.params], ['INSERT INTO `t` (`id`, `city`, `at`, `label`, `missing`) VALUES (?, ?, ?, ?, ?)', [5, 'Oslo', 41, 'ADA!', null]]);
  });

  it('tombstones delete by key; order per key is kept across kinds', async () => {
    const { statements } = await sql({ table: 't', mode: 'upsert', key: ['id'] }, [rec({ id: 1, v: 'a' }), rec(null, 1, { id: 1 }), rec(null, 2, { id: 3 }), rec({ id: 1, v: 'b' }, 3)]);
    assert.deepEqual(
      statements.map((s) => [s.sql, s.params]),
      [
        ['INSERT INTO `t` (`id`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)', [1, 'a']],
        ['DELETE FROM `t` WHERE `id` IN (?, ?)', [1, 3]],
        ['INSERT INTO `t` (`id`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)', [1, 'b']],
      ],
    );
  });

  it('a composite key deletes by row constructor; a scalar key serves a one-column key', async () => {
    const two = await sql({ table: 't', mode: 'upsert', key: ['a', 'b'] }, [rec(null, 0, { a: 1, b: 'x' })]);
    assert.deepEqual([two.statements[0]!.sql, two.statements[0]!.params], ['DELETE FROM `t` WHERE (`a`, `b`) IN ((?, ?))', [1, 'x']]);
    const one = await sql({ table: 't', key: ['id'] }, [rec(null, 0, '42')]);
    assert.deepEqual(one.statements[0]!.params, ['42']);
  });

  it('tables from a template: one statement per table, keeping their own order', async () => {
    const { statements } = await sql({ table: 'events_{{ kind }}' }, [rec({ kind: 'a', n: 1 }), rec({ kind: 'b', n: 2 }), rec({ kind: 'a', n: 3 })]);
    assert.deepEqual(
      statements.map((s) => [s.sql, s.params]),
      [
        ['INSERT INTO `events_a` (`kind`, `n`) VALUES (?, ?), (?, ?)', ['a', 1, 'a', 3]],
        ['INSERT INTO `events_b` (`kind`, `n`) VALUES (?, ?)', ['b', 2]],
      ],
    );
  });

  it('splits by bytes and by placeholders; an oversized row still goes alone', async () => {
    const records = Array.from({ length: 10 }, (_, i) => rec({ id: i, text: 'x'.repeat(100) }));
    const bySize = await sql({ table: 't' }, records, { maxBytes: 400, maxParams: PROTOCOL_MAX_PARAMS });
    assert.deepEqual(bySize.statements.map((s) => s.ops.length), [3, 3, 3, 1]);
    const byParams = await sql({ table: 't' }, records, { maxBytes: 1 << 20, maxParams: 5 });
    assert.deepEqual(byParams.statements.map((s) => s.ops.length), [2, 2, 2, 2, 2]);
    const huge = await sql({ table: 't' }, [rec({ text: 'y'.repeat(1000) })], { maxBytes: 10, maxParams: 10 });
    assert.equal(huge.statements.length, 1);
  });

  it('records that cannot become rows are failures, not statements', async () => {
    const { statements, failures } = await sql({ table: '{{ dest }}' }, [rec('a string'), rec({ dest: 'bad`name', x: 1 }), rec({ dest: 'ok', 'bad col': 1 }), rec(null), rec({ dest: 'fine', x: 2 })]);
    assert.deepEqual(failures.map((f) => [f.index, f.retryable]), [[0, false], [1, false], [2, false], [3, false]]);
    assert.match(failures[0]!.error.message, /part 1 is empty/);
    assert.match(failures[1]!.error.message, /not a valid identifier/);
    assert.match(failures[3]!.error.message, /part 1 is empty/, 'a tombstone has no field to route by');
    assert.deepEqual(statements.map((s) => s.sql), ['INSERT INTO `fine` (`dest`, `x`) VALUES (?, ?)']);
  });

  it('a value that is not an object needs declared columns', async () => {
    const { failures } = await sql({ table: 't' }, [rec('a string'), rec([1, 2])]);
    assert.deepEqual(failures.map((f) => f.error.message), ['the value is a string, not a JSON object: declare `columns` to map it', 'the value is an array, not a JSON object: declare `columns` to map it']);
  });

  it('tombstones: ignore skips them', async () => {
    const { statements, failures } = await sql({ table: 't', tombstones: 'ignore' }, [rec(null), rec({ a: 1 })]);
    assert.equal(failures.length, 0);
    assert.equal(statements.length, 1);
  });
});
