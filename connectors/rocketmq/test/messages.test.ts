/** Golden messages: exactly what records become, per option family. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { MessageBuilder } from '../src/messages.js';
import { exactlyOnceObstacle, rocketmqOptions } from '../src/options.js';
import { toMessageOptions } from '../src/sink.js';

const rec = (value: unknown, extra: Partial<SinkRecord> = {}): SinkRecord => ({ topic: 'orders', partition: 2, offset: 41, timestamp: 1_700_000_000_999, key: 'k1', value, headers: { trace: 'abc' }, size: 1, ...extra });
const NOW = 1_800_000_000_000;
const build = (options: Record<string, unknown>, ...records: SinkRecord[]) => new MessageBuilder(rocketmqOptions.parse(options), () => NOW).build(records);

describe('messages', () => {
  it('topic, tag and keys from templates; Kafka headers and coordinates as properties; the consumed bytes as body', async () => {
    const raw = Buffer.from('{"status":"paid", "n": 1, "id": "o-7"}');
    const { messages, failures } = await build({ topic: 'rmq-{{ $topic }}', tag: '{{ status }}', keys: ['{{ id }}', '{{ $topic }}/{{ $partition }}/{{ $offset }}'] }, rec({ status: 'paid', n: 1, id: 'o-7' }, { rawValue: raw }));
    assert.deepEqual(failures, []);
    assert.deepEqual(messages, [
      {
        index: 0,
        topic: 'rmq-orders',
        body: raw,
        tag: 'paid',
        keys: ['o-7', 'orders/2/41'],
        properties: { trace: 'abc', kafka_topic: 'orders', kafka_partition: '2', kafka_offset: '41', kafka_timestamp: '1700000000999', kafka_key: 'k1' },
      },
    ]);
    assert.deepEqual(toMessageOptions(messages[0]!), {
      topic: 'rmq-orders',
      body: raw,
      tag: 'paid',
      keys: ['o-7', 'orders/2/41'],
      properties: new Map([['trace', 'abc'], ['kafka_topic', 'orders'], ['kafka_partition', '2'], ['kafka_offset', '41'], ['kafka_timestamp', '1700000000999'], ['kafka_key', 'k1']]),
    });
  });

  it('default keys are topic/partition/offset; FIFO group per record; transformed values are JSON; binary keys base64', async () => {
    const { messages } = await build({ topic: 't', message_group: '{{ $key }}', properties: 'none' }, rec({ a: 1 }), rec('text', { key: 'k2', offset: 42 }));
    assert.deepEqual(
      messages.map((m) => [m.topic, m.keys, m.messageGroup, m.body.toString(), m.properties]),
      [
        ['t', ['orders/2/41'], 'k1', '{"a":1}', {}],
        ['t', ['orders/2/42'], 'k2', 'text', {}],
      ],
    );
    const withKey = await build({ topic: 't', keys: [] }, rec(1, { key: Buffer.from([255]) }), rec(1, { key: { id: 3 } }));
    assert.deepEqual(withKey.messages.map((m) => [m.keys, m.properties['kafka_key']]), [[[], '/w=='], [[], '{"id":3}']]);
    assert.equal(toMessageOptions(withKey.messages[0]!).keys, undefined);
  });

  it('delay_ms and deliver_at give the delivery time', async () => {
    const delayed = await build({ topic: 't', delay_ms: 5000 }, rec({}));
    assert.equal(delayed.messages[0]!.deliverAt, NOW + 5000);
    assert.deepEqual(toMessageOptions(delayed.messages[0]!).deliveryTimestamp, new Date(NOW + 5000));
    const at = await build({ topic: 't', deliver_at: '{{ at }}' }, rec({ at: 1_900_000_000_000 }), rec({ at: 'soon' }));
    assert.equal(at.messages[0]!.deliverAt, 1_900_000_000_000);
    assert.deepEqual(at.failures.map((f) => [f.index, f.error.message]), [[1, 'deliver_at "soon" is not a time in milliseconds since the epoch']]);
  });

  it('tombstones are skipped, published empty, or failures; bad tags, keys and empty templates are failures', async () => {
    assert.deepEqual((await build({ topic: 't' }, rec(null))).messages, []);
    const published = await build({ topic: 't', tombstones: 'publish' }, rec(null));
    assert.equal(published.messages[0]!.body.length, 0);
    const failed = await build({ topic: 't', tag: '{{ tag }}', keys: ['{{ k }}'], tombstones: 'error' }, rec(null), rec({ tag: 'a|b', k: 'x' }), rec({ tag: 'ok', k: 'two words' }), rec({ k: 'x' }));
    assert.deepEqual(
      failed.failures.map((f) => [f.index, f.error.message, f.retryable]),
      [
        [0, 'a tombstone (null value) has no message to publish (tombstones: error)', false],
        [1, 'tag "a|b" is not a RocketMQ tag (blank, or contains |)', false],
        [2, 'message key "two words" contains whitespace (RocketMQ separates keys by spaces)', false],
        [3, 'template "{{ tag }}": part 1 is empty for this record', false],
      ],
    );
  });

  it('options: endpoints syntax, FIFO vs delay, credentials in pairs; what exactly-once allows', () => {
    const problems = (o: Record<string, unknown>) => rocketmqOptions.safeParse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(problems({ topic: 't' }), []);
    assert.deepEqual(problems({}), ['topic: Invalid input: expected string, received undefined']);
    assert.deepEqual(problems({ topic: 't', endpoints: 'localhost' }), ['endpoints: host:port of the proxy’s gRPC port, several separated by `;`']);
    assert.deepEqual(problems({ topic: 't', endpoints: 'a:8081;b:8081' }), []);
    assert.deepEqual(problems({ topic: 't', message_group: 'g', delay_ms: 10 }), ['message_group: FIFO messages cannot be delayed: drop delay_ms/deliver_at or message_group']);
    assert.deepEqual(problems({ topic: 't', delay_ms: 10, deliver_at: '{{ at }}' }), ['deliver_at: give delay_ms or deliver_at, not both']);
    assert.deepEqual(problems({ topic: 't', secret_key: 's' }), ['access_key: secret_key needs an access_key']);
    assert.deepEqual(problems({ topic: 't', request_timeout_ms: 10 }), ['request_timeout_ms: Too small: expected number to be >=1000']);
    const obstacle = (o: Record<string, unknown>) => exactlyOnceObstacle(rocketmqOptions.parse(o));
    assert.equal(obstacle({ topic: 't' }), undefined);
    assert.match(obstacle({ topic: '{{ $topic }}' })!, /fixed topic/);
    assert.match(obstacle({ topic: 't', message_group: 'g' })!, /FIFO/);
    assert.match(obstacle({ topic: 't', delay_ms: 5 })!, /delayed/);
  });
});
