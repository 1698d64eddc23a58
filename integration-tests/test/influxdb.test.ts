/**
 * The influxdb connector against a real InfluxDB (v1 API): measurement templates, tags, listed
 * and default fields, timestamps and precision, replays overwriting points, points the server
 * refuses going to the dead-letter topic with its reason, bad options at validation, and a
 * wrong password, a missing database or an unreachable server named at start.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { INFLUXDB_DATABASE, INFLUXDB_PASSWORD, INFLUXDB_URL, INFLUXDB_USER, KAFKA_BROKERS, hostPort, requireServer } from '../src/env.js';
import { ident, influxQuery, influxRows, influxServer } from '../src/influxdb.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, validateYaml } from '../src/sinkhub-process.js';

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(influxServer.name, influxServer.address);
});

const v1 = `type: influxdb\napi: v1\nurl: ${INFLUXDB_URL}\ndatabase: ${INFLUXDB_DATABASE}\nusername: ${INFLUXDB_USER}\npassword: ${INFLUXDB_PASSWORD}`;
const BASE = 1_700_000_000_000;
const readings = (n: number, from = 0): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `s${(from + i) % 4}`, value: JSON.stringify({ host: `h${(from + i) % 4}`, dc: { name: 'eu 1' }, temp: 20 + (from + i) / 10, ok: (from + i) % 2 === 0, n: from + i, at: BASE + (from + i) * 1000, label: 'x' }) }));
const count = async (measurement: string, field = 'n') => Number((await influxRows(`SELECT COUNT(${field}) AS c FROM ${ident(measurement)}`))[0]?.['c'] ?? 0);
const valueOf = (m: TestMessage) => JSON.parse(String(m.value)) as Record<string, unknown>;

async function runSink(sink: string, messages: TestMessage[], done: (topic: string) => Promise<boolean>, extra: { dlq?: boolean; delivery?: 'exactly-once' | 'at-least-once' } = {}) {
  const topic = uniqueName('influx');
  await createTopic(topic, 1);
  await produce(topic, messages);
  const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink: sink.replaceAll('TOPIC', topic), delivery: extra.delivery ?? 'exactly-once', ...(extra.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }));
  await eventually(() => done(topic), 30_000, 'the points in InfluxDB');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return topic;
}

describe('influxdb connector', () => {
  it('measurement template, tags, default fields, a timestamp field in seconds', { timeout: 60_000 }, async () => {
    const topic = await runSink(`${v1}\nmeasurement: "{{ $topic }}"\ntags: [host, dc.name]\ntimestamp_field: at_s\nprecision: s`, readings(40).map((m) => ({ ...m, value: JSON.stringify({ ...valueOf(m), at_s: Math.floor(Number(valueOf(m)['at']) / 1000) }) })), async (t) => (await count(t)) === 40);
    const rows = await influxRows(`SELECT * FROM ${ident(topic)} WHERE host = 'h1' ORDER BY time LIMIT 1`);
    assert.deepEqual(rows, [{ time: BASE + 1000, host: 'h1', name: 'eu 1', temp: 20.1, ok: false, n: 1, at: BASE + 1000 }], 'strings are not default fields; the timestamp field is not a field');
    const tags = await influxQuery(`SHOW TAG KEYS FROM ${ident(topic)}`);
    assert.deepEqual(tags[0]?.values.flat(), ['host', 'name']);
  });

  it('listed fields with names; the Kafka timestamp by default; a replay overwrites, never adds', { timeout: 90_000 }, async () => {
    // Records produced together share a Kafka timestamp: a tag per record keeps their series apart
    // (points of one series and time overwrite each other, as the README says).
    const sink = `${v1}\nmeasurement: TOPIC\ntags: { site: host, seq: n }\nfields: { celsius: temp, label: label }`;
    const messages = readings(10);
    const topic = await runSink(sink, messages, async (t) => (await count(t, 'celsius')) === 10);
    const [first] = await influxRows(`SELECT * FROM ${ident(topic)} LIMIT 1`);
    assert.deepEqual(Object.keys(first!).sort(), ['celsius', 'label', 'seq', 'site', 'time']);
    // Everything again from the start, as after a crash, with one more field: it lands on the
    // same 10 points (same series and time) instead of adding 10.
    const replay = `${sink.replaceAll('TOPIC', topic)}`.replace('label: label', 'label: label, again: n');
    const again = SinkhubProcess.run(pipelineYaml({ name: `${topic}-replay`, topic, sink: replay }));
    await eventually(async () => (await count(topic, 'again')) === 10, 30_000, 'the replay written');
    again.kill('SIGTERM');
    assert.equal(await again.waitForExit(), 0);
    assert.equal((await influxRows(`SELECT * FROM ${ident(topic)}`)).length, 10);
    assert.equal(await count(topic, 'celsius'), 10);
  });

  it('points the server refuses go to the dead-letter topic with its reason; the rest are written', { timeout: 60_000 }, async () => {
    // `temp` is a float field; a string in it conflicts with the field's type.
    const messages = readings(100).map((m, i) => (i % 25 === 7 ? { key: m.key, value: JSON.stringify({ ...valueOf(m), temp: 'hot' }) } : m));
    const topic = await runSink(`${v1}\nmeasurement: TOPIC\nfields: [temp, n]\ntimestamp_field: at`, messages, async (t) => (await count(t)) >= 96, { dlq: true });
    const letters = await readTopic(`${topic}-dlq`, 4);
    assert.deepEqual(letters.map((l) => Number(l.headers['sinkhub.source.offset'])).sort((a, b) => a - b), [7, 32, 57, 82]);
    assert.ok(letters.every((l) => /HTTP 400: .*field type conflict/.test(l.headers['sinkhub.error.message']!)), letters[0]?.headers['sinkhub.error.message']);
    assert.equal(await count(topic), 96);
  });

  it('server time is at-least-once: refused for exactly-once, allowed otherwise', { timeout: 60_000 }, async () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }\npipelines:\n  - name: p\n    source: { topics: [t] }\n    sink: { type: influxdb, api: v1, database: d, measurement: m, server_time: true }\n    delivery: exactly-once\n`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pipelines\[0\]\.delivery: exactly-once is not available: with server_time each replayed record becomes a new point/);
    const before = Date.now();
    // The server gives every point of one write the same time: a tag per record keeps them apart.
    const topic = await runSink(`${v1}\nmeasurement: TOPIC\ntags: { seq: n }\nfields: [temp]\nserver_time: true`, readings(5), async (t) => (await count(t, 'temp')) === 5, { delivery: 'at-least-once' });
    const times = (await influxRows(`SELECT temp FROM ${ident(topic)}`)).map((r) => Number(r['time']));
    assert.ok(times.every((t) => t >= before - 5000), 'stamped by the server, now');
  });

  it('a wrong password, a missing database or an unreachable server stop the start quickly, naming the server', { timeout: 90_000 }, async () => {
    const topic = uniqueName('influx-start');
    await createTopic(topic, 1);
    const host = hostPort(INFLUXDB_URL);
    const cases: [string, RegExp][] = [
      [`type: influxdb\napi: v1\nurl: ${INFLUXDB_URL}\ndatabase: ${INFLUXDB_DATABASE}\nusername: ${INFLUXDB_USER}\npassword: wrong-secret\nmeasurement: m`, new RegExp(`influxdb at ${host} \\(database ${INFLUXDB_DATABASE}\\): HTTP 401: authorization failed`)],
      [`${v1.replace(`database: ${INFLUXDB_DATABASE}`, 'database: nope')}\nmeasurement: m`, new RegExp(`influxdb at ${host} \\(database nope\\): database "nope" does not exist`)],
      ['type: influxdb\napi: v1\nurl: http://127.0.0.1:1\ndatabase: d\nmeasurement: m', /influxdb at 127\.0\.0\.1:1 \(database d\): .*ECONNREFUSED/],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink }), expected, ['wrong-secret']);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: influxdb
      measurement: m
      precision: minutes
  - name: q
    source: { topics: [t] }
    sink: { type: influxdb, api: v1, measurement: m, database: d, bucket: b }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:8:18: pipelines\\[0\\]\\.sink\\.precision: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:11:\\d+: pipelines\\[1\\]\\.sink\\.bucket: bucket is for the v2 API \\(api: v2\\)`));
  });
});
