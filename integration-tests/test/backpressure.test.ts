/**
 * Backpressure: with the sink stalled, fetching pauses once `buffer_max_bytes` wait for it, so
 * memory stays bounded however much the topic holds; when the sink comes back everything flows.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { defineConnector, z, type Hub } from '@sinkhub/core';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { startLibraryHub } from '../src/library-hub.js';
import { createTopic, jsonEvents, produce, uniqueName } from '../src/kafka.js';
import { eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

const RECORDS = 30_000;
const RECORD_BYTES = 1000;
const BUFFER_BYTES = 512 * 1024;

async function metric(hub: Hub, name: string): Promise<number> {
  const values = (await hub.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.reduce((sum, v) => sum + v.value, 0);
}

describe('backpressure', () => {
  it('stops fetching while the sink is stalled, then drains everything', { timeout: 90_000 }, async (t) => {
    const topic = uniqueName('backpressure');
    await createTopic(topic, 1);
    await produce(topic, jsonEvents(RECORDS, 0, RECORD_BYTES));

    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const written: number[] = [];
    const stallingSink = defineConnector({
      name: 'stalling',
      summary: 'waits until released',
      options: z.strictObject({}),
      guarantee: { summary: 'test' },
      create: () => ({
        async connect() {},
        async write(batch) {
          await stalled;
          for (const r of batch.records) written.push((r.value as { id: number }).id);
        },
        async stop() {},
      }),
    });
    const hub = await startLibraryHub(topic, stallingSink, { batching: { max_records: 200, buffer_max_bytes: BUFFER_BYTES } });

    await eventually(async () => (await metric(hub, 'sinkhub_records_consumed_total')) > 0, 30_000, 'consumption to start');
    await new Promise((r) => setTimeout(r, 3000));
    const consumedWhileStalled = await metric(hub, 'sinkhub_records_consumed_total');
    // Held: the buffer bound, the batch in the sink, and the fetch that crossed the bound
    // (kafkajs fetches up to 1 MiB per partition).
    const bound = (BUFFER_BYTES + 200 * RECORD_BYTES + 1024 * 1024) / RECORD_BYTES;
    t.diagnostic(`consumed while stalled: ${consumedWhileStalled} of ${RECORDS} (bound ${bound})`);
    assert.ok(consumedWhileStalled <= bound, `consumed ${consumedWhileStalled} records while stalled; bound ${bound} of ${RECORDS}`);

    release();
    await eventually(() => written.length === RECORDS, 60_000, 'all records written after the stall');
    await hub.stop();
    assert.equal(new Set(written).size, RECORDS);
  });
});
