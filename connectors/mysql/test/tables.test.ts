/** Auto-created tables: the documented type mapping and the DDL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTableName } from '../src/identifiers.js';
import { mysqlOptions } from '../src/options.js';
import { createTableSql, inferType } from '../src/tables.js';

describe('auto-created tables', () => {
  it('infers types from JSON values', () => {
    assert.deepEqual(
      [7, 7.5, true, 'text', { a: 1 }, [1], null].map((v) => inferType(v, false)),
      ['BIGINT', 'DOUBLE', 'BOOLEAN', 'TEXT', 'JSON', 'JSON', 'TEXT'],
    );
    assert.equal(inferType('k', true), 'VARCHAR(255)', 'TEXT cannot be a primary key');
  });

  it('declared types win; the key becomes the primary key', () => {
    const options = mysqlOptions.parse({ table: 't', mode: 'upsert', key: ['id'], columns: { id: 'id', price: { from: 'p', type: 'decimal(10,2)' }, note: 'n' } });
    const op = { index: 0, table: parseTableName('shop.t'), kind: 'write' as const, columns: ['id', 'price', 'note'], values: ['a1', 2.5, null] };
    assert.equal(
      createTableSql(op, options),
      'CREATE TABLE IF NOT EXISTS `shop`.`t` (`id` VARCHAR(255) NOT NULL, `price` DECIMAL(10,2) NULL, `note` TEXT NULL, PRIMARY KEY (`id`)) DEFAULT CHARSET = utf8mb4',
    );
  });
});

describe('options', () => {
  it('refuse what cannot work, before anything connects', () => {
    const problems = (o: Record<string, unknown>) => (mysqlOptions.safeParse(o).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.deepEqual(problems({ table: 't', mode: 'upsert' }), ['key: upsert needs the key columns']);
    assert.deepEqual(problems({ table: 't', tombstones: 'delete' }), ['tombstones: deleting on tombstones needs the key columns']);
    assert.match(problems({ table: 't', mode: 'merge' })[0]!, /^mode: /);
    assert.match(problems({ table: 't', columns: { 'drop table': 'x' } })[0]!, /^columns\.drop table: .*identifier/);
    assert.match(problems({ table: 't', columns: { a: { from: 'x', type: 'INT; DROP TABLE t' } } })[0]!, /column type/);
    assert.match(problems({ table: 't', url: 'postgres://h/db' })[0]!, /^url: a mysql:\/\/ URL/);
    assert.match(problems({ table: 't', key: ['id'], columns: { a: 'a' } })[0]!, /key column id is not among the columns/);
  });
});
