/**
 * The elasticsearch connector against a real Elasticsearch: indices from templates, each id
 * source and action, tombstones, replays, documents the server refuses going to the dead-letter
 * topic with its reason, an index template applied at start, bulk requests in flight at once,
 * bad options at validation, and an unreachable server named at start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { ELASTICSEARCH_PASSWORD, ELASTICSEARCH_SECURE_CA, ELASTICSEARCH_SECURE_URL, ELASTICSEARCH_URL, ELASTICSEARCH_USER, KAFKA_BROKERS, hostPort, requireServer } from '../src/env.js';
import { closeEs, docCount, elasticsearchServer, es, fieldValues } from '../src/elasticsearch.js';
import { committedOffsets, createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, validateYaml } from '../src/sinkhub-process.js';

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(elasticsearchServer.name, elasticsearchServer.address);
});
after(closeEs);

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 10, 1);
const events = (n: number): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `u${i % 10}`, value: JSON.stringify({ n: i, user: `u${i % 10}`, ts: BASE + (i % 3) * DAY, msg: `event ${i}` }) }));
const nodes = `nodes: [${ELASTICSEARCH_URL}]`;

/** Runs `sink` over `topic` again from the start in a new group, until it committed all `records`. */
async function replay(sink: string, topic: string, records: number, dlq = false) {
  const name = `${topic}-replay`;
  const proc = SinkhubProcess.run(pipelineYaml({ name, topic, sink: sink.replaceAll('TOPIC', topic), maxRecords: 500, ...(dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }));
  await eventually(async () => (await committedOffsets(`sinkhub-${name}`, topic)).get(0) === records, 30_000, 'the replay written and committed');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return proc;
}

async function runSink(sink: string, messages: TestMessage[], done: (topic: string) => Promise<boolean>, extra: { dlq?: boolean; delivery?: 'exactly-once' | 'at-least-once'; topic?: string } = {}) {
  const topic = extra.topic ?? uniqueName('es');
  if (!extra.topic) {
    await createTopic(topic, 1);
    await produce(topic, messages);
  }
  const proc = SinkhubProcess.run(pipelineYaml({ name: `${topic}-${Date.now().toString(36)}`, topic, sink: sink.replaceAll('TOPIC', topic), delivery: extra.delivery ?? 'exactly-once', maxRecords: 500, ...(extra.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }));
  await eventually(() => done(topic), 30_000, 'the documents in Elasticsearch');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return { topic, proc };
}

describe('elasticsearch connector', () => {
  it('daily indices from a timestamp field; offset ids; a replay overwrites instead of adding', { timeout: 90_000 }, async () => {
    const sink = `type: elasticsearch\n${nodes}\nindex: "TOPIC-{{ $fromMillis(ts, '[Y0001].[M01].[D01]') }}"`;
    const { topic } = await runSink(sink, events(30), async (t) => (await docCount(`${t}-*`)) === 30);
    const indices = (await es().cat.indices({ index: `${topic}-*`, format: 'json' })).map((i) => i.index).sort();
    assert.deepEqual(indices, [`${topic}-2026.11.01`, `${topic}-2026.11.02`, `${topic}-2026.11.03`]);
    const doc = await es().get({ index: `${topic}-2026.11.02`, id: `${topic}-0-1` });
    assert.deepEqual(doc._source, { n: 1, user: 'u1', ts: BASE + DAY, msg: 'event 1' });
    // The same records again from the start (a new group, as after losing the offsets).
    await replay(sink, topic, 30);
    assert.equal(await docCount(`${topic}-*`), 30);
  });

  it('ids from the key: update merges as upsert, tombstones delete', { timeout: 90_000 }, async () => {
    const messages: TestMessage[] = [...events(20), { key: 'u3', value: JSON.stringify({ vip: true }) }, { key: 'u4', value: null }];
    const { topic } = await runSink(`type: elasticsearch\n${nodes}\nindex: TOPIC\naction: update\nid: key`, messages, async (t) => (await docCount(t)) === 9);
    const u3 = await es().get({ index: topic, id: 'u3' });
    assert.deepEqual(u3._source, { n: 13, user: 'u3', ts: BASE + DAY, msg: 'event 13', vip: true }, 'the later update merged into the upserted document');
    assert.equal((await es().exists({ index: topic, id: 'u4' })), false, 'the tombstone deleted u4');
  });

  it('create with deterministic ids: a replay finds its documents and is not an error', { timeout: 90_000 }, async () => {
    const sink = `type: elasticsearch\n${nodes}\nindex: TOPIC\naction: create\nid: field\nid_field: n`;
    const { topic } = await runSink(sink, events(50), async (t) => (await docCount(t)) === 50, { dlq: true });
    const proc = await replay(sink, topic, 50, true);
    assert.equal(await docCount(topic), 50);
    assert.ok(!proc.logs.some((l) => l.msg === 'some records failed; retrying them'));
    assert.ok(!proc.logs.some((l) => l.msg === 'dead-lettered' || /dead.letter/i.test(l.msg)), 'nothing dead-lettered');
    assert.deepEqual(await readTopic(`${topic}-dlq`, 1, 3000).catch(() => []), [], 'the dead-letter topic is empty');
  });

  it('documents the server refuses go to the dead-letter topic with its reason; the rest are written', { timeout: 90_000 }, async () => {
    const topic = uniqueName('es-refused');
    await es().indices.create({ index: topic, mappings: { properties: { n: { type: 'long' }, ts: { type: 'date' } } } });
    await createTopic(topic, 1);
    await produce(topic, events(200).map((m, i) => (i % 50 === 5 ? { key: m.key, value: JSON.stringify({ n: 'not a number', ts: BASE }) } : m)));
    await runSink(`type: elasticsearch\n${nodes}\nindex: TOPIC`, [], async (t) => (await docCount(t)) === 196, { dlq: true, topic });
    const letters = await readTopic(`${topic}-dlq`, 4);
    assert.deepEqual(letters.map((l) => Number(l.headers['sinkhub.source.offset'])).sort((a, b) => a - b), [5, 55, 105, 155]);
    assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'write' && /400 document_parsing_exception: .*failed to parse field \[n\] of type \[long\]/.test(l.headers['sinkhub.error.message']!)), letters[0]?.headers['sinkhub.error.message']);
  });

  it('applies an index template at start; bulk requests go several at a time', { timeout: 90_000 }, async () => {
    const prefix = uniqueName('es-tpl');
    const template = JSON.stringify({ name: prefix, body: { index_patterns: [`${prefix}*`], template: { mappings: { properties: { user: { type: 'keyword' }, msg: { type: 'text' } } } } } });
    const { topic } = await runSink(`type: elasticsearch\n${nodes}\nindex: "${prefix}-TOPIC"\nindex_template: ${template}\nmax_bulk_actions: 50\nconcurrent_requests: 4`, events(1000), async (t) => (await docCount(`${prefix}-${t}`)) === 1000);
    const mapping = await es().indices.getMapping({ index: `${prefix}-${topic}` });
    assert.equal((mapping[`${prefix}-${topic}`]?.mappings.properties?.['user'] as { type: string }).type, 'keyword');
    const ns = await fieldValues(`${prefix}-${topic}`, 'n');
    assert.deepEqual([ns.length, new Set(ns).size], [1000, 1000]);
  });

  it('data streams (action create, from an index template) and an ingest pipeline', { timeout: 90_000 }, async () => {
    const stream = uniqueName('logs-sinkhub');
    const template = JSON.stringify({ name: stream, body: { index_patterns: [stream], data_stream: {}, priority: 500 } });
    const pipeline = uniqueName('sinkhub-pipeline');
    await es().ingest.putPipeline({ id: pipeline, description: 'no processors: this distribution has none', processors: [] });
    const messages = events(40).map((m) => ({ key: m.key, value: JSON.stringify({ ...(JSON.parse(String(m.value)) as object), '@timestamp': new Date(BASE).toISOString() }) }));
    await runSink(`type: elasticsearch\n${nodes}\nindex: "${stream}"\naction: create\npipeline: ${pipeline}\nindex_template: ${template}`, messages, async () => (await docCount(stream)) === 40);
    // `_resolve/index`: this distribution has no GET `_data_stream`.
    const resolved = await es().indices.resolveIndex({ name: stream, expand_wildcards: 'all' });
    assert.equal(resolved.data_streams[0]?.name, stream, 'the documents went into a data stream');
    assert.ok(resolved.data_streams[0]!.backing_indices[0]!.startsWith(`.ds-${stream}`), 'backed by .ds- indices');
  });

  it('id: none is at-least-once: refused for exactly-once, allowed otherwise', { timeout: 60_000 }, async () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }\npipelines:\n  - name: p\n    source: { topics: [t] }\n    sink: { type: elasticsearch, index: i, id: none }\n    delivery: exactly-once\n`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pipelines\[0\]\.delivery: exactly-once is not available: with id: none the server gives each write a new id/);
    const { topic } = await runSink(`type: elasticsearch\n${nodes}\nindex: TOPIC\nid: none`, events(10), async (t) => (await docCount(t)) === 10, { delivery: 'at-least-once' });
    const hit = await es().search({ index: topic, size: 1 });
    assert.ok(!hit.hits.hits[0]!._id!.startsWith(topic), 'a server-generated id');
  });

  it('security on: basic auth and TLS with a CA file; a wrong password or an unknown CA stop the start, naming the server', { timeout: 120_000 }, async () => {
    await requireServer('Elasticsearch (security on)', hostPort(ELASTICSEARCH_SECURE_URL));
    const secure = new Client({ node: ELASTICSEARCH_SECURE_URL, auth: { username: ELASTICSEARCH_USER, password: ELASTICSEARCH_PASSWORD }, tls: { ca: readFileSync(ELASTICSEARCH_SECURE_CA, 'utf8') } });
    const count = async (index: string) => {
      try {
        await secure.indices.refresh({ index });
        return (await secure.count({ index })).count;
      } catch {
        return 0;
      }
    };
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-es-'));
    writeFileSync(join(dir, 'password'), `${ELASTICSEARCH_PASSWORD}\n`);
    const base = `type: elasticsearch\nnodes: [${ELASTICSEARCH_SECURE_URL}]\nindex: TOPIC\nusername: ${ELASTICSEARCH_USER}`;
    try {
      await runSink(`${base}\npassword: "\${file:${join(dir, 'password')}}"\ntls: { ca_file: ${ELASTICSEARCH_SECURE_CA} }`, events(20), async (t) => (await count(t)) === 20);
      const topic = uniqueName('es-secure-refused');
      await createTopic(topic, 1);
      const cases: [string, RegExp][] = [
        [`${base}\npassword: wrong-secret\ntls: { ca_file: ${ELASTICSEARCH_SECURE_CA} }`, new RegExp(`elasticsearch at ${hostPort(ELASTICSEARCH_SECURE_URL)}: HTTP 401: security_exception unable to authenticate user \\[${ELASTICSEARCH_USER}\\]`)],
        [`${base}\npassword: ${ELASTICSEARCH_PASSWORD}\nrequest_timeout_ms: 5000`, new RegExp(`elasticsearch at ${hostPort(ELASTICSEARCH_SECURE_URL)}: .*(certificate|self.signed)`, 'i')],
      ];
      for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink: sink.replaceAll('TOPIC', topic) }), expected, ['wrong-secret', ELASTICSEARCH_PASSWORD]);
    } finally {
      await secure.close();
    }
  });

  it('an unreachable server fails the start quickly, naming it; bad options are refused at validation', { timeout: 60_000 }, async () => {
    const topic = uniqueName('es-unreachable');
    await createTopic(topic, 1);
    await expectStartFailure(pipelineYaml({ name: topic, topic, sink: 'type: elasticsearch\nnodes: [http://127.0.0.1:1]\nindex: i\nrequest_timeout_ms: 3000' }), /elasticsearch at 127\.0\.0\.1:1: .*ECONNREFUSED/);

    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }\npipelines:\n  - name: p\n    source: { topics: [t] }\n    sink:\n      type: elasticsearch\n      index: i\n      action: upsert\n  - name: q\n    source: { topics: [t] }\n    sink: { type: elasticsearch, index: i, id: field }\n`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:8:15: pipelines\\[0\\]\\.sink\\.action: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:11:\\d+: pipelines\\[1\\]\\.sink\\.id_field: id: field needs an id_field`));
  });
});
