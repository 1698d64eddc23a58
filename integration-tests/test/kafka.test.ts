/**
 * The kafka connector against real clusters (the shared one and services/kafka-target.sh):
 * topic templates with key, headers and timestamp kept and partitions kept; murmur2 partitions
 * as the Java client places them; gzip and snappy on the wire; same-cluster exactly-once through
 * SIGKILLs (offsets in the consumer group); a too-large record aborting its transaction and going
 * to the dead-letter topic; zombie fencing; start errors naming the cluster; bad options.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type IHeaders } from 'kafkajs';
// @ts-expect-error kafkajs-snappy ships no types (its codec factory is all this needs)
import SnappyCodec from 'kafkajs-snappy';
import { FencedError, createLogger, type SinkRecord } from '@sinkhub/core';
import { KafkaSink, kafkaSinkOptions } from '@sinkhub/kafka';
import { KAFKA_BROKERS, KAFKA_TARGET_BROKERS, requireServer } from '../src/env.js';
import { committedOffsets, createTopic, jsonEvents, kafka, produce, produceOverTime, readTopic, uniqueName } from '../src/kafka.js';
import { TopicCollector, createTopicOn, fetchedBytes, kafkaTargetServer, targetClusterYaml, targetKafka } from '../src/kafka-target.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

// This process reads the snappy topic back too.
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = SnappyCodec;

const collectors: TopicCollector[] = [];
const collect = async (on: kafkajs.Kafka, topic: string, options?: { readUncommitted?: boolean }) => {
  const c = await TopicCollector.start(on, topic, options);
  collectors.push(c);
  return c;
};

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(kafkaTargetServer.name, kafkaTargetServer.address);
});
after(async () => {
  for (const c of collectors) await c.stop();
});

const text = (headers: IHeaders, name: string) => (headers[name] as Buffer | undefined)?.toString('hex');

describe('kafka connector', () => {
  it('topics from a template on the same cluster, key, headers and timestamp kept, partitions kept; a missing topic dead-lettered', { timeout: 90_000 }, async () => {
    const topic = uniqueName('kafka-tpl');
    await createTopic(topic, 2);
    await createTopic(`${topic}-a`, 2);
    await createTopic(`${topic}-b`, 2);
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({
        key: `key-${i}`,
        value: JSON.stringify({ id: i, kind: ['a', 'b', 'zz'][i % 3] }),
        partition: i % 2,
        timestamp: String(1_600_000_000_000 + i),
        headers: { trace: `t${i}`, bin: Buffer.from([0, 255, i]) },
      })),
    });
    await producer.disconnect();
    const [a, b] = [await collect(kafka, `${topic}-a`), await collect(kafka, `${topic}-b`)];
    await runUntil(
      pipelineYaml({ name: topic, topic, sink: `type: kafka\ntopic: "{{ $topic }}-{{ kind }}"`, delivery: 'at-least-once', tolerance: 'all', deadLetterTopic: `${topic}-dlq` }),
      () => a.messages().length === 10 && b.messages().length === 10,
      '20 records in the two topics',
    );
    for (const m of [...a.messages(), ...b.messages()]) {
      const id = (JSON.parse(m.value!.toString()) as { id: number }).id;
      assert.equal(m.key?.toString(), `key-${id}`);
      assert.equal(m.partition, id % 2, 'source partition kept');
      assert.equal(m.timestamp, 1_600_000_000_000 + id, 'timestamp kept');
      assert.equal(m.headers['trace']?.toString(), `t${id}`);
      assert.equal(text(m.headers, 'bin'), Buffer.from([0, 255, id]).toString('hex'), 'binary header kept byte for byte');
    }
    assert.deepEqual(a.ids().sort((x, y) => x - y), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    const letters = await readTopic(`${topic}-dlq`, 10);
    assert.equal(letters.length, 10);
    assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'write'));
    assert.match(letters[0]!.headers['sinkhub.error.message']!, new RegExp(`topic ${topic}-zz does not exist on 127\\.0\\.0\\.1:\\d+ \\(create it, or set create_topics\\)`));
  });

  it('partition: hash places keys as the Java client does; created topics; gzip and snappy on the wire', { timeout: 120_000 }, async () => {
    const topic = uniqueName('kafka-hash');
    await createTopic(topic, 1);
    const pad = 'the same words again and again, '.repeat(8);
    await produce(topic, Array.from({ length: 2000 }, (_, i) => ({ key: `k${i % 10}`, value: JSON.stringify({ id: i, pad }) })));
    const pipelines = (['none', 'gzip', 'snappy'] as const)
      .map(
        (codec) => `  - name: ${topic}-${codec}
    source: { topics: [${topic}], session_timeout_ms: 6000 }
    sink: { type: kafka, topic: "{{ $topic }}-${codec}", partition: hash, compression: ${codec}, create_topics: { partitions: 3 }, ${targetClusterYaml} }
    batching: { max_records: 500, max_wait_ms: 50 }`,
      )
      .join('\n');
    const yaml = `kafka: { brokers: [${KAFKA_BROKERS.join(', ')}] }\nhttp: false\npipelines:\n${pipelines}\n`;
    const proc = SinkhubProcess.run(yaml);
    const admin = targetKafka.admin();
    await admin.connect();
    try {
      await eventually(async () => (await admin.listTopics()).filter((t) => t.startsWith(`${topic}-`)).length === 3, 45_000, 'the three topics created');
    } finally {
      await admin.disconnect();
    }
    const sinks = { none: await collect(targetKafka, `${topic}-none`), gzip: await collect(targetKafka, `${topic}-gzip`), snappy: await collect(targetKafka, `${topic}-snappy`) };
    await eventually(() => Object.values(sinks).every((c) => c.messages().length === 2000), 60_000, '2000 records in each topic');
    proc.kill('SIGTERM');
    assert.equal(await proc.waitForExit(), 0);
    assert.ok(proc.logs.some((l) => l.msg === 'created topic' && l['topic'] === `${topic}-gzip`));

    // From org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 3.9.1), modulo 3 partitions.
    const java: Record<string, number> = { k0: 2, k1: 2, k2: 0, k3: 1, k4: 1, k5: 0, k6: 1, k7: 1, k8: 2, k9: 2 };
    for (const c of Object.values(sinks)) {
      const partitions = new Set(c.messages().map((m) => m.partition));
      assert.deepEqual([...partitions].sort(), [0, 1, 2]);
      for (const m of c.messages()) assert.equal(m.partition, java[m.key!.toString()], `partition of ${m.key}`);
    }
    const values = (c: TopicCollector) => c.messages().map((m) => m.value!.toString()).sort();
    assert.deepEqual(values(sinks.gzip), values(sinks.none));
    assert.deepEqual(values(sinks.snappy), values(sinks.none));
    const [none, gzip, snappy] = [await fetchedBytes(KAFKA_TARGET_BROKERS, `${topic}-none`, 2000), await fetchedBytes(KAFKA_TARGET_BROKERS, `${topic}-gzip`, 2000), await fetchedBytes(KAFKA_TARGET_BROKERS, `${topic}-snappy`, 2000)];
    assert.ok(gzip * 4 < none, `gzip: ${gzip} bytes fetched vs ${none} uncompressed`);
    assert.ok(snappy * 2 < none, `snappy: ${snappy} bytes fetched vs ${none} uncompressed`);
    // librdkafka (kcat) decodes both codecs too.
    for (const codec of ['gzip', 'snappy']) {
      const out = execFileSync('kcat', ['-b', KAFKA_TARGET_BROKERS[0]!, '-C', '-t', `${topic}-${codec}`, '-e', '-q', '-f', '%s\n'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      assert.equal(out.trim().split('\n').length, 2000, `kcat reads ${codec}`);
    }
  });

  it('exactly-once on the same cluster: SIGKILLs mid-stream, read_committed sees each record once, the group holds the offsets', { timeout: 300_000 }, async () => {
    const RECORDS = 20_000;
    const topic = uniqueName('kafka-eos');
    await createTopic(topic, 3);
    await createTopic(`${topic}-copy`, 3);
    const committed = await collect(kafka, `${topic}-copy`);
    const uncommitted = await collect(kafka, `${topic}-copy`, { readUncommitted: true });
    const producing = produceOverTime(topic, jsonEvents(RECORDS), 3, 15_000, 30);
    const yaml = pipelineYaml({ name: topic, topic, sink: `type: kafka\ntopic: "{{ $topic }}-copy"`, delivery: 'exactly-once', maxRecords: 500, commitIntervalMs: 5000 });
    for (const share of [0.2, 0.5]) {
      const proc = SinkhubProcess.run(yaml);
      await proc.waitForLog((l) => l.msg === 'partitions opened', 60_000);
      await eventually(() => new Set(committed.ids()).size >= RECORDS * share, 120_000, `${share * 100}% of the records`);
      proc.kill('SIGKILL');
      await proc.waitForExit();
    }
    assert.ok(new Set(committed.ids()).size < RECORDS, 'the kills came mid-stream');
    await producing;
    const last = SinkhubProcess.run(yaml);
    await eventually(() => new Set(committed.ids()).size >= RECORDS, 180_000, 'every record');
    last.kill('SIGTERM');
    assert.equal(await last.waitForExit(), 0);
    const ids = committed.ids();
    assert.equal(new Set(ids).size, RECORDS);
    assert.equal(ids.length, RECORDS, `no record twice for read_committed (${ids.length - RECORDS} duplicates)`);
    // The transactions committed the group's offsets: the whole topic, and the core added none of its own.
    const offsets = await committedOffsets(`sinkhub-${topic}`, topic);
    assert.equal([...offsets.values()].reduce((s, n) => s + n, 0), RECORDS);
    await eventually(() => uncommitted.messages().length >= RECORDS, 30_000, 'read_uncommitted caught up');
    assert.ok(uncommitted.messages().length >= ids.length, 'read_uncommitted sees at least what read_committed sees');
  });

  it('a record too large aborts its transaction: read_committed sees none of that attempt, the record is dead-lettered with the broker’s reason', { timeout: 90_000 }, async () => {
    const topic = uniqueName('kafka-big');
    const big = { 'max.message.bytes': String(4 << 20) };
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, `${topic}-dlq`].map((t) => ({ topic: t, numPartitions: 1, configEntries: Object.entries(big).map(([name, value]) => ({ name, value })) })),
    });
    await admin.disconnect();
    await createTopic(`${topic}-copy`, 1);
    const committed = await collect(kafka, `${topic}-copy`);
    const uncommitted = await collect(kafka, `${topic}-copy`, { readUncommitted: true });
    // One produce request, so the pipeline gets all 21 in one batch: 10 small, a 1.5 MB one, 10 small.
    const messages = jsonEvents(21).map((m, i) => (i === 10 ? { key: 'big', value: JSON.stringify({ id: 10, blob: 'x'.repeat(1_500_000) }) } : m));
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key ?? null, value: m.value })) });
    await producer.disconnect();
    await runUntil(
      pipelineYaml({ name: topic, topic, sink: `type: kafka\ntopic: "{{ $topic }}-copy"`, delivery: 'exactly-once', tolerance: 'all', deadLetterTopic: `${topic}-dlq` }),
      () => committed.messages().length >= 20,
      '20 records written',
    );
    assert.deepEqual(committed.ids(), [...Array(21).keys()].filter((i) => i !== 10));
    const [letter] = await readTopic(`${topic}-dlq`, 1);
    assert.equal(letter!.headers['sinkhub.source.offset'], '10');
    assert.match(letter!.headers['sinkhub.error.message']!, /refused the record for .*-copy\/0: MESSAGE_TOO_LARGE/);
    // The first ten went out in the aborted transaction before the big one was refused.
    await eventually(() => uncommitted.messages().length >= 30, 20_000, 'the aborted attempt, read uncommitted');
    assert.equal(uncommitted.messages().length, 30);
  });

  it('a process taking a partition over fences the old one, mid-transaction or idle', { timeout: 90_000 }, async () => {
    const topic = uniqueName('kafka-fence');
    await createTopic(topic, 1);
    await createTopic(`${topic}-copy`, 1);
    const groupId = `sinkhub-${topic}`;
    const tp = { topic, partition: 0 };
    const context = { pipeline: topic, delivery: 'exactly-once' as const, logger: createLogger('silent'), kafka: { brokers: KAFKA_BROKERS, client_id: 'sinkhub', connection_timeout_ms: 10_000 }, groupId };
    const options = kafkaSinkOptions.parse({ topic: `${topic}-copy` });
    const batch = (from: number, to: number, by: string) => ({
      records: Array.from({ length: to - from }, (_, i): SinkRecord => ({ ...tp, offset: from + i, timestamp: 0, key: null, value: { id: from + i, by }, headers: {}, size: 1 })),
    });
    const committed = await collect(kafka, `${topic}-copy`);
    const uncommitted = await collect(kafka, `${topic}-copy`, { readUncommitted: true });

    const a = new KafkaSink(options, context);
    await a.connect();
    assert.deepEqual(await a.open([tp]), []);
    await a.write(batch(0, 5, 'a'), [{ ...tp, expected: null, next: 5 }]);

    // A zombie mid-transaction: the same transactional.id, records sent, nothing committed yet.
    const zombie = kafka.producer({ transactionalId: `sinkhub-${groupId}-${topic}-0`, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic: `${topic}-copy`, messages: [{ value: JSON.stringify({ id: 99, by: 'zombie' }) }] });

    const b = new KafkaSink(options, context);
    await b.connect();
    assert.deepEqual(await b.open([tp]), [{ ...tp, next: 5 }], 'b resumes where a committed');
    await assert.rejects(open.commit(), (e: Error) => /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|fenced|epoch/i.test(`${e.message} ${(e as { type?: string }).type}`), 'the zombie cannot commit');
    await assert.rejects(a.write(batch(5, 10, 'a'), [{ ...tp, expected: 5, next: 10 }]), FencedError, 'a is fenced too');
    await b.write(batch(5, 10, 'b'), [{ ...tp, expected: 5, next: 10 }]);
    await Promise.all([a.stop(), b.stop(), zombie.disconnect()]);

    await eventually(() => committed.messages().length >= 10, 20_000, '10 committed records');
    const values = committed.messages().map((m) => JSON.parse(m.value!.toString()) as { id: number; by: string });
    assert.deepEqual(values, [...Array(10).keys()].map((id) => ({ id, by: id < 5 ? 'a' : 'b' })));
    assert.equal((await committedOffsets(groupId, topic)).get(0), 10);
    assert.ok(uncommitted.messages().some((m) => m.value!.toString().includes('zombie')), 'the zombie’s record was written, then aborted');
  });

  it('an unreachable target cluster, a wrong password or a missing topic stop the start quickly, naming the cluster', { timeout: 90_000 }, async () => {
    const topic = uniqueName('kafka-start');
    await createTopic(topic, 1);
    const sasl = KAFKA_TARGET_BROKERS[0]!.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 2}`);
    const cases: [string, RegExp][] = [
      [`type: kafka\ntopic: t\nkafka: { brokers: ["127.0.0.1:1"] }`, /sink kafka cannot connect: kafka at 127\.0\.0\.1:1: .*ECONNREFUSED/],
      [`type: kafka\ntopic: t\nkafka: { brokers: ["${sasl}"], sasl: { mechanism: plain, username: sinkhub, password: wrong-secret } }`, new RegExp(`kafka at ${sasl}: .*SASL PLAIN authentication failed`)],
      [`type: kafka\ntopic: ${topic}-absent\n${targetClusterYaml}`, new RegExp(`kafka at ${KAFKA_TARGET_BROKERS[0]}: topic ${topic}-absent does not exist \\(create it, or set create_topics\\)`)],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink, delivery: 'exactly-once' }), expected, ['wrong-secret']);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: kafka
      topic: "copy-{{ $topic"
      partition: random
      compression: lz4
  - name: q
    source: { topics: [t] }
    sink: { type: kafka, topic: copy, max_request_bytes: big, kafka: { brokers: [] }, offsets_topic: "no/slash" }
  - name: r
    source: { topics: [t] }
    sink: { type: kafka, partiton: keep }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:14: pipelines\\[0\\]\\.sink\\.topic: invalid template`));
    assert.match(result.stderr, new RegExp(`${file}:8:18: pipelines\\[0\\]\\.sink\\.partition: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:9:20: pipelines\\[0\\]\\.sink\\.compression: Invalid option`));
    assert.match(result.stderr, /pipelines\[1\]\.sink\.max_request_bytes: Invalid input: expected number, received string/);
    assert.match(result.stderr, /pipelines\[1\]\.sink\.kafka\.brokers: Too small/);
    assert.match(result.stderr, /pipelines\[1\]\.sink\.offsets_topic: a Kafka topic name/);
    assert.match(result.stderr, /pipelines\[2\]\.sink\.topic: required field is missing/);
    assert.match(result.stderr, new RegExp(`${file}:15:26: pipelines\\[2\\]\\.sink\\.partiton: unknown field "partiton"`));
  });
});
