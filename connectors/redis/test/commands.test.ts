/** Golden command lists: exactly what a batch becomes, per command family. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { CommandBuilder } from '../src/commands.js';
import { redisOptions } from '../src/options.js';

const rec = (value: unknown, offset = 0): SinkRecord => ({ topic: 'users', partition: 1, offset, timestamp: 0, key: 'k', value, headers: {}, size: 1 });
const build = (options: Record<string, unknown>, ...values: unknown[]) =>
  new CommandBuilder(redisOptions.parse(options)).build(values.map((v, i) => rec(v, i)));

describe('commands', () => {
  it('SET with a key template, a value field and a TTL; a tombstone deletes', async () => {
    const t = await build({ command: 'SET', key: 'user:{{ id }}', value_field: 'name', ttl_seconds: 60 }, { id: 7, name: 'ada' }, null);
    assert.deepEqual(t.records[0]!.commands, [['SET', 'user:7', 'ada', 'EX', '60']]);
    assert.deepEqual(t.failures.map((f) => f.index), [1], 'a tombstone has no id to build the key from');
  });

  it('SET of the whole value as JSON; tombstone with a constant key is DEL', async () => {
    const t = await build({ command: 'SET', key: '{{ $topic }}:latest' }, { id: 1, tags: ['a'] }, null);
    assert.deepEqual(t.records.map((r) => r.commands), [[['SET', 'users:latest', '{"id":1,"tags":["a"]}']], [['DEL', 'users:latest']]]);
  });

  it('HSET from every top-level field, or from a mapping', async () => {
    const all = await build({ command: 'HSET', key: 'u:{{ id }}' }, { id: 7, name: 'ada', roles: ['x'] });
    assert.deepEqual(all.records[0]!.commands, [['HSET', 'u:7', 'id', '7', 'name', 'ada', 'roles', '["x"]']]);
    const mapped = await build({ command: 'HSET', key: 'u:{{ id }}', hash_fields: { n: 'name', city: 'address.city' } }, { id: 7, name: 'ada', address: { city: 'Oslo' } });
    assert.deepEqual(mapped.records[0]!.commands, [['HSET', 'u:7', 'n', 'ada', 'city', 'Oslo']]);
  });

  it('lists, sets, pub/sub', async () => {
    for (const command of ['LPUSH', 'RPUSH', 'SADD', 'PUBLISH']) {
      const t = await build({ command, key: 'k:{{ $partition }}' }, 'plain', { id: 2 });
      assert.deepEqual(t.records.map((r) => r.commands[0]), [[command, 'k:1', 'plain'], [command, 'k:1', '{"id":2}']]);
    }
  });

  it('ZADD takes its score from a field; a non-numeric score is a record failure', async () => {
    const t = await build({ command: 'ZADD', key: 'board', score_field: 'points', value_field: 'user' }, { user: 'ada', points: 12.5 }, { user: 'bob', points: 'many' });
    assert.deepEqual(t.records.map((r) => r.commands), [[['ZADD', 'board', '12.5', 'ada']]]);
    assert.equal(t.failures[0]!.index, 1);
    assert.match(t.failures[0]!.error.message, /not a number/);
  });

  it('XADD with fields, a trim length, and a scalar value', async () => {
    const t = await build({ command: 'XADD', key: 'events', stream_max_len: 1000 }, { id: 1, type: 'click' }, 'raw');
    assert.deepEqual(t.records.map((r) => r.commands[0]), [
      ['XADD', 'events', 'MAXLEN', '~', '1000', '*', 'id', '1', 'type', 'click'],
      ['XADD', 'events', 'MAXLEN', '~', '1000', '*', 'value', 'raw'],
    ]);
  });

  it('a missing key field is a record-level failure, the rest of the batch is built', async () => {
    const t = await build({ command: 'RPUSH', key: 'q:{{ user.id }}' }, { user: { id: 1 } }, { other: true });
    assert.deepEqual(t.records.map((r) => r.index), [0]);
    assert.deepEqual(t.failures.map((f) => [f.index, f.retryable]), [[1, false]]);
  });

  it('passes the consumed bytes on when the whole value is written unchanged', async () => {
    const raw = Buffer.from('{"id": 1,  "spacing": "kept"}');
    const t = await new CommandBuilder(redisOptions.parse({ command: 'RPUSH', key: 'q' })).build([{ ...rec({ id: 1, spacing: 'kept' }), rawValue: raw }]);
    assert.equal(t.records[0]!.commands[0]![2], raw);
    const field = await new CommandBuilder(redisOptions.parse({ command: 'RPUSH', key: 'q', value_field: 'spacing' })).build([{ ...rec({ id: 1, spacing: 'kept' }), rawValue: raw }]);
    assert.equal(field.records[0]!.commands[0]![2], 'kept');
  });
});
