/**
 * The rabbitmq connector against a real RabbitMQ: a declared topic exchange routing by a
 * templated key, message properties and headers, returned (unroutable) and nacked messages
 * going to the dead-letter topic with the broker's reason, a missing exchange, bad options at
 * validation, and a wrong password, a missing queue or an unreachable broker named at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KAFKA_BROKERS, RABBITMQ_PASSWORD, requireServer } from '../src/env.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { QueueCollector, rabbitmqServer, rabbitmqSinkYaml, withRabbitmq } from '../src/rabbitmq.js';
import { SinkhubProcess, eventually, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

const collectors: QueueCollector[] = [];
const collect = async (queue: string, args?: Record<string, unknown>) => {
  const collector = await QueueCollector.start(queue, args);
  collectors.push(collector);
  return collector;
};

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(rabbitmqServer.name, rabbitmqServer.address);
});
after(async () => {
  for (const c of collectors) await c.stop();
});

const events = (n: number): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i, type: ['click', 'view', 'buy'][i % 3] }), headers: { trace: `t${i}` } }));

async function run(topic: string, sink: string, done: () => boolean | Promise<boolean>, dlq = false) {
  return runUntil(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once', ...(dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }), done, 'the messages in RabbitMQ', 30_000);
}

describe('rabbitmq connector', () => {
  it('declares a topic exchange and bound queues; routes by a templated key; sets properties and headers', { timeout: 60_000 }, async () => {
    const topic = uniqueName('rmq-route');
    await createTopic(topic, 1);
    await produce(topic, events(30));
    const [clicks, rest] = [`${topic}-clicks`, `${topic}-rest`];
    const sink = `${rabbitmqSinkYaml}
exchange: ${topic}-x
routing_key: "{{ $topic }}.{{ type }}"
declare:
  exchange: { type: topic }
  queues:
    - { name: ${clicks}, binding_keys: ["*.click"] }
    - { name: ${rest}, binding_keys: ["*.view", "*.buy"], type: quorum }`;
    // The pipeline declares the queues; the collectors assert the same settings (a no-op) after.
    const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once' }));
    await proc.waitForLog((l) => l.msg === 'partitions opened', 30_000);
    const [a, b] = [await collect(clicks), await collect(rest, { 'x-queue-type': 'quorum' })];
    await eventually(() => a.messages.length === 10 && b.messages.length === 20, 30_000, '30 messages routed');
    proc.kill('SIGTERM');
    assert.equal(await proc.waitForExit(), 0);
    assert.deepEqual(a.ids().sort((x, y) => x - y), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    const m = a.messages.find((x) => x.properties.messageId === `${topic}/0/3`)!;
    assert.equal(m.fields.routingKey, `${topic}.click`);
    assert.equal(m.properties.deliveryMode, 2, 'persistent');
    assert.equal(m.properties.contentType, 'application/json');
    assert.deepEqual(JSON.parse(m.content.toString()), { id: 3, type: 'click' });
    assert.equal(m.properties.headers?.['trace'], 't3');
    assert.equal(m.properties.headers?.['x-kafka-topic'], topic);
    assert.equal(m.properties.headers?.['x-kafka-partition'], 0);
    assert.equal(m.properties.headers?.['x-kafka-offset'], 3);
    assert.equal(m.properties.headers?.['x-kafka-key'], 'k3');
  });

  it('publishes to a queue, with a message-id template and no Kafka headers', { timeout: 60_000 }, async () => {
    const topic = uniqueName('rmq-queue');
    await createTopic(topic, 1);
    await produce(topic, [...events(5), { key: 'gone', value: null }]);
    const q = await collect(topic);
    await run(topic, `${rabbitmqSinkYaml}\nqueue: ${topic}\nmessage_id: "event-{{ id }}"\nheaders: none\npersistent: false\ncontent_type: application/vnd.sinkhub+json`, () => q.messages.length === 5);
    assert.deepEqual(q.messages.map((m) => m.properties.messageId), ['event-0', 'event-1', 'event-2', 'event-3', 'event-4'], 'the tombstone is skipped');
    assert.equal(q.messages[0]!.properties.deliveryMode, 1);
    assert.equal(q.messages[0]!.properties.contentType, 'application/vnd.sinkhub+json');
    assert.equal(Object.keys(q.messages[0]!.properties.headers ?? {}).length, 0);
  });

  it('returned (unroutable) messages, nacked messages and a missing exchange go to the dead-letter topic with the reason', { timeout: 90_000 }, async () => {
    // Unroutable: a direct exchange with one binding; `view` and `buy` have no queue.
    const topic = uniqueName('rmq-return');
    await createTopic(topic, 1);
    await produce(topic, events(30));
    const q = await collect(`${topic}-clicks`);
    await withRabbitmq(async (c) => {
      await c.assertExchange(`${topic}-x`, 'direct', { durable: true });
      await c.bindQueue(`${topic}-clicks`, `${topic}-x`, 'click');
    });
    // The dead-letter topic appears with the first letter: read it once the routed ones are in.
    await run(topic, `${rabbitmqSinkYaml}\nexchange: ${topic}-x\nrouting_key: "{{ type }}"`, () => q.messages.length === 10, true);
    const returned = await readTopic(`${topic}-dlq`, 20);
    assert.deepEqual(returned.map((l) => Number(l.headers['sinkhub.source.offset'])).sort((x, y) => x - y), [...Array(30).keys()].filter((i) => i % 3 !== 0));
    assert.match(returned[0]!.headers['sinkhub.error.message']!, new RegExp(`returned unroutable: 312 NO_ROUTE, exchange "${topic}-x", routing key "(view|buy)"`));

    // Nacked: a queue that holds 5 messages and rejects publishes beyond (nothing consumes it).
    const full = uniqueName('rmq-nack');
    await createTopic(full, 1);
    await produce(full, events(12));
    await withRabbitmq((c) => c.assertQueue(full, { durable: true, arguments: { 'x-max-length': 5, 'x-overflow': 'reject-publish' } }));
    await run(full, `${rabbitmqSinkYaml}\nqueue: ${full}\nnacked: dead-letter`, async () => (await withRabbitmq(async (c) => (await c.checkQueue(full)).messageCount)) === 5, true);
    const nacked = await readTopic(`${full}-dlq`, 7);
    assert.ok(nacked.every((l) => l.headers['sinkhub.error.message'] === 'nacked by the broker'));
    assert.equal(await withRabbitmq(async (c) => (await c.checkQueue(full)).messageCount), 5);

    // A templated exchange that does not exist for some records.
    const missing = uniqueName('rmq-missing');
    await createTopic(missing, 1);
    await produce(missing, events(6));
    const m = await collect(`${missing}-click`);
    await withRabbitmq(async (c) => {
      await c.assertExchange(`${missing}-click`, 'fanout', { durable: true });
      await c.bindQueue(`${missing}-click`, `${missing}-click`, '');
    });
    await run(missing, `${rabbitmqSinkYaml}\nexchange: "${missing}-{{ type }}"\nrouting_key: any`, () => m.messages.length === 2, true);
    const letters = await readTopic(`${missing}-dlq`, 4);
    assert.match(letters[0]!.headers['sinkhub.error.message']!, new RegExp(`exchange "${missing}-(view|buy)" does not exist`));
  });

  it('a wrong password, a missing queue or an unreachable broker stop the start quickly, naming the broker', { timeout: 90_000 }, async () => {
    const topic = uniqueName('rmq-start');
    await createTopic(topic, 1);
    const host = rabbitmqServer.address;
    const cases: [string, RegExp][] = [
      [`${rabbitmqSinkYaml.replace(RABBITMQ_PASSWORD, 'wrong-secret')}\nqueue: q`, new RegExp(`rabbitmq at ${host}: .*ACCESS_REFUSED`)],
      [`${rabbitmqSinkYaml}\nqueue: ${topic}-absent`, new RegExp(`rabbitmq at ${host}: .*404 .*NOT_FOUND - no queue '${topic}-absent'`)],
      [`${rabbitmqSinkYaml}\nexchange: ${topic}-absent\nrouting_key: k`, new RegExp(`rabbitmq at ${host}: .*NOT_FOUND - no exchange '${topic}-absent'`)],
      [`type: rabbitmq\nurl: amqp://127.0.0.1:1\nqueue: q`, /rabbitmq at 127\.0\.0\.1:1: .*ECONNREFUSED/],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink, delivery: 'at-least-once' }), expected, ['wrong-secret']);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: rabbitmq
      url: http://127.0.0.1:5672
      queue: q
      unroutable: drop
  - name: q
    source: { topics: [t] }
    sink: { type: rabbitmq, exchange: "e-{{ type }}", routing_key: k, declare: { exchange: { type: topic } } }
  - name: r
    source: { topics: [t] }
    sink: { type: rabbitmq, queue: q }
    delivery: exactly-once
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:12: pipelines\\[0\\]\\.sink\\.url: an amqp:// or amqps:// URL`));
    assert.match(result.stderr, new RegExp(`${file}:9:19: pipelines\\[0\\]\\.sink\\.unroutable: Invalid option`));
    assert.match(result.stderr, /pipelines\[1\]\.sink\.declare\.exchange: only a fixed exchange name can be declared/);
    assert.match(result.stderr, /pipelines\[2\]\.delivery: exactly-once is not available: the rabbitmq connector is at-least-once only/);
  });
});
