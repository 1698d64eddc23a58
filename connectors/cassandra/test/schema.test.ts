/** Auto-create DDL, the refusal of counter tables, and options refused before anything connects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import cassandra from 'cassandra-driver';
import { cassandraSink } from '../src/index.js';
import { parseCqlType } from '../src/identifiers.js';
import { cassandraOptions } from '../src/options.js';
import { createKeyspaceCql, createTableCql, tableInfo } from '../src/schema.js';
import type { CqlType } from '../src/values.js';

const t = (name: string): CqlType => (cassandra.types.dataTypes as unknown as { getByName(n: string): CqlType }).getByName(name);

describe('auto-created keyspaces and tables', () => {
  const options = cassandraOptions.parse({
    keyspace: 'shop',
    table: 'orders',
    columns: { customer: { from: 'customer.id', type: 'text' }, id: { from: 'id', type: 'BIGINT' }, items: { from: 'items', type: 'map<text, frozen<list<int>>>' }, at: { from: '$timestamp', type: 'timestamp' } },
    auto_create: { partition_key: ['customer'], clustering_key: ['id', 'at'], replication: { class: 'NetworkTopologyStrategy', dc1: 3 } },
  });

  it('the table from the declared types and key', () => {
    assert.equal(
      createTableCql(options, 'orders'),
      'CREATE TABLE IF NOT EXISTS "shop"."orders" ("customer" text, "id" bigint, "items" map<text, frozen<list<int>>>, "at" timestamp, PRIMARY KEY (("customer"), "id", "at"))',
    );
  });

  it('the keyspace with its replication', () => {
    assert.equal(createKeyspaceCql(options), `CREATE KEYSPACE IF NOT EXISTS "shop" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}`);
    assert.equal(createKeyspaceCql(cassandraOptions.parse({ keyspace: 'k', table: 't', columns: { a: { from: 'a', type: 'int' } }, auto_create: { partition_key: ['a'] } })), `CREATE KEYSPACE IF NOT EXISTS "k" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  });

  it('types are parsed, so nothing but a type gets into the DDL', () => {
    assert.deepEqual(['TEXT', 'vector<float, 3>', 'tuple<int,text, uuid>', 'set<frozen<address>>'].map(parseCqlType), ['text', 'vector<float, 3>', 'tuple<int, text, uuid>', 'set<frozen<"address">>']);
    for (const bad of ['text, evil int', 'map<text>', 'list<int', 'counter', 'int) WITH x', 'vector<float>']) assert.throws(() => parseCqlType(bad), Error, bad);
  });

  it('a table with counters is refused: increments are not idempotent', () => {
    const meta = { columns: [{ name: 'id', type: t('text') }, { name: 'hits', type: t('counter') }], partitionKeys: [{ name: 'id' }], clusteringKeys: [] };
    assert.throws(() => tableInfo('shop', 'hits', meta), /table shop\.hits has counter columns \(hits\): an increment replayed would count twice/);
  });
});

describe('options', () => {
  const problems = (o: Record<string, unknown>) => (cassandraOptions.safeParse({ keyspace: 'shop', table: 'orders', ...o }).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

  it('refuse what cannot work, before anything connects', () => {
    assert.deepEqual(problems({}), []);
    assert.deepEqual(problems({ password: 'x' }), ['username: a password needs a username']);
    assert.deepEqual(problems({ table: 'my-table' }), ['table: a table name of letters, digits and `_` (at most 48 characters)']);
    assert.match(problems({ keyspace: '1shop' })[0]!, /^keyspace: a keyspace name/);
    assert.match(problems({ consistency: 'most' })[0]!, /^consistency: Invalid option/);
    assert.match(problems({ columns: { 'drop table': 'x' } })[0]!, /^columns\.drop table: a column name/);
    assert.match(problems({ columns: { a: { from: 'a', type: 'text, b int' } } })[0]!, /^columns\.a\.type: a CQL type/);
    assert.match(problems({ contact_points: ['http://h:9042'] })[0]!, /^contact_points\.0: a host or host:port/);
    assert.match(problems({ ttl: -5 })[0]!, /^ttl: /);
    assert.deepEqual(problems({ auto_create: { partition_key: ['id'] } }), ['auto_create: auto_create needs the declared `columns` with their `type`']);
    assert.deepEqual(problems({ columns: { id: 'id', v: { from: 'v', type: 'text' } }, auto_create: { partition_key: ['id', 'x'] } }), [
      'columns.id: auto_create needs a `type` for every column',
      'auto_create.partition_key.1: x is not among the columns',
    ]);
  });

  it('exactly-once unless the declared key comes from a clock or a random value', () => {
    const mode = (o: Record<string, unknown>) => cassandraSink.exactlyOnce!(cassandraOptions.parse({ keyspace: 'shop', table: 'orders', ...o }));
    assert.equal(mode({}), 'idempotent');
    assert.equal(mode({ columns: { id: { from: 'id', type: 'int' }, at: { from: '$now()', type: 'text' } }, auto_create: { partition_key: ['id'] } }), 'idempotent');
    assert.match(mode({ columns: { id: { from: '$uuid()', type: 'text' } }, auto_create: { partition_key: ['id'] } }), /primary key column id comes from an expression that changes on every evaluation/);
  });
});
