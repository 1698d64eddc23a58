/**
 * The transactional exactly-once hook, proven with a small real store: rows and offsets live in
 * one JSON file replaced atomically (write + rename), so a write is all or nothing. The core
 * must pass the offsets with each write, resume from the offsets the store holds (not from the
 * group's), and stop when another writer moved them (fencing).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FencedError, defineConnector, z, type Batch, type OffsetUpdate, type TopicPartition } from '@sinkhub/core';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { startLibraryHub } from '../src/library-hub.js';
import { committedOffsets, createTopic, jsonEvents, kafka, produce, uniqueName } from '../src/kafka.js';
import { eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

interface StoreState {
  offsets: Record<string, number>;
  rows: { id: number; partition: number; offset: number }[];
}

const read = (path: string): StoreState => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { offsets: {}, rows: [] });
const commitState = (path: string, state: StoreState) => {
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
};

const jsonStore = defineConnector({
  name: 'json-store',
  summary: 'rows and offsets in one atomically replaced JSON file',
  options: z.strictObject({ path: z.string() }),
  guarantee: { summary: 'exactly-once (transactional)' },
  exactlyOnce: () => 'transactional',
  create: ({ path }) => ({
    async connect() {},
    async open(partitions: readonly TopicPartition[]) {
      const { offsets } = read(path);
      return partitions.filter((tp) => `${tp.topic}:${tp.partition}` in offsets).map((tp) => ({ ...tp, next: offsets[`${tp.topic}:${tp.partition}`]! }));
    },
    async write(batch: Batch, updates?: readonly OffsetUpdate[]) {
      assert.ok(updates, 'exactly-once writes carry offsets');
      const state = read(path);
      for (const u of updates) {
        const held = state.offsets[`${u.topic}:${u.partition}`] ?? null;
        if (held !== u.expected) throw new FencedError(`${u.topic}:${u.partition} holds ${held}, expected ${u.expected}`);
        state.offsets[`${u.topic}:${u.partition}`] = u.next;
      }
      for (const r of batch.records) state.rows.push({ id: (r.value as { id: number }).id, partition: r.partition, offset: r.offset });
      commitState(path, state);
    },
    async stop() {},
  }),
});

function start(topic: string, path: string) {
  return startLibraryHub(topic, jsonStore, { sink: { type: 'json-store', path }, batching: { max_records: 50, max_wait_ms: 10 }, delivery: 'exactly-once' });
}

describe('transactional sink', () => {
  it('resumes from the offsets the sink holds when the group offset lags behind', { timeout: 90_000 }, async () => {
    const topic = uniqueName('tx');
    const path = join(mkdtempSync(join(tmpdir(), 'sinkhub-tx-')), 'store.json');
    await createTopic(topic, 2);
    await produce(topic, jsonEvents(2000), 2);

    const first = await start(topic, path);
    await eventually(() => read(path).rows.length === 2000, 30_000, 'first 2000 rows');
    await first.stop();

    // As if the process died after its transactions but before committing to the group.
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: `sinkhub-${topic}`, topic, partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
    await admin.disconnect();
    assert.deepEqual([...(await committedOffsets(`sinkhub-${topic}`, topic)).values()], [0, 0]);

    await produce(topic, jsonEvents(1000, 2000), 2);
    const second = await start(topic, path);
    await eventually(() => read(path).rows.length >= 3000, 30_000, 'the next 1000 rows');
    await new Promise((r) => setTimeout(r, 1000));
    await second.stop();

    const rows = read(path).rows;
    assert.equal(rows.length, 3000, 'nothing consumed twice');
    assert.equal(new Set(rows.map((r) => r.id)).size, 3000);
    assert.deepEqual(read(path).offsets, { [`${topic}:0`]: 1500, [`${topic}:1`]: 1500 });
  });

  it('stops with a clear error when another writer moved the offsets (fencing)', { timeout: 60_000 }, async () => {
    const topic = uniqueName('tx-fence');
    const path = join(mkdtempSync(join(tmpdir(), 'sinkhub-fence-')), 'store.json');
    await createTopic(topic, 1);
    await produce(topic, jsonEvents(100));
    const hub = await start(topic, path);
    await eventually(() => read(path).rows.length === 100, 30_000, '100 rows');

    const state = read(path);
    state.offsets[`${topic}:0`] = 5000; // a zombie (or a second owner) wrote since
    commitState(path, state);
    await produce(topic, jsonEvents(10, 100));

    await assert.rejects(hub.done, /holds 5000, expected 100/);
    await hub.stop();
    assert.equal(read(path).rows.length, 100, 'the fenced write stored nothing');
  });
});
