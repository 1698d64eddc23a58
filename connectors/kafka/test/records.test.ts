/** Golden messages: exactly what a batch becomes (topic, partition, key, value, headers, timestamp) and how it is cut into requests. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { kafkaSinkOptions } from '../src/options.js';
import { BATCH_OVERHEAD, MessageBuilder, PartitionChooser, chunk, type OutgoingMessage } from '../src/records.js';

const rec = (over: Partial<SinkRecord> = {}): SinkRecord => ({
  topic: 'orders',
  partition: 2,
  offset: 7,
  timestamp: 1_700_000_000_123,
  key: 'k1',
  value: { id: 1 },
  headers: { trace: 't1' },
  rawKey: Buffer.from('k1'),
  rawValue: Buffer.from('{"id":1}'),
  rawHeaders: { trace: Buffer.from('t1'), bin: Buffer.from([0, 255]), many: [Buffer.from('a'), Buffer.from('b')] },
  size: 10,
  ...over,
});

const build = async (options: Record<string, unknown>, records: SinkRecord[], sameCluster = false, now = 42) =>
  new MessageBuilder(kafkaSinkOptions.parse({ topic: 'copy', ...options }), sameCluster).build(records, now);

describe('messages', () => {
  it('keeps key, value, headers (as bytes, repeated ones too) and timestamp', async () => {
    const { messages, failures } = await build({}, [rec()]);
    assert.deepEqual(failures, []);
    const m = messages[0]!;
    assert.deepEqual(
      { topic: m.topic, partition: m.partition, key: m.key?.toString(), value: m.value?.toString(), timestamp: m.timestamp, sourceTopic: m.sourceTopic, sourcePartition: m.sourcePartition },
      { topic: 'copy', partition: -1, key: 'k1', value: '{"id":1}', timestamp: '1700000000123', sourceTopic: 'orders', sourcePartition: 2 },
    );
    assert.deepEqual(m.headers, { trace: Buffer.from('t1'), bin: Buffer.from([0, 255]), many: [Buffer.from('a'), Buffer.from('b')] });
    // key 2 + value 8 + overhead 41 + headers (10 + 5 + 2) + (10 + 3 + 2) + (10 + 4 + 1) * 2
    assert.equal(m.bytes, 2 + 8 + 41 + 17 + 15 + 30);
  });

  it('a transformed value is encoded again; a tombstone stays null; no key stays null', async () => {
    const { messages } = await build({}, [rec({ value: { id: 1, extra: true }, rawValue: undefined }), rec({ value: null, rawValue: null, key: null, rawKey: null })]);
    assert.equal(messages[0]!.value!.toString(), '{"id":1,"extra":true}');
    assert.equal(messages[1]!.value, null);
    assert.equal(messages[1]!.key, null);
  });

  it('headers: none drops them; timestamp: now uses the write time', async () => {
    const { messages } = await build({ headers: 'none', timestamp: 'now' }, [rec()], false, 1234);
    assert.equal(messages[0]!.headers, undefined);
    assert.equal(messages[0]!.timestamp, '1234');
    const untimed = await build({}, [rec({ timestamp: -1 })], false, 1234);
    assert.equal(untimed.messages[0]!.timestamp, '1234', 'a record without a timestamp gets the write time');
  });

  it('topics from a template; an invalid name or the own source topic on the same cluster is the record’s failure', async () => {
    const { messages, failures } = await build({ topic: '{{ $topic }}-{{ type }}' }, [rec({ value: { type: 'a' } }), rec({ value: { type: 'b/c' } })]);
    assert.deepEqual(messages.map((m) => m.topic), ['orders-a']);
    assert.equal(failures[0]!.index, 1);
    assert.match(failures[0]!.error.message, /"orders-b\/c", not a valid Kafka topic name/);
    assert.equal(failures[0]!.retryable, false);
    const same = await build({ topic: '{{ $topic }}' }, [rec()], true);
    assert.match(same.failures[0]!.error.message, /own source topic on the same cluster/);
    assert.equal((await build({ topic: '{{ $topic }}' }, [rec()], false)).messages[0]!.topic, 'orders');
  });
});

describe('partitions', () => {
  const message = (key: string | null, sourcePartition = 0): OutgoingMessage => ({
    index: 0,
    sourceTopic: 's',
    sourcePartition,
    topic: 't',
    partition: -1,
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from('v'),
    headers: undefined,
    timestamp: '0',
    bytes: 1,
  });

  it('hash: the Java client’s murmur2 partition of the key', () => {
    // Partitions from org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 3.9.1):
    // toPositive(murmur2(key)) % n, for n = 3, 4 and 12.
    const java: [string, number, number, number][] = [
      ['21', 0, 0, 0],
      ['foobar', 0, 2, 6],
      ['a-little-bit-long-string', 2, 0, 8],
      ['order-17', 0, 1, 9],
      ['user:42', 1, 1, 1],
      ['k0', 2, 1, 5],
      ['k3', 1, 0, 4],
      ['k8', 2, 2, 2],
      ['', 0, 1, 9],
    ];
    for (const [n, column] of [[3, 1], [4, 2], [12, 3]] as const) {
      const messages = java.map(([key]) => message(key));
      assert.deepEqual(new PartitionChooser('hash').place(messages, () => n), []);
      assert.deepEqual(messages.map((m) => m.partition), java.map((row) => row[column]), `${n} partitions`);
    }
  });

  it('hash: records without a key go round-robin', () => {
    const messages = Array.from({ length: 6 }, () => message(null));
    new PartitionChooser('hash').place(messages, () => 3);
    const counts = [0, 0, 0];
    for (const m of messages) counts[m.partition]!++;
    assert.deepEqual(counts, [2, 2, 2]);
  });

  it('keep: the source partition, or a failure when the target has fewer', () => {
    const messages = [message('a', 1), message('b', 3)];
    const failures = new PartitionChooser('keep').place(messages, () => 2);
    assert.equal(messages[0]!.partition, 1);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.error.message, /topic t has 2 partitions: partition 3 cannot be kept/);
  });
});

describe('chunks', () => {
  const m = (topic: string, partition: number, bytes: number, index: number): OutgoingMessage => ({
    index,
    sourceTopic: 's',
    sourcePartition: 0,
    topic,
    partition,
    key: null,
    value: null,
    headers: undefined,
    timestamp: '0',
    bytes,
  });

  it('one chunk per topic partition in order, cut by bytes; a record over the limit goes alone', () => {
    const limit = BATCH_OVERHEAD + 100;
    const chunks = chunk([m('a', 0, 40, 0), m('a', 1, 10, 1), m('a', 0, 40, 2), m('a', 0, 40, 3), m('b', 0, 500, 4), m('b', 0, 10, 5), m('a', 0, 10, 6)], () => limit);
    assert.deepEqual(
      chunks.map((c) => [c.topic, c.partition, c.messages.map((x) => x.index)]),
      [
        ['a', 0, [0, 2]],
        ['a', 0, [3, 6]],
        ['a', 1, [1]],
        ['b', 0, [4]],
        ['b', 0, [5]],
      ],
    );
  });

  it('a limit of 1 byte sends every record alone', () => {
    assert.equal(chunk([m('a', 0, 5, 0), m('a', 0, 5, 1)], () => 1).length, 2);
  });
});

describe('request size in messages', () => {
  it('thousands of small messages of one partition go in one request (only bytes bound it: kafkajs groups them in linear time, patched)', () => {
    const many = Array.from({ length: 10_001 }, (_, index): OutgoingMessage => ({ index, sourceTopic: 's', sourcePartition: 0, topic: 't', partition: 0, key: null, value: null, headers: undefined, timestamp: '0', bytes: 1 }));
    assert.deepEqual(chunk(many, () => 1 << 20).map((c) => c.messages.length), [10_001]);
  });
});
