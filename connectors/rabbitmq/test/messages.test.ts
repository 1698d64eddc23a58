/** Golden messages: exactly what records become, per option family. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { MessageBuilder } from '../src/messages.js';
import { rabbitmqOptions } from '../src/options.js';

const rec = (value: unknown, extra: Partial<SinkRecord> = {}): SinkRecord => ({ topic: 'orders', partition: 2, offset: 41, timestamp: 1_700_000_000_999, key: 'k1', value, headers: { trace: 'abc' }, size: 1, ...extra });
const build = (options: Record<string, unknown>, ...records: SinkRecord[]) => new MessageBuilder(rabbitmqOptions.parse(options)).build(records);

describe('messages', () => {
  it('exchange and routing key from templates; properties and Kafka headers; the consumed bytes as body', async () => {
    const raw = Buffer.from('{"status":"paid", "n": 1}');
    const { messages, failures } = await build({ exchange: 'ex-{{ $topic }}', routing_key: '{{ $topic }}.{{ status }}' }, rec({ status: 'paid', n: 1 }, { rawValue: raw }));
    assert.deepEqual(failures, []);
    assert.deepEqual(messages, [
      {
        index: 0,
        exchange: 'ex-orders',
        routingKey: 'orders.paid',
        body: raw,
        properties: {
          messageId: 'orders/2/41',
          persistent: true,
          mandatory: true,
          timestamp: 1_700_000_000,
          contentType: 'application/json',
          headers: { trace: 'abc', 'x-kafka-topic': 'orders', 'x-kafka-partition': 2, 'x-kafka-offset': 41, 'x-kafka-timestamp': 1_700_000_000_999, 'x-kafka-key': 'k1' },
        },
      },
    ]);
  });

  it('a queue goes through the default exchange; transformed values are JSON; text and bytes keep their form', async () => {
    const { messages } = await build({ queue: 'q', headers: 'none', persistent: false }, rec({ a: 1 }), rec('plain text'), rec(Buffer.from([1, 2]), { key: Buffer.from([9]) }));
    assert.deepEqual(
      messages.map((m) => [m.exchange, m.routingKey, m.body.toString('hex'), m.properties.contentType ?? null, m.properties.persistent, m.properties.headers ?? null]),
      [
        ['', 'q', Buffer.from('{"a":1}').toString('hex'), 'application/json', false, null],
        ['', 'q', Buffer.from('plain text').toString('hex'), 'text/plain; charset=utf-8', false, null],
        ['', 'q', '0102', null, false, null],
      ],
    );
  });

  it('tombstones are skipped, published empty, or failures; a template with nothing to render is a failure', async () => {
    assert.deepEqual((await build({ queue: 'q' }, rec(null))).messages, []);
    const published = await build({ queue: 'q', tombstones: 'publish' }, rec(null));
    assert.equal(published.messages[0]!.body.length, 0);
    const failed = await build({ exchange: 'e', routing_key: '{{ status }}', tombstones: 'error' }, rec(null), rec({ other: 1 }));
    assert.deepEqual(
      failed.failures.map((f) => [f.index, f.error.message, f.retryable]),
      [
        [0, 'a tombstone (null value) has no message to publish (tombstones: error)', false],
        [1, 'template "{{ status }}": part 1 is empty for this record', false],
      ],
    );
  });

  it('options: a queue or an exchange with a routing key; declarations need a fixed exchange', () => {
    const problems = (o: Record<string, unknown>) => rabbitmqOptions.safeParse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(problems({}), ['routing_key: give a queue, or an exchange and a routing_key']);
    assert.deepEqual(problems({ exchange: 'e' }), ['routing_key: an exchange needs a routing_key']);
    assert.deepEqual(problems({ queue: 'q', exchange: 'e' }), ['queue: publish to a queue or to an exchange, not both']);
    assert.deepEqual(problems({ queue: 'q', declare: { exchange: { type: 'topic' } } }), ['declare.exchange: the default exchange exists already; name an exchange to declare']);
    assert.deepEqual(problems({ exchange: '{{ $topic }}', routing_key: 'k', declare: { exchange: { type: 'topic' } } }), ['declare.exchange: only a fixed exchange name can be declared']);
    assert.deepEqual(problems({ queue: 'q', declare: { queues: [{ name: 'q', binding_keys: ['x'] }] } }), ['declare.queues: binding_keys bind to exchange, which is the default exchange here']);
    assert.deepEqual(problems({ queue: 'q' }), []);
  });
});
