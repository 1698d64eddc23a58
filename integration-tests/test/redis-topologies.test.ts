/**
 * The redis connector against the topologies beyond one server: a 3-master cluster (keys spread
 * over slots), a master found through a sentinel (exactly-once RPUSH), and a TLS-only server
 * (verified with a CA file; refused without it).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { KAFKA_BROKERS, REDIS_CLUSTER_NODES, REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_TLS_CA, REDIS_TLS_URL, hostPort, requireServer } from '../src/env.js';
import { createTopic, produce, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, validateYaml } from '../src/sinkhub-process.js';

const toHost = (node: string) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) });
const cluster = new Cluster(REDIS_CLUSTER_NODES.map(toHost), { lazyConnect: true });
const viaSentinel = new Redis({ sentinels: REDIS_SENTINELS.map(toHost), name: REDIS_SENTINEL_MASTER, lazyConnect: true });
for (const client of [cluster, viaSentinel]) client.on('error', () => undefined);

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer('Redis cluster', REDIS_CLUSTER_NODES[0]!);
  await requireServer('Redis sentinel', REDIS_SENTINELS[0]!);
  await requireServer('Redis (TLS)', hostPort(REDIS_TLS_URL));
});
after(async () => {
  cluster.disconnect();
  viaSentinel.disconnect();
});

const users = (n: number): TestMessage[] => Array.from({ length: n }, (_, i) => ({ key: `u${i}`, value: JSON.stringify({ id: i, name: `user-${i}` }) }));

async function runSink(sink: string, messages: TestMessage[], done: (topic: string) => Promise<boolean>, delivery: 'exactly-once' | 'at-least-once') {
  const topic = uniqueName('redis-topo');
  await createTopic(topic, 2);
  await produce(topic, messages, 2);
  const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink: sink.replaceAll('TOPIC', topic), delivery, maxRecords: 500 }));
  await eventually(() => done(topic), 30_000, 'the records in Redis');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return topic;
}

const nodes = `nodes: [${REDIS_CLUSTER_NODES.join(', ')}]`;

describe('redis topologies', () => {
  it('cluster: SET and HSET over keys in every slot range; RPUSH at-least-once', { timeout: 90_000 }, async () => {
    const RECORDS = 2000;
    const set = await runSink(`type: redis\nmode: cluster\n${nodes}\ncommand: SET\nkey: "TOPIC:{{ id }}"\nvalue_field: name`, users(RECORDS), async (t) => (await cluster.exists(`${t}:${RECORDS - 1}`)) === 1, 'exactly-once');
    const values = await Promise.all(Array.from({ length: RECORDS }, (_, i) => cluster.get(`${set}:${i}`)));
    assert.deepEqual(values, users(RECORDS).map((_, i) => `user-${i}`));
    const masters = cluster.nodes('master');
    const perNode = await Promise.all(masters.map((m) => m.dbsize()));
    assert.ok(perNode.length === 3 && perNode.every((n) => n > 0), `keys on every master: ${perNode.join(', ')}`);

    const hset = await runSink(`type: redis\nmode: cluster\n${nodes}\ncommand: HSET\nkey: "TOPIC:{{ id }}"`, users(300), async (t) => (await cluster.exists(`${t}:299`)) === 1, 'exactly-once');
    assert.deepEqual(await cluster.hgetall(`${hset}:42`), { id: '42', name: 'user-42' });

    const list = await runSink(`type: redis\nmode: cluster\n${nodes}\ncommand: RPUSH\nkey: "TOPIC:{{ $partition }}"`, users(400), async (t) => (await cluster.llen(`${t}:0`)) + (await cluster.llen(`${t}:1`)) >= 400, 'at-least-once');
    assert.equal((await cluster.llen(`${list}:0`)) + (await cluster.llen(`${list}:1`)), 400);
  });

  it('cluster: exactly-once RPUSH is refused when the file is loaded', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }\npipelines:\n  - name: p\n    source: { topics: [t] }\n    sink: { type: redis, mode: cluster, ${nodes}, command: RPUSH, key: k }\n    delivery: exactly-once\n`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pipelines\[0\]\.delivery: exactly-once is not available: RPUSH in cluster mode/);
  });

  it('sentinel: finds the master and appends exactly once, offsets stored with the data', { timeout: 60_000 }, async () => {
    const topic = await runSink(
      `type: redis\nmode: sentinel\nnodes: [${REDIS_SENTINELS.join(', ')}]\nmaster_name: ${REDIS_SENTINEL_MASTER}\ncommand: RPUSH\nkey: "TOPIC"\nvalue_field: id`,
      users(1000),
      async (t) => (await viaSentinel.llen(t)) >= 1000,
      'exactly-once',
    );
    const ids = (await viaSentinel.lrange(topic, 0, -1)).map(Number);
    assert.deepEqual([ids.length, new Set(ids).size], [1000, 1000]);
    const offsets = await viaSentinel.hgetall(`sinkhub:offsets:${topic}`);
    assert.equal(Number(offsets[`${topic}:0`]) + Number(offsets[`${topic}:1`]), 1000);
  });

  it('TLS: verified with a CA file; without it the start fails quickly, naming the server', { timeout: 60_000 }, async () => {
    const tlsClient = new Redis(REDIS_TLS_URL, { tls: { ca: (await import('node:fs')).readFileSync(REDIS_TLS_CA, 'utf8') } });
    try {
      await runSink(`type: redis\nurl: ${REDIS_TLS_URL}\ntls: { ca_file: ${REDIS_TLS_CA} }\ncommand: SET\nkey: "TOPIC:{{ id }}"`, users(20), async (t) => (await tlsClient.exists(`${t}:19`)) === 1, 'exactly-once');
    } finally {
      tlsClient.disconnect();
    }
    const topic = uniqueName('redis-tls-refused');
    await createTopic(topic, 1);
    const started = Date.now();
    const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink: `type: redis\nurl: ${REDIS_TLS_URL}\nconnect_timeout_ms: 3000\ncommand: SET\nkey: k` }));
    assert.equal(await proc.waitForExit(30_000), 1);
    assert.ok(Date.now() - started < 20_000, 'no hang');
    assert.match(String(proc.logs.find((l) => l.msg === 'could not start')?.['err']), new RegExp(`redis at ${hostPort(REDIS_TLS_URL)}: .*(certificate|self.signed)`, 'i'));
  });
});
