/** Golden CQL: exactly what a batch becomes — statements, bound values, write times — and how it is grouped. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import cassandra from 'cassandra-driver';
import type { SinkRecord } from '@sinkhub/core';
import { cassandraOptions } from '../src/options.js';
import { StatementBuilder, groupByPartition, microseconds, monotonicClock, type Statement, type TableInfo } from '../src/statements.js';
import type { CqlType } from '../src/values.js';

const { types } = cassandra;
const t = (name: string): CqlType => (types.dataTypes as unknown as { getByName(n: string): CqlType }).getByName(name);
const rec = (value: unknown, offset = 0, key: unknown = null, timestamp = 1_700_000_000_000): SinkRecord => ({ topic: 'orders', partition: 2, offset, timestamp, key, value, headers: {}, size: 100 });

/** sensor readings: partition (sensor), clustering (at); alphabetical, as the driver lists columns. */
const readings: TableInfo = {
  keyspace: 'shop',
  table: 'readings',
  columns: new Map([['at', t('timestamp')], ['sensor', t('text')], ['tags', t('set<text>')], ['value', t('double')]]),
  partitionKey: ['sensor'],
  clusteringKey: ['at'],
};
const lookup = async (name: string) => (name === 'readings' ? readings : undefined);
/** A fixed clock: 1000 µs, 1001 µs, … */
const clock = () => monotonicClock(() => 1);

const show = (v: unknown): unknown => {
  if (v === types.unset) return 'unset';
  if (v instanceof Date) return v.toISOString();
  if (v instanceof types.Long) return `Long(${v.toString()})`;
  return v;
};

async function plan(options: Record<string, unknown>, records: SinkRecord[]) {
  const o = cassandraOptions.parse({ keyspace: 'shop', table: 'readings', ...options });
  const result = await new StatementBuilder(o, clock()).build(records, lookup);
  return { ...result, golden: result.statements.map((s) => [s.index, s.query, s.params.map(show)]) };
}

describe('statements', () => {
  it('every field into the table’s columns; missing ones unset; one prepared INSERT per table', async () => {
    const { golden, failures } = await plan({}, [rec({ sensor: 's1', at: 1_700_000_000_000, value: 20.5, extra: 'ignored' }), rec({ sensor: 's1', at: '2024-01-01T00:00:00Z' }, 1)]);
    assert.deepEqual(failures, []);
    assert.deepEqual(golden, [
      [0, 'INSERT INTO "shop"."readings" ("at", "sensor", "tags", "value") VALUES (?, ?, ?, ?) USING TIMESTAMP ?', ['2023-11-14T22:13:20.000Z', 's1', 'unset', 20.5, 'Long(1000)']],
      [1, 'INSERT INTO "shop"."readings" ("at", "sensor", "tags", "value") VALUES (?, ?, ?, ?) USING TIMESTAMP ?', ['2024-01-01T00:00:00.000Z', 's1', 'unset', 'unset', 'Long(1001)']],
    ]);
  });

  it('declared columns from paths, bindings and JSONata; TTL; write time from a field in seconds', async () => {
    const { golden } = await plan(
      { columns: { sensor: 'device.id', at: '$timestamp', value: 'reading * 10', tags: 'tags' }, ttl: 3600, write_timestamp: 'sent', write_timestamp_unit: 'seconds' },
      [rec({ device: { id: 'd7' }, reading: 2, tags: ['x', 'y'], sent: 1_700_000_000.5 }, 5, null, 1_700_000_001_000)],
    );
    assert.deepEqual(golden, [
      [0, 'INSERT INTO "shop"."readings" ("sensor", "at", "value", "tags") VALUES (?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?', ['d7', '2023-11-14T22:13:21.000Z', 20, ['x', 'y'], 'Long(1700000000500000)', 3600]],
    ]);
  });

  it('a per-record TTL: null leaves the table default (unset); write time from $timestamp', async () => {
    const { golden, failures } = await plan({ ttl: 'keep', write_timestamp: '$timestamp' }, [rec({ sensor: 'a', at: 1, keep: 60 }), rec({ sensor: 'a', at: 2, keep: null }, 1), rec({ sensor: 'a', at: 3, keep: -1 }, 2)]);
    assert.deepEqual(golden.map((g) => (g[2] as unknown[]).slice(-2)), [['Long(1700000000000000)', 60], ['Long(1700000000000000)', 'unset']]);
    assert.deepEqual(failures.map((f) => [f.index, f.error.message]), [[2, 'ttl: -1 is not whole seconds from 0 to 630720000 (20 years)']]);
  });

  it('tombstones delete one row by the whole primary key from a JSON key, with a write time', async () => {
    const { golden, failures } = await plan({ write_timestamp: 'sent' }, [rec(null, 3, { sensor: 's1', at: '2024-01-01T00:00:00Z' }, 1_700_000_000_123), rec(null, 4, { sensor: 's1' })]);
    assert.deepEqual(golden, [[0, 'DELETE FROM "shop"."readings" USING TIMESTAMP ? WHERE "sensor" = ? AND "at" = ?', ['Long(1700000000123000)', 's1', '2024-01-01T00:00:00.000Z']]]);
    assert.equal(failures[0]!.error.message, 'a tombstone whose key has no at (key: {"sensor":"s1"}); the primary key is (sensor, at)');
  });

  it('with declared columns, a tombstone key gives each key column by name, or in the value’s shape', async () => {
    const o = { columns: { sensor: 'device.id', at: 'at', value: 'v' } };
    const byName = await plan(o, [rec(null, 0, { sensor: 's1', at: 5 }), rec(null, 1, { device: { id: 's2' }, at: 6 })]);
    assert.deepEqual(byName.failures, []);
    assert.deepEqual(byName.statements.map((x) => x.params.slice(1).map(show)), [['s1', '1970-01-01T00:00:00.005Z'], ['s2', '1970-01-01T00:00:00.006Z']]);
  });

  it('a one-column key serves a scalar record key; tombstones: ignore skips, error dead-letters', async () => {
    const users: TableInfo = { keyspace: 'shop', table: 'users', columns: new Map([['id', t('bigint')], ['name', t('text')]]), partitionKey: ['id'], clusteringKey: [] };
    const o = cassandraOptions.parse({ keyspace: 'shop', table: 'users' });
    const deleted = await new StatementBuilder(o, clock()).build([rec(null, 0, '42')], async () => users);
    assert.deepEqual(deleted.statements.map((s) => [s.query, s.params.map(show)]), [['DELETE FROM "shop"."users" USING TIMESTAMP ? WHERE "id" = ?', ['Long(1000)', 'Long(42)']]]);
    const ignored = await new StatementBuilder(cassandraOptions.parse({ keyspace: 'shop', table: 'users', tombstones: 'ignore' })).build([rec(null)], async () => users);
    assert.deepEqual([ignored.statements.length, ignored.skipped], [0, 1]);
    const refused = await new StatementBuilder(cassandraOptions.parse({ keyspace: 'shop', table: 'users', tombstones: 'error' })).build([rec(null)], async () => users);
    assert.equal(refused.failures[0]!.error.message, 'a tombstone (null value), refused by `tombstones: error`');
  });

  it('write times without write_timestamp increase in record order, across batches', async () => {
    const builder = new StatementBuilder(cassandraOptions.parse({ keyspace: 'shop', table: 'readings' }), monotonicClock(() => 5));
    const first = await builder.build([rec({ sensor: 'a', at: 1 }), rec({ sensor: 'a', at: 1 }, 1)], lookup);
    const second = await builder.build([rec({ sensor: 'a', at: 1 }, 2)], lookup);
    assert.deepEqual([...first.statements, ...second.statements].map((s) => show(s.params.at(-1))), ['Long(5000)', 'Long(5001)', 'Long(5002)']);
  });

  it('records that cannot become statements are failures, with the reason', async () => {
    const { statements, failures } = await plan({ table: '{{ dest }}' }, [
      rec('a string'),
      rec({ dest: 'bad-name', x: 1 }),
      rec({ dest: 'missing' }),
      rec({ dest: 'readings', sensor: 's', at: 1, colour: 'red' }),
      rec({ dest: 'readings', sensor: 's', at: 'soon' }),
      rec({ dest: 'readings', sensor: 's', at: 2, value: 1 }),
    ]);
    assert.deepEqual(
      failures.map((f) => [f.index, f.retryable, f.error.message]),
      [
        [0, false, 'template "{{ dest }}": part 1 is empty for this record'],
        [1, false, 'table "bad-name" is not a valid name (letters, digits and _, at most 48 characters)'],
        [2, false, 'table shop.missing does not exist (create it, or set auto_create)'],
        [4, false, 'column at (timestamp): "soon" is not an ISO 8601 date-time'],
      ],
    );
    assert.deepEqual(statements.map((x) => x.index), [3, 5], 'fields without a column are ignored');
    const strict = await plan({ unknown_fields: 'error' }, [rec({ sensor: 's', at: 1, colour: 'red', size: 2 })]);
    assert.equal(strict.failures[0]!.error.message, 'table shop.readings has no column for field(s) colour, size');
  });

  it('write times: units, ISO text, refusals', () => {
    assert.deepEqual([microseconds(1_700_000_000_000, 'milliseconds'), microseconds('1700000000', 'seconds'), microseconds('2024-01-01T00:00:00.001Z', 'microseconds')].map(show), ['Long(1700000000000000)', 'Long(1700000000000000)', 'Long(1704067200001000)']);
    assert.throws(() => microseconds('later', 'milliseconds'), /write_timestamp: "later" is neither a number nor an ISO 8601 date-time/);
    assert.throws(() => microseconds(-1, 'milliseconds'), /is not a time/);
  });
});

describe('grouping by partition', () => {
  const s = (index: number, partition: string, bytes = 10): Statement => ({ index, query: 'q', params: [], partition, bytes });

  it('one group per partition, in record order, cut by statements and bytes', () => {
    const statements = [s(0, 'a'), s(1, 'b'), s(2, 'a'), s(3, 'a'), s(4, 'c', 50), s(5, 'c', 60), s(6, 'a')];
    assert.deepEqual(groupByPartition(statements, 3, 100).map((g) => g.map((x) => x.index)), [[0, 2, 3], [1], [4], [5], [6]]);
    assert.deepEqual(groupByPartition(statements, 100, 1000).map((g) => g.map((x) => x.index)), [[0, 2, 3, 6], [1], [4, 5]]);
  });

  it('a statement over the byte limit still goes, alone', () => {
    assert.deepEqual(groupByPartition([s(0, 'a', 500), s(1, 'a', 5)], 10, 100).map((g) => g.map((x) => x.index)), [[0], [1]]);
  });

  it('the partition is the table and the partition key values (not the clustering ones)', async () => {
    const { statements } = await plan({}, [rec({ sensor: 's1', at: 1 }), rec({ sensor: 's1', at: 2 }, 1), rec({ sensor: 's2', at: 1 }, 2)]);
    assert.deepEqual(statements.map((x) => x.partition), ['readings\u0000s1', 'readings\u0000s1', 'readings\u0000s2']);
  });
});
