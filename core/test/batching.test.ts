/** BatchAccumulator: batch limits, waiting, order, backpressure bound, removal and close. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchAccumulator } from '../src/accumulator.js';
import type { BatchPolicy } from '../src/batch-policy.js';

interface Item {
  id: number;
  size: number;
}
const item = (id: number, size = 10): Item => ({ id, size });
const policy = (p: Partial<BatchPolicy> = {}): BatchPolicy => ({ maxRecords: 3, maxBytes: 1000, maxWaitMs: 50, bufferMaxBytes: 100, ...p });

describe('BatchAccumulator', () => {
  it('cuts full batches at max records, keeping arrival order across chunks', async () => {
    const acc = new BatchAccumulator<Item>(policy());
    acc.add([item(1), item(2)]);
    acc.add([item(3), item(4)]);
    assert.deepEqual((await acc.next(1000)).map((i) => i.id), [1, 2, 3]);
    assert.equal(acc.size, 1);
  });

  it('cuts at max bytes, but always hands out at least one record', async () => {
    const acc = new BatchAccumulator<Item>(policy({ maxRecords: 100, maxBytes: 25 }));
    acc.add([item(1, 10), item(2, 10), item(3, 10), item(4, 50)]);
    assert.deepEqual((await acc.next(1000)).map((i) => i.id), [1, 2, 3]);
    assert.deepEqual((await acc.next(1000)).map((i) => i.id), [4]);
  });

  it('hands out a partial batch once its oldest record waited max wait', async () => {
    const acc = new BatchAccumulator<Item>(policy({ maxWaitMs: 80 }));
    acc.add([item(1)]);
    const started = Date.now();
    assert.deepEqual((await acc.next(5000)).map((i) => i.id), [1]);
    const waited = Date.now() - started;
    assert.ok(waited >= 70 && waited < 1000, `waited ${waited} ms`);
  });

  it('resolves empty after the idle time when nothing arrives', async () => {
    const acc = new BatchAccumulator<Item>(policy());
    const started = Date.now();
    assert.deepEqual(await acc.next(60), []);
    assert.ok(Date.now() - started >= 50);
  });

  it('a flush request hands out what is there at once', async () => {
    const acc = new BatchAccumulator<Item>(policy({ maxWaitMs: 10_000 }));
    acc.add([item(1)]);
    const next = acc.next(10_000);
    acc.requestFlush();
    assert.deepEqual((await next).map((i) => i.id), [1]);
  });

  it('whenRoom waits above the buffer bound and resolves once a batch is taken', async () => {
    const acc = new BatchAccumulator<Item>(policy({ bufferMaxBytes: 30 }));
    acc.add([item(1), item(2), item(3), item(4)]);
    let roomy = false;
    const room = acc.whenRoom().then(() => (roomy = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(roomy, false, 'blocked at 40 of 30 bytes');
    await acc.next(1000);
    await room;
    assert.equal(acc.bufferedBytes, 10);
  });

  it('remove drops matching records and frees room', async () => {
    const acc = new BatchAccumulator<Item>(policy({ bufferMaxBytes: 30 }));
    acc.add([item(1), item(2), item(3), item(4)]);
    const room = acc.whenRoom();
    acc.remove((i) => i.id % 2 === 0);
    await room;
    assert.deepEqual((await acc.next(1000)).map((i) => i.id), [1, 3]);
  });

  it('close hands out the rest, then empty batches, and releases waiters', async () => {
    const acc = new BatchAccumulator<Item>(policy({ maxWaitMs: 10_000, bufferMaxBytes: 5 }));
    acc.add([item(1)]);
    const room = acc.whenRoom();
    acc.close();
    await room;
    assert.deepEqual((await acc.next(10_000)).map((i) => i.id), [1]);
    assert.deepEqual(await acc.next(10_000), []);
  });
});
