/**
 * The rocketmq connector against a real RocketMQ 5 (name server, broker and proxy): topic, tag,
 * keys and properties from templates; records for a topic that does not exist, with a bad tag or
 * a delay on a topic that takes none going to the dead-letter topic with the broker's reason; a
 * FIFO topic keeping each message group in order; a delivery delay; bad options at validation;
 * an unreachable proxy and a missing topic named at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kafkaConnectionSchema, type SinkContext, type SinkRecord } from '@sinkhub/core';
import { RocketmqSink, rocketmqOptions } from '@sinkhub/rocketmq';
import { KAFKA_BROKERS, ROCKETMQ_ENDPOINTS, requireServer } from '../src/env.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { TopicCollector, createRocketTopic, rocketmqServer, rocketmqSinkYaml } from '../src/rocketmq.js';
import { SinkhubProcess, eventually, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

interface LogLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A logger keeping what the sink logs (the sink's contract is pino's Logger). */
function captureLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): SinkContext['logger'] {
  const at = (obj: unknown, msg?: string) => lines.push(typeof obj === 'string' ? { msg: obj, ...bindings } : { ...bindings, ...(obj as object), msg: msg ?? '' });
  const logger = { info: at, warn: at, error: at, debug: () => undefined, trace: () => undefined, isLevelEnabled: () => false, level: 'info', child: (more: Record<string, unknown>) => captureLogger(lines, { ...bindings, ...more }) };
  return logger as unknown as SinkContext['logger'];
}

const collectors: TopicCollector[] = [];
const collect = async (topic: string) => {
  const collector = await TopicCollector.start(topic);
  collectors.push(collector);
  return collector;
};

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(rocketmqServer.name, rocketmqServer.address);
});
after(async () => {
  for (const c of collectors) await c.stop();
});

const events = (n: number): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i % 3}`, value: JSON.stringify({ id: i, type: ['click', 'view'][i % 2], order: `o-${i}` }), headers: { trace: `t${i}` } }));

async function run(topic: string, sink: string, done: () => boolean | Promise<boolean>, options: { dlq?: boolean; partitions?: number } = {}) {
  return runUntil(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once', maxRecords: 50, ...(options.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }), done, 'the messages in RocketMQ');
}

describe('rocketmq connector', () => {
  it('routes by a topic template; sets tag, keys and properties; dead-letters missing topics and bad tags with the reason', { timeout: 120_000 }, async () => {
    const topic = uniqueName('rq-route');
    await createTopic(topic, 1);
    await Promise.all([createRocketTopic(`${topic}-click`), createRocketTopic(`${topic}-view`)]);
    const [clicks, views] = [await collect(`${topic}-click`), await collect(`${topic}-view`)];
    const poison: TestMessage[] = [
      { key: 'x', value: JSON.stringify({ id: 100, type: 'nowhere', order: 'o-100' }) },
      { key: 'y', value: JSON.stringify({ id: 101, type: 'click', order: 'o-101', tag: 'a|b' }) },
    ];
    await produce(topic, [...events(20), ...poison]);
    const sink = `${rocketmqSinkYaml}\ntopic: "${topic}-{{ type }}"\ntag: "{{ $exists(tag) ? tag : type }}"\nkeys: ["{{ order }}", "{{ $topic }}/{{ $partition }}/{{ $offset }}"]`;
    await run(topic, sink, () => clicks.messages.size === 10 && views.messages.size === 10, { dlq: true });
    assert.deepEqual(clicks.ids().sort((a, b) => a - b), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    const m = views.views().find((v) => JSON.parse(v.body.toString()).id === 3)!;
    assert.equal(m.tag, 'view');
    assert.deepEqual(m.keys, ['o-3', `${topic}/0/3`]);
    assert.equal(m.properties.get('trace'), 't3');
    assert.equal(m.properties.get('kafka_topic'), topic);
    assert.equal(m.properties.get('kafka_partition'), '0');
    assert.equal(m.properties.get('kafka_offset'), '3');
    assert.equal(m.properties.get('kafka_key'), 'k0');
    assert.deepEqual(JSON.parse(m.body.toString()), { id: 3, type: 'view', order: 'o-3' });

    const letters = await readTopic(`${topic}-dlq`, 2);
    const reason = (offset: number) => letters.find((l) => l.headers['sinkhub.source.offset'] === String(offset))?.headers['sinkhub.error.message'];
    assert.match(reason(20)!, new RegExp(`topic ${topic}-nowhere: 40402 .*No topic route info`));
    assert.equal(reason(21), 'tag "a|b" is not a RocketMQ tag (blank, or contains |)');
    assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'write'));
  });

  it('keeps each message group in order on a FIFO topic', { timeout: 120_000 }, async () => {
    const topic = uniqueName('rq-fifo');
    await createTopic(topic, 1);
    await createRocketTopic(topic, 'FIFO', 4);
    const fifo = await collect(topic);
    await produce(topic, events(300));
    await run(topic, `${rocketmqSinkYaml}\ntopic: ${topic}\nmessage_group: "{{ $key }}"\nmax_in_flight: 64`, () => fifo.messages.size === 300);
    const byGroup = new Map<string, { id: number; queue: string; offset: number }[]>();
    for (const v of fifo.views()) {
      const list = byGroup.get(v.messageGroup!) ?? [];
      list.push({ id: JSON.parse(v.body.toString()).id, queue: v.properties.get('kafka_partition')! + v.endpoints.facade, offset: v.offset! });
      byGroup.set(v.messageGroup!, list);
    }
    assert.deepEqual([...byGroup.keys()].sort(), ['k0', 'k1', 'k2']);
    for (const [group, list] of byGroup) {
      // One group lives in one queue; its queue offsets follow the Kafka order.
      const inQueueOrder = [...list].sort((a, b) => a.offset - b.offset).map((x) => x.id);
      assert.deepEqual(inQueueOrder, [...inQueueOrder].sort((a, b) => a - b), `group ${group} in order`);
      assert.equal(list.length, 100);
    }
  });

  it('delays delivery on a DELAY topic; a delay on a NORMAL topic is dead-lettered', { timeout: 120_000 }, async () => {
    const topic = uniqueName('rq-delay');
    await createTopic(topic, 1);
    await createRocketTopic(topic, 'DELAY', 2);
    const delayed = await collect(topic);
    await produce(topic, events(5));
    await run(topic, `${rocketmqSinkYaml}\ntopic: ${topic}\ndelay_ms: 4000`, () => delayed.messages.size === 5);
    for (const { message, receivedAt } of delayed.messages.values()) {
      const delay = message.deliveryTimestamp!.getTime() - message.bornTimestamp!.getTime();
      assert.ok(delay >= 3900 && delay <= 4500, `delivery 4 s after birth (${delay} ms)`);
      assert.ok(receivedAt >= message.deliveryTimestamp!.getTime() - 200, 'not received before its delivery time');
    }

    const normal = uniqueName('rq-nodelay');
    await createTopic(normal, 1);
    await createRocketTopic(normal, 'NORMAL', 2);
    await produce(normal, events(3));
    const proc = SinkhubProcess.run(pipelineYaml({ name: normal, topic: normal, sink: `${rocketmqSinkYaml}\ntopic: ${normal}\ndelay_ms: 1000`, delivery: 'at-least-once', tolerance: 'all', deadLetterTopic: `${normal}-dlq` }));
    // The dead-letter topic appears with the first letter.
    await proc.waitForLog((l) => l.msg === 'records sent to the dead-letter topic', 45_000);
    const letters = await readTopic(`${normal}-dlq`, 3);
    proc.kill('SIGTERM');
    assert.equal(await proc.waitForExit(), 0);
    assert.equal(letters.length, 3);
    assert.match(letters[0]!.headers['sinkhub.error.message']!, /message type not match with topic accept message types/);
  });

  it('exactly-once: the broker’s transaction check commits what the ledger holds and rolls back the rest', { timeout: 180_000 }, async () => {
    // Two sinks in this process stand for a process that lost its commits and its successor.
    const topic = uniqueName('rq-check');
    await createTopic(topic, 1);
    await createRocketTopic(topic, 'TRANSACTION', 2);
    const collector = await collect(topic);
    const pipeline = uniqueName('check');
    const records = (from: number, to: number): SinkRecord[] =>
      Array.from({ length: to - from }, (_, i) => ({ topic, partition: 0, offset: from + i, timestamp: 0, key: null, value: { id: from + i }, headers: {}, size: 1 }));
    const sink = (lines: LogLine[]) => new RocketmqSink(rocketmqOptions.parse({ endpoints: ROCKETMQ_ENDPOINTS, topic }), { pipeline, groupId: `sinkhub-${pipeline}`, delivery: 'exactly-once', logger: captureLogger(lines), kafka: kafkaConnectionSchema.parse({ brokers: KAFKA_BROKERS }) });
    const tp = [{ topic, partition: 0 }];

    const firstLines: LogLine[] = [];
    const first = sink(firstLines);
    await first.connect();
    assert.deepEqual(await first.open(tp), []);
    const internals = first as unknown as { producer: { endTransaction: (...args: unknown[]) => Promise<void> }; transactions: { ledger: { record: () => Promise<void> } } };
    // Commits lost (as in a SIGKILL right after the ledger write): 0–9 are decided but stay half messages.
    internals.producer.endTransaction = async () => {
      throw new Error('commit lost (test)');
    };
    await first.write({ records: records(0, 10) }, [{ topic, partition: 0, expected: null, next: 10 }]);
    assert.ok(firstLines.some((l) => /the broker’s transaction check will commit them/.test(l.msg)));
    // A ledger write that fails: 10–19 are sent as half messages but never decided.
    internals.transactions.ledger.record = async () => {
      throw new Error('ledger unreachable (test)');
    };
    await assert.rejects(first.write({ records: records(10, 20) }, [{ topic, partition: 0, expected: 10, next: 20 }]), /recording offsets in the transaction ledger failed/);
    await first.stop();
    assert.equal(collector.messages.size, 0, 'nothing visible yet: every message is still a half message');

    const lines: LogLine[] = [];
    const second = sink(lines);
    await second.connect();
    assert.deepEqual(await second.open(tp), [{ topic, partition: 0, next: 10 }], 'resumes where the ledger says');
    await second.write({ records: records(10, 20) }, [{ topic, partition: 0, expected: 10, next: 20 }]);
    const checks = () => lines.filter((l) => l.msg === 'transaction check');
    // The broker asks about half messages older than transactionTimeOut (6 s), every 10 s.
    await eventually(() => new Set(checks().map((c) => c['offset'])).size >= 20, 120_000, 'the broker to ask about the 20 half messages the first sink left');
    await eventually(() => collector.messages.size >= 20, 30_000, '20 messages visible');
    await new Promise((r) => setTimeout(r, 3000));
    await second.stop();
    assert.deepEqual(collector.ids().sort((a, b) => a - b), [...Array(20).keys()], 'each record exactly once');
    const resolution = (offset: number) => checks().find((c) => c['offset'] === offset)?.['resolution'];
    for (let offset = 0; offset < 10; offset++) assert.equal(resolution(offset), 'commit', `offset ${offset}`);
    for (let offset = 10; offset < 20; offset++) assert.equal(resolution(offset), 'rollback', `offset ${offset}`);
  });

  it('an unreachable proxy or a missing topic stops the start quickly, naming the proxy', { timeout: 90_000 }, async () => {
    const topic = uniqueName('rq-start');
    await createTopic(topic, 1);
    const cases: [string, RegExp][] = [
      [`${rocketmqSinkYaml}\ntopic: ${topic}-absent`, new RegExp(`rocketmq proxy at ${rocketmqServer.address}: topic "${topic}-absent" does not exist`)],
      ['type: rocketmq\nendpoints: 127.0.0.1:1\ntopic: t', /rocketmq proxy at 127\.0\.0\.1:1: .*(UNAVAILABLE|ECONNREFUSED|No connection)/],
      ['type: rocketmq\nendpoints: 127.0.0.1:1\ntopic: "{{ $topic }}"', /rocketmq proxy at 127\.0\.0\.1:1: .*(UNAVAILABLE|ECONNREFUSED|No connection)/],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once' }), expected);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: rocketmq
      endpoints: localhost
      topic: t
      tombstones: drop
  - name: q
    source: { topics: [t] }
    sink: { type: rocketmq, topic: t, message_group: "{{ $key }}", delay_ms: 1000 }
  - name: r
    source: { topics: [t] }
    sink: { type: rocketmq, topic: "{{ $topic }}" }
    delivery: exactly-once
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:18: pipelines\\[0\\]\\.sink\\.endpoints: host:port of the proxy’s gRPC port`));
    assert.match(result.stderr, new RegExp(`${file}:9:19: pipelines\\[0\\]\\.sink\\.tombstones: Invalid option`));
    assert.match(result.stderr, /pipelines\[1\]\.sink\.message_group: FIFO messages cannot be delayed/);
    assert.match(result.stderr, /pipelines\[2\]\.delivery: exactly-once is not available: .*exactly-once needs a fixed topic/);
  });
});
