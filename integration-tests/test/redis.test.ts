/**
 * The redis connector against a real Redis: each command family, TTL, value fields, ACL
 * authentication, a record Redis refuses (WRONGTYPE) going to the dead-letter topic, bad options
 * refused at validation, and an unreachable server named at start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { KAFKA_BROKERS, REDIS_URL, hostPort, requireServer } from '../src/env.js';
import { createTopic, jsonEvents, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, validateYaml } from '../src/sinkhub-process.js';

const redis = new Redis(REDIS_URL, { lazyConnect: true });
redis.on('error', () => undefined);
before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer('Redis', hostPort(REDIS_URL));
});
after(() => redis.quit());

const users = (n: number): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `u${i}`, value: JSON.stringify({ id: i, name: `user-${i}`, points: i * 1.5, team: `t${i % 3}` }) }));

/** Runs `sink` over `messages` until `done` holds, then stops it gracefully. */
async function runSink(sink: string, messages: TestMessage[], done: (topic: string) => Promise<boolean>, extra: { dlq?: string; delivery?: 'exactly-once' | 'at-least-once' } = {}) {
  const topic = uniqueName('redis');
  await createTopic(topic, 1);
  await produce(topic, messages);
  const proc = SinkhubProcess.run(
    pipelineYaml({ name: topic, topic, sink: sink.replaceAll('TOPIC', topic), ...(extra.dlq && { tolerance: 'all', deadLetterTopic: extra.dlq.replace('TOPIC', topic) }), delivery: extra.delivery ?? 'at-least-once' }),
  );
  await eventually(() => done(topic), 30_000, 'the records in Redis');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return topic;
}

describe('redis connector', () => {
  it('SET with a TTL and a value field', { timeout: 60_000 }, async () => {
    const topic = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: SET\nkey: "TOPIC:{{ id }}"\nvalue_field: name\nttl_seconds: 300`, users(50), async (t) => (await redis.exists(`${t}:49`)) === 1, { delivery: 'exactly-once' });
    assert.equal(await redis.get(`${topic}:7`), 'user-7');
    const ttl = await redis.ttl(`${topic}:7`);
    assert.ok(ttl > 250 && ttl <= 300, `ttl ${ttl}`);
  });

  it('HSET from every field, and from a mapping; a tombstone deletes the hash', { timeout: 60_000 }, async () => {
    const topic = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: HSET\nkey: "TOPIC:{{ $key }}"`, [...users(10), { key: 'u3', value: null }], async (t) => (await redis.exists(`${t}:u9`)) === 1);
    assert.deepEqual(await redis.hgetall(`${topic}:u2`), { id: '2', name: 'user-2', points: '3', team: 't2' });
    await eventually(async () => (await redis.exists(`${topic}:u3`)) === 0, 5000, 'the tombstone to delete u3');
    const mapped = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: HSET\nkey: "TOPIC:{{ id }}"\nhash_fields: { who: name, group: team }`, users(5), async (t) => (await redis.exists(`${t}:4`)) === 1);
    assert.deepEqual(await redis.hgetall(`${mapped}:4`), { who: 'user-4', group: 't1' });
  });

  it('RPUSH and LPUSH keep order; SADD and ZADD build sets', { timeout: 90_000 }, async () => {
    const r = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: RPUSH\nkey: "TOPIC"\nvalue_field: id`, users(20), async (t) => (await redis.llen(t)) === 20, { delivery: 'exactly-once' });
    assert.deepEqual((await redis.lrange(r, 0, -1)).map(Number), [...Array(20).keys()]);
    const l = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: LPUSH\nkey: "TOPIC"\nvalue_field: id`, users(5), async (t) => (await redis.llen(t)) === 5);
    assert.deepEqual((await redis.lrange(l, 0, -1)).map(Number), [4, 3, 2, 1, 0]);
    const s = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: SADD\nkey: "TOPIC:{{ team }}"\nvalue_field: name`, users(9), async (t) => (await redis.scard(`${t}:t2`)) === 3);
    assert.deepEqual((await redis.smembers(`${s}:t0`)).sort(), ['user-0', 'user-3', 'user-6']);
    const z = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: ZADD\nkey: "TOPIC"\nscore_field: points\nvalue_field: name`, users(4), async (t) => (await redis.zcard(t)) === 4);
    assert.deepEqual(await redis.zrange(z, 0, -1, 'WITHSCORES'), ['user-0', '0', 'user-1', '1.5', 'user-2', '3', 'user-3', '4.5']);
  });

  it('XADD appends stream entries with the fields of each value', { timeout: 60_000 }, async () => {
    const topic = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: XADD\nkey: "TOPIC"`, users(30), async (t) => (await redis.xlen(t)) === 30, { delivery: 'exactly-once' });
    const entries = await redis.xrange(topic, '-', '+', 'COUNT', 1);
    assert.deepEqual(entries[0]?.[1], ['id', '0', 'name', 'user-0', 'points', '0', 'team', 't0']);
    assert.ok((await redis.hget(`sinkhub:offsets:${topic}`, `${topic}:0`)) === '30', 'offsets stored with the data');
  });

  it('PUBLISH reaches subscribers', { timeout: 60_000 }, async () => {
    const subscriber = new Redis(REDIS_URL);
    const received: string[] = [];
    const channel = uniqueName('chan');
    await subscriber.subscribe(channel);
    subscriber.on('message', (_, message: string) => received.push(message));
    await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: PUBLISH\nkey: "${channel}"\nvalue_field: name`, users(25), async () => received.length >= 25);
    await subscriber.quit();
    assert.deepEqual(received, users(25).map((_, i) => `user-${i}`));
  });

  it('a record Redis refuses (WRONGTYPE) goes to the dead-letter topic; the others are written', { timeout: 60_000 }, async () => {
    const prefix = uniqueName('wrongtype');
    await redis.set(`${prefix}:t1`, 'a string, not a set');
    const topic = await runSink(`type: redis\nurl: ${REDIS_URL}\ncommand: SADD\nkey: "${prefix}:{{ team }}"\nvalue_field: name`, users(9), async () => (await redis.scard(`${prefix}:t2`)) === 3, { dlq: 'TOPIC-dlq' });
    const letters = await readTopic(`${topic}-dlq`, 3);
    assert.deepEqual(letters.map((l) => l.key).sort(), ['u1', 'u4', 'u7']);
    assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'write' && /WRONGTYPE/.test(l.headers['sinkhub.error.message']!)));
    assert.equal(await redis.scard(`${prefix}:t0`), 3);
  });

  it('authenticates with an ACL user; a wrong password stops at start, naming the server', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-redis-'));
    writeFileSync(join(dir, 'password'), 'sinkhub-secret\n');
    await runSink(`type: redis\nurl: ${REDIS_URL}\nusername: sinkhub\npassword: "\${file:${join(dir, 'password')}}"\ncommand: SET\nkey: "TOPIC:{{ id }}"`, users(3), async (t) => (await redis.exists(`${t}:2`)) === 1);
    const topic = uniqueName('redis-auth');
    await createTopic(topic, 1);
    await expectStartFailure(pipelineYaml({ name: topic, topic, sink: `type: redis\nurl: ${REDIS_URL}\nusername: sinkhub\npassword: wrong-secret\ncommand: SET\nkey: k` }), new RegExp(`redis at ${hostPort(REDIS_URL)}: WRONGPASS`), ['wrong-secret']);
  });

  it('an unreachable server fails the start quickly, naming it', { timeout: 60_000 }, async () => {
    const topic = uniqueName('redis-unreachable');
    await createTopic(topic, 1);
    await expectStartFailure(pipelineYaml({ name: topic, topic, sink: 'type: redis\nurl: redis://127.0.0.1:1\nconnect_timeout_ms: 2000\ncommand: SET\nkey: k' }), /redis at 127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: redis
      command: POP
      key: k
  - name: q
    source: { topics: [t] }
    sink: { type: redis, command: PUBLISH, key: k, connect_timeout_ms: soon }
  - name: r
    source: { topics: [t] }
    sink: { type: redis, command: PUBLISH, key: k }
    delivery: exactly-once
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:16: pipelines\\[0\\]\\.sink\\.command: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:11:72: pipelines\\[1\\]\\.sink\\.connect_timeout_ms: .*expected number`));
    assert.match(result.stderr, new RegExp(`${file}:15:15: pipelines\\[2\\]\\.delivery: exactly-once is not available: PUBLISH is at-least-once at best`));
  });
});
