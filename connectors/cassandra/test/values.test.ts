/** The JSON → CQL type mapping, golden: what each JSON value becomes per column type, and what is refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import cassandra from 'cassandra-driver';
import { UNSET, toCql, typeName, type CqlType } from '../src/values.js';

const { types } = cassandra;
const t = (name: string): CqlType => (types.dataTypes as unknown as { getByName(n: string): CqlType }).getByName(name);
/** The value as the driver will encode it, shown as text for golden comparison. */
const show = (v: unknown): string => {
  if (v === UNSET) return 'unset';
  if (v === null) return 'null';
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.toString('hex')})`;
  if (v instanceof Map) return `Map{${[...v].map(([k, x]) => `${show(k)}: ${show(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v instanceof types.Tuple) return `Tuple(${v.values().map(show).join(', ')})`;
  if (v instanceof types.Long) return `Long(${v.toString()})`;
  if (v instanceof types.Integer) return `Integer(${v.toString()})`;
  if (v instanceof types.BigDecimal) return `BigDecimal(${v.toString()})`;
  if (v instanceof types.Uuid) return `${v.constructor.name}(${v.toString()})`;
  if (v instanceof types.LocalDate || v instanceof types.LocalTime || v instanceof types.InetAddress || v instanceof types.Duration) return `${v.constructor.name}(${v.toString()})`;
  if (v instanceof types.Vector) return `Vector(${[...v.elements].join(', ')})`;
  if (typeof v === 'object') return `{${Object.entries(v as object).map(([k, x]) => `${k}: ${show(x)}`).join(', ')}}`;
  return `${typeof v}(${String(v)})`;
};
const ok = (value: unknown, type: string | CqlType) => show(toCql(value, typeof type === 'string' ? t(type) : type, 'c'));
const refused = (value: unknown, type: string | CqlType) => {
  try {
    toCql(value, typeof type === 'string' ? t(type) : type, 'c');
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('JSON → CQL values', () => {
  it('missing fields are unset, JSON null clears the cell', () => {
    assert.deepEqual([ok(undefined, 'int'), ok(null, 'text')], ['unset', 'null']);
  });

  it('text and ascii: strings as they are; numbers, booleans as text; objects and arrays as JSON text', () => {
    assert.deepEqual(
      [ok('héllo', 'text'), ok(1.5, 'varchar'), ok(true, 'text'), ok({ a: [1] }, 'text'), ok('plain', 'ascii')],
      ['string(héllo)', 'string(1.5)', 'string(true)', 'string({"a":[1]})', 'string(plain)'],
    );
    assert.equal(refused('héllo', 'ascii'), 'column c (ascii): "héllo" is not ASCII');
  });

  it('integers: range-checked numbers or digit strings, never truncated', () => {
    assert.deepEqual([ok(42, 'int'), ok('-7', 'int'), ok(127, 'tinyint'), ok(-32768, 'smallint')], ['number(42)', 'number(-7)', 'number(127)', 'number(-32768)']);
    assert.equal(refused(1.5, 'int'), 'column c (int): 1.5 is not an integer');
    assert.equal(refused('abc', 'int'), 'column c (int): "abc" is not an integer');
    assert.equal(refused(2147483648, 'int'), 'column c (int): 2147483648 is out of range (-2147483648 to 2147483647)');
    assert.equal(refused(128, 'tinyint'), 'column c (tinyint): 128 is out of range (-128 to 127)');
    assert.equal(refused(true, 'int'), 'column c (int): true is not an integer');
  });

  it('bigint and varint: safe JSON numbers, or digit strings for the rest of the range', () => {
    assert.deepEqual(
      [ok(9007199254740991, 'bigint'), ok('9223372036854775807', 'bigint'), ok('-0042', 'bigint'), ok('123456789012345678901234567890', 'varint'), ok(5, 'varint')],
      ['Long(9007199254740991)', 'Long(9223372036854775807)', 'Long(-42)', 'Integer(123456789012345678901234567890)', 'Integer(5)'],
    );
    assert.equal(refused(9007199254740993, 'bigint'), 'column c (bigint): 9007199254740992 is beyond 2^53 as a JSON number: send it as a string of digits');
    assert.equal(refused('9223372036854775808', 'bigint'), 'column c (bigint): "9223372036854775808" is out of range for a 64-bit integer');
    assert.equal(refused(2.5, 'bigint'), 'column c (bigint): 2.5 is not an integer');
  });

  it('float, double and decimal: numbers or numeric text; decimals keep their digits', () => {
    assert.deepEqual(
      [ok(2.5, 'double'), ok('1e3', 'float'), ok('NaN', 'double'), ok(19.99, 'decimal'), ok('12345678901234567890.123456789', 'decimal'), ok('1.5e-3', 'decimal'), ok(1e21, 'decimal')],
      ['number(2.5)', 'number(1000)', 'number(NaN)', 'BigDecimal(19.99)', 'BigDecimal(12345678901234567890.123456789)', 'BigDecimal(0.0015)', 'BigDecimal(1000000000000000000000)'],
    );
    assert.equal(refused('twelve', 'double'), 'column c (double): "twelve" is not a number');
    assert.equal(refused([1], 'decimal'), 'column c (decimal): [1] is not a decimal number');
  });

  it('boolean: JSON booleans, or the text true/false', () => {
    assert.deepEqual([ok(false, 'boolean'), ok('true', 'boolean')], ['boolean(false)', 'boolean(true)']);
    assert.equal(refused(1, 'boolean'), 'column c (boolean): 1 is not a boolean');
  });

  it('timestamp: epoch milliseconds or ISO 8601; date and time: their CQL text forms', () => {
    assert.deepEqual(
      [ok(1_700_000_000_123, 'timestamp'), ok('2024-03-01T12:00:00+01:00', 'timestamp'), ok('2024-02-29', 'date'), ok('13:45:30.123456789', 'time')],
      ['Date(2023-11-14T22:13:20.123Z)', 'Date(2024-03-01T11:00:00.000Z)', 'LocalDate(2024-02-29)', 'LocalTime(13:45:30.123456789)'],
    );
    assert.equal(refused('yesterday', 'timestamp'), 'column c (timestamp): "yesterday" is not an ISO 8601 date-time');
    assert.equal(refused(1.5, 'timestamp'), 'column c (timestamp): 1.5 is not whole milliseconds since the epoch');
    assert.equal(refused('01/02/2024', 'date'), 'column c (date): "01/02/2024" is not a date (YYYY-MM-DD)');
  });

  it('uuid, timeuuid, inet, duration and blob (base64) from text', () => {
    assert.deepEqual(
      [
        ok('3c1d5f3e-8d1f-4b7e-9a55-0d5a3c0f6b21', 'uuid'),
        ok('e7b1a4a0-9f3c-11ee-8c90-0242ac120002', 'timeuuid'),
        ok('10.0.0.1', 'inet'),
        ok('1h30m', 'duration'),
        ok('AAEC/w==', 'blob'),
      ],
      ['Uuid(3c1d5f3e-8d1f-4b7e-9a55-0d5a3c0f6b21)', 'TimeUuid(e7b1a4a0-9f3c-11ee-8c90-0242ac120002)', 'InetAddress(10.0.0.1)', 'Duration(1h30m)', 'Buffer(000102ff)'],
    );
    assert.equal(refused('not-a-uuid', 'uuid'), 'column c (uuid): "not-a-uuid" is not a UUID');
    assert.equal(refused('3c1d5f3e-8d1f-4b7e-9a55-0d5a3c0f6b21', 'timeuuid'), 'column c (timeuuid): "3c1d5f3e-8d1f-4b7e-9a55-0d5a3c0f6b21" is not a version-1 (time-based) UUID');
    assert.equal(refused('not base64!', 'blob'), 'column c (blob): "not base64!" is not base64 text');
    assert.equal(refused('300.1.1.1', 'inet'), 'column c (inet): "300.1.1.1" is not an IP address');
  });

  it('collections: arrays to lists and sets, objects to maps with typed keys; no nulls inside', () => {
    assert.deepEqual(
      [ok(['a', 'b'], 'list<text>'), ok([3, 1], 'set<int>'), ok({ '1': 'one', '20': 'twenty' }, 'map<bigint,text>'), ok({ x: [1, 2] }, 'map<text,list<int>>')],
      ['[string(a), string(b)]', '[number(3), number(1)]', 'Map{Long(1): string(one), Long(20): string(twenty)}', 'Map{string(x): [number(1), number(2)]}'],
    );
    assert.equal(refused(['a', null], 'list<text>'), 'column c[1] (text): a collection cannot hold null');
    assert.equal(refused({ k: 'x' }, 'map<text,int>'), 'column c.k (int): "x" is not an integer');
    assert.equal(refused({ x: 1 }, 'map<int,int>'), 'column c key "x" (int): "x" is not an integer');
    assert.equal(refused('a', 'set<text>'), 'column c (set<text>): "a" is not an array');
  });

  it('tuples from arrays, user-defined types from objects, vectors from arrays of numbers', () => {
    assert.equal(ok([1, 'a', null], 'tuple<int, text, text>'), 'Tuple(number(1), string(a), null)');
    const address: CqlType = { code: types.dataTypes.udt, info: { name: 'address', fields: [{ name: 'street', type: t('text') }, { name: 'zip', type: t('int') }] } };
    assert.equal(ok({ street: 'Main', zip: '1234' }, address), '{street: string(Main), zip: number(1234)}');
    assert.equal(refused({ city: 'Oslo' }, address), 'column c (address): the type has no field city');
    assert.equal(ok([0.5, 1, 2], 'vector<float, 3>'), 'Vector(0.5, 1, 2)');
    assert.equal(refused([1, 2], 'vector<float, 3>'), 'column c (vector<float, 3>): [1,2] is not an array of 3');
    assert.equal(refused([1, 'a'], 'tuple<int, int>'), 'column c[1] (int): "a" is not an integer');
  });

  it('type names for messages', () => {
    assert.deepEqual(['map<text,frozen<list<int>>>', 'tuple<int,uuid>', 'set<timestamp>'].map((n) => typeName(t(n.replace('frozen<list<int>>', 'list<int>')))), ['map<text, list<int>>', 'tuple<int, uuid>', 'set<timestamp>']);
  });
});
