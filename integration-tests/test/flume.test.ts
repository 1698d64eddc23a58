/**
 * The flume connector against a real Flume 1.11 agent (services/flume.sh): event headers from
 * Kafka headers, record metadata and templates; body templates, charsets and base64 bodies; a
 * handler that refuses requests for one event (400: the refused events are found by splitting and
 * dead-lettered, the others written once); a channel whose transactionCapacity is below the
 * request size (503: requests shrink to it); the HTTPS source; start errors naming the agent; bad
 * options at validation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FLUME_OUTPUT_DIR, FLUME_STRICT_OUTPUT_DIR, FLUME_STRICT_URL, FLUME_TLS_CA, FLUME_TLS_URL, FLUME_URL, KAFKA_BROKERS, hostPort, requireServer } from '../src/env.js';
import { FlumeOutput, flumeServer } from '../src/flume.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml, type PipelineOptions } from '../src/pipelines.js';
import { type SinkhubProcess, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

const main = new FlumeOutput(FLUME_OUTPUT_DIR);
const strict = new FlumeOutput(FLUME_STRICT_OUTPUT_DIR);

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(flumeServer.name, flumeServer.address);
  await requireServer('Flume (refusing handler)', hostPort(FLUME_STRICT_URL));
  await requireServer('Flume (HTTPS)', hostPort(FLUME_TLS_URL));
});

/** Runs a pipeline until `done`, then stops it cleanly. */
async function run(o: PipelineOptions & { format?: string }, done: () => Promise<boolean>, what: string): Promise<SinkhubProcess> {
  let yaml = pipelineYaml(o);
  if (o.format) yaml = yaml.replace(`topics: [${o.topic}]`, `topics: [${o.topic}]\n      format: ${o.format}`);
  return runUntil(yaml, done, what);
}

describe('flume connector', () => {
  it('event headers from Kafka headers, the record’s metadata and templates; the consumed value as body; tombstones skipped', { timeout: 90_000 }, async () => {
    const topic = uniqueName('flume-headers');
    await createTopic(topic, 1);
    const values = Array.from({ length: 5 }, (_, i) => `{"id": ${i},  "host": "web-${i}", "msg": "hello ${i}"}`);
    await produce(topic, [...values.map((value, i) => ({ key: `k${i}`, value, headers: { trace: `t${i}` } })), { key: 'gone', value: null }]);
    const sink = `type: flume\nurl: ${FLUME_URL}\nheaders:\n  host: "{{ host }}"\n  trace_copy: "{{ $headers.trace }}"`;
    await run({ name: topic, topic, sink, delivery: 'at-least-once' }, async () => (await main.events(topic)).length >= 5, '5 events');
    const events = await main.events(topic);
    assert.equal(events.length, 5, 'the tombstone is skipped');
    const third = events.find((e) => e.headers['offset'] === '2')!;
    assert.equal(third.body, values[2], 'the consumed bytes, as they were');
    const { timestamp, ...headers } = third.headers;
    assert.deepEqual(headers, { topic, partition: '0', offset: '2', key: 'k2', trace: 't2', host: 'web-2', trace_copy: 't2' });
    assert.ok(Math.abs(Number(timestamp) - Date.now()) < 120_000, `the Kafka timestamp in ms (${timestamp})`);

    // A body template, no Kafka headers; the topic header from a template (the metadata ones are off).
    const templated = uniqueName('flume-body');
    await createTopic(templated, 1);
    await produce(templated, values.map((value) => ({ value, headers: { trace: 'x' } })));
    const bodySink = `type: flume\nurl: ${FLUME_URL}\nbody: "{{ host }} says {{ msg }}"\nkafka_headers: false\nmetadata_headers: false\nheaders: { topic: "{{ $topic }}", id: "{{ id }}" }`;
    await run({ name: templated, topic: templated, sink: bodySink, delivery: 'at-least-once' }, async () => (await main.events(templated)).length >= 5, '5 templated events');
    const bodies = await main.events(templated);
    assert.deepEqual(bodies.map((e) => [e.headers, e.body]), values.map((_, i) => [{ topic: templated, id: String(i) }, `web-${i} says hello ${i}`]));
  });

  it('a refused event (400 for its whole request) is found by splitting and dead-lettered; requests shrink to the channel’s transactionCapacity; nothing is written twice', { timeout: 90_000 }, async () => {
    const topic = uniqueName('flume-refuse');
    const dlq = `${topic}-dlq`;
    await createTopic(topic, 1);
    // 7 and 27 refuse every request of the first 50 down to small ones; 50-74 is then a clean
    // request of 25 events, which the channel cannot take in one transaction.
    const refused = [7, 27, 90];
    const messages: TestMessage[] = Array.from({ length: 100 }, (_, i) => ({
      key: String(i),
      value: JSON.stringify({ id: i }),
      ...(refused.includes(i) && { headers: { refuse: `bad-${i}` } }),
    }));
    await produce(topic, messages);
    // The strict source's memory channel takes 20 events per transaction: 50-event requests get 503.
    const sink = `type: flume\nurl: ${FLUME_STRICT_URL}\nmax_events_per_request: 50`;
    const proc = await run({ name: topic, topic, sink, delivery: 'at-least-once', maxRecords: 100, tolerance: 'all', deadLetterTopic: dlq }, async () => (await strict.events(topic)).length >= 97, '97 events');
    const letters = await readTopic(dlq, refused.length);
    assert.deepEqual(letters.map((l) => Number(l.headers['sinkhub.source.offset'])).sort((a, b) => a - b), refused);
    const host = hostPort(FLUME_STRICT_URL).replace(/\./g, '\\.');
    for (const l of letters) {
      assert.match(l.headers['sinkhub.error.message']!, new RegExp(`^refused by flume at ${host}: HTTP 400: Bad request from client\\. event refused: bad-${l.headers['sinkhub.source.offset']}$`));
      assert.equal(l.headers['sinkhub.error.stage'], 'write');
    }
    const ids = await strict.ids(topic);
    assert.deepEqual([...ids].sort((a, b) => a - b), [...Array(100).keys()].filter((i) => !refused.includes(i)), 'each accepted event once: a refused request commits nothing');
    const shrunk = proc.logs.find((l) => l.msg.startsWith('the channel takes fewer events per transaction'));
    assert.equal(shrunk?.['capacity'], 20);
  });

  it('charsets and base64: UTF-16 bodies are stored as UTF-16; binary values travel as base64', { timeout: 90_000 }, async () => {
    const topic = uniqueName('flume-utf16');
    await createTopic(topic, 1);
    await produce(topic, [{ value: 'héllo wörld ✓' }]);
    await run({ name: topic, topic, sink: `type: flume\nurl: ${FLUME_URL}\ncharset: UTF-16`, delivery: 'at-least-once', format: 'string' }, async () => (await main.events(topic)).length >= 1, 'the UTF-16 event');
    // Java's UTF-16 encoder: a byte-order mark, then big-endian.
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('héllo wörld ✓', 'utf16le').swap16()]);
    assert.ok((await main.bytes()).includes(utf16), 'the body in UTF-16 in the output');

    const binary = uniqueName('flume-base64');
    await createTopic(binary, 1);
    await produce(binary, [{ value: Buffer.from([0xff, 0x00, 0x10, 0x80]) }]);
    await run({ name: binary, topic: binary, sink: `type: flume\nurl: ${FLUME_URL}\nbody_encoding: base64`, delivery: 'at-least-once', format: 'bytes' }, async () => (await main.events(binary)).length >= 1, 'the base64 event');
    assert.equal((await main.events(binary))[0]!.body, Buffer.from([0xff, 0x00, 0x10, 0x80]).toString('base64'));
  });

  it('HTTPS to a source with ssl = true, trusting its CA', { timeout: 60_000 }, async () => {
    const topic = uniqueName('flume-tls');
    await createTopic(topic, 1);
    await produce(topic, Array.from({ length: 20 }, (_, i) => ({ value: JSON.stringify({ id: i }) })));
    await run({ name: topic, topic, sink: `type: flume\nurl: ${FLUME_TLS_URL}\ntls: { ca_file: ${JSON.stringify(FLUME_TLS_CA)} }`, delivery: 'at-least-once' }, async () => (await main.events(topic)).length >= 20, '20 events over HTTPS');
    assert.deepEqual((await main.ids(topic)).sort((a, b) => a - b), [...Array(20).keys()]);
  });

  it('an unreachable agent, an untrusted certificate or a server that is not HTTP stop the start quickly, naming the agent', { timeout: 90_000 }, async () => {
    const topic = uniqueName('flume-start');
    await createTopic(topic, 1);
    const tlsHost = hostPort(FLUME_TLS_URL).replace(/\./g, '\\.');
    const kafka = KAFKA_BROKERS[0]!;
    const cases: [string, RegExp][] = [
      ['type: flume\nurl: http://127.0.0.1:1', /flume at 127\.0\.0\.1:1: .*ECONNREFUSED/],
      [`type: flume\nurl: ${FLUME_TLS_URL}`, new RegExp(`flume at ${tlsHost}: .*(SELF_SIGNED|self-signed|UNABLE_TO_VERIFY|unable to verify)`)],
      [`type: flume\nurl: http://${kafka}`, new RegExp(`flume at ${kafka.replace(/\./g, '\\.')}: `)],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once' }), expected);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: flume
      url: tcp://127.0.0.1:5140
      charset: latin1
      max_events_per_request: "100"
  - name: q
    source: { topics: [t] }
    sink: { type: flume, url: "http://127.0.0.1:5140", tls: { ca_file: ca.pem }, headers: { h: "{{ unclosed" } }
  - name: r
    source: { topics: [t] }
    sink: { type: flume }
    delivery: exactly-once
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:12: pipelines\\[0\\]\\.sink\\.url: an http:// or https:// URL`));
    assert.match(result.stderr, new RegExp(`${file}:8:16: pipelines\\[0\\]\\.sink\\.charset: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:9:31: pipelines\\[0\\]\\.sink\\.max_events_per_request: Invalid input: expected number, received string`));
    assert.match(result.stderr, /pipelines\[1\]\.sink\.tls: TLS needs an https:\/\/ url/);
    assert.match(result.stderr, /pipelines\[1\]\.sink\.headers\.h: invalid template/);
    assert.match(result.stderr, /pipelines\[2\]\.delivery: exactly-once is not available: the flume connector is at-least-once only/);
  });
});
