/** The file sink's two-phase protocol: stage, roll, publish by rename, recover after a crash. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SinkRecord } from '../src/connector.js';
import { FencedError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { fileOptions, FileSink } from '../src/sinks/file/index.js';

const context = { pipeline: 't', delivery: 'exactly-once' as const, logger: createLogger('silent'), kafka: { brokers: ['127.0.0.1:9092'], client_id: 'sinkhub', connection_timeout_ms: 10_000 }, groupId: 'sinkhub-t' };
const rec = (partition: number, offset: number, value: unknown = { id: offset }): SinkRecord => ({
  topic: 'ev', partition, offset, timestamp: 0, key: null, value, headers: {}, size: 10,
});

async function sinkIn(dir: string, options: Record<string, unknown> = {}) {
  const sink = new FileSink(fileOptions.parse({ path: dir, ...options }), context);
  await sink.connect();
  return sink;
}

describe('file sink', () => {
  it('stages, publishes on a forced prepare, names files by offset range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const sink = await sinkIn(dir, { content: 'value' });
    await sink.write({ records: [rec(0, 5), rec(0, 6), rec(1, 9)] });
    assert.deepEqual(await sink.prepare(false), [], 'not due yet');
    assert.deepEqual(readdirSync(dir), ['.staging']);
    const units = await sink.prepare(true);
    assert.equal(units.length, 2);
    for (const unit of units) await sink.commit(unit);
    assert.deepEqual(readdirSync(dir).sort(), ['.staging', 'ev+0+0000000005+0000000006.jsonl', 'ev+1+0000000009+0000000009.jsonl']);
    assert.equal(readFileSync(join(dir, 'ev+0+0000000005+0000000006.jsonl'), 'utf8'), '{"id":5}\n{"id":6}\n');
    assert.deepEqual(units.flatMap((u) => u.ranges).sort((a, b) => a.partition - b.partition), [
      { topic: 'ev', partition: 0, next: 7 },
      { topic: 'ev', partition: 1, next: 10 },
    ]);
    await sink.commit(units[0]!); // idempotent: already in place
    await sink.stop();
  });

  it('rolls a file when it holds max_records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const sink = await sinkIn(dir, { roll: { max_records: 2 } });
    await sink.write({ records: [rec(0, 0)] });
    assert.equal((await sink.prepare(false)).length, 0);
    await sink.write({ records: [rec(0, 1)] });
    assert.equal((await sink.prepare(false)).length, 1);
    await sink.stop();
  });

  it('after a crash, removes staged leftovers and resumes after the last published offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const before = await sinkIn(dir);
    await before.write({ records: [rec(0, 0), rec(0, 1)] });
    for (const unit of await before.prepare(true)) await before.commit(unit);
    await before.write({ records: [rec(0, 2), rec(0, 3)] }); // staged, never published: the "crash"
    writeFileSync(join(dir, '.staging', 'ev+7.other-writer.tmp'), 'another partition, not ours');

    const after = await sinkIn(dir);
    assert.deepEqual(await after.open([{ topic: 'ev', partition: 0 }, { topic: 'ev', partition: 1 }]), [{ topic: 'ev', partition: 0, next: 2 }]);
    assert.deepEqual(readdirSync(join(dir, '.staging')), ['ev+7.other-writer.tmp'], 'only our partitions’ leftovers removed');
    await before.stop();
    await after.stop();
  });

  it('close abandons staged work of revoked partitions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const sink = await sinkIn(dir);
    await sink.write({ records: [rec(0, 0), rec(1, 0)] });
    await sink.close([{ topic: 'ev', partition: 0 }]);
    const units = await sink.prepare(true);
    assert.deepEqual(units.map((u) => u.ranges[0]!.partition), [1]);
    assert.equal(readdirSync(join(dir, '.staging')).length, 1);
    await sink.stop();
  });

  it('a unit the partition’s new owner removed is fenced: published before its open or not at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const old = await sinkIn(dir);
    await old.write({ records: [rec(0, 0), rec(1, 0)] });
    const units = await old.prepare(true);
    const [p0, p1] = [0, 1].map((p) => units.find((u) => u.ranges[0]!.partition === p)!);
    await old.commit(p1!); // published before the takeover: the new owner resumes after it
    const owner = await sinkIn(dir);
    assert.deepEqual(await owner.open([{ topic: 'ev', partition: 0 }, { topic: 'ev', partition: 1 }]), [{ topic: 'ev', partition: 1, next: 1 }]);
    await assert.rejects(old.commit(p0!), (e: Error) => e instanceof FencedError && /another writer took this partition over/.test(e.message));
    assert.deepEqual(readdirSync(dir).sort(), ['.staging', 'ev+1+0000000000+0000000000.jsonl']);
    await old.stop();
    await owner.stop();
  });

  it('writes bytes values as base64 and full records with their metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fs-'));
    const sink = await sinkIn(dir);
    await sink.write({ records: [rec(0, 0, Buffer.from('hi'))] });
    const [unit] = await sink.prepare(true);
    await sink.commit(unit!);
    const line = JSON.parse(readFileSync(join(dir, 'ev+0+0000000000+0000000000.jsonl'), 'utf8'));
    assert.deepEqual(line, { topic: 'ev', partition: 0, offset: 0, timestamp: 0, key: null, headers: {}, value: 'aGk=' });
    await sink.stop();
    assert.deepEqual(readdirSync(join(dir, '.staging')), []);
  });
});
