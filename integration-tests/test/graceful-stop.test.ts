/**
 * SIGTERM mid-run: the process stops fetching, writes and publishes what it holds, commits and
 * exits 0; a restart in exactly-once mode re-delivers nothing that was published before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { deliveryReport, readPublished } from '../src/file-output.js';
import { committedOffsets, createTopic, jsonEvents, produceOverTime, uniqueName } from '../src/kafka.js';
import { filePipeline } from '../src/pipelines.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

const RECORDS = 10_000;

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

async function scrape(run: SinkhubProcess, metric: string): Promise<number> {
  const up = await run.waitForLog((l) => l.msg === 'metrics and health endpoint up');
  const body = await (await fetch(String(up['url']))).text();
  const line = body.split('\n').find((l) => l.startsWith(metric));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('graceful stop', () => {
  it('SIGTERM flushes, publishes and commits; a restart re-delivers nothing', { timeout: 120_000 }, async () => {
    const topic = uniqueName('sigterm');
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-sigterm-'));
    await createTopic(topic, 2);
    const yaml = filePipeline({ name: topic, topic, dir, rollRecords: 100_000, httpPort: 0 });
    const producing = produceOverTime(topic, jsonEvents(RECORDS), 2, 6000);

    const first = SinkhubProcess.run(yaml);
    await first.waitForLog((l) => l.msg === 'partitions opened');
    // Files roll only by age here, so what is staged at SIGTERM must be published by the stop.
    await eventually(() => first.logs.some((l) => l.msg === 'progress' && Number(l['records_total']) > 2000), 30_000, '2000 records handled');
    const stopAt = Date.now();
    first.kill('SIGTERM');
    assert.equal(await first.waitForExit(25_000), 0, 'exit code 0 after a graceful stop');
    assert.ok(Date.now() - stopAt < 20_000, 'stopped within the bound');
    assert.deepEqual(readdirSync(join(dir, '.staging')), [], 'nothing left staged');

    const published = await readPublished(dir);
    const handled = Number(first.logs.filter((l) => l.msg === 'progress').pop()?.['records_total'] ?? 0);
    assert.ok(published.length >= handled, `everything handled before the stop was published (${published.length} ≥ ${handled})`);
    const committed = await committedOffsets(`sinkhub-${topic}`, topic);
    for (const partition of [0, 1]) {
      const mine = published.filter((r) => r.partition === partition);
      const next = mine.length === 0 ? -1 : Math.max(...mine.map((r) => r.offset)) + 1;
      assert.equal(committed.get(partition), next, `partition ${partition}: committed offset is the published end`);
    }

    await producing;
    const second = SinkhubProcess.run(yaml);
    await eventually(async () => deliveryReport(await readPublished(dir), RECORDS).distinct === RECORDS, 60_000, 'the rest published');
    const consumedAgain = await scrape(second, 'sinkhub_records_consumed_total');
    second.kill('SIGTERM');
    assert.equal(await second.waitForExit(25_000), 0);

    assert.equal(consumedAgain, RECORDS - published.length, 'the restart consumed only what was not published before');
    const report = deliveryReport(await readPublished(dir), RECORDS);
    assert.deepEqual([report.total, report.duplicates, report.missing], [RECORDS, 0, []]);
  });

  it('SIGTERM while starting: the start completes, then the stop is as clean (exit 0)', { timeout: 60_000 }, async () => {
    const topic = uniqueName('sigterm-start');
    await createTopic(topic, 1);
    const run = SinkhubProcess.run(filePipeline({ name: topic, topic, dir: mkdtempSync(join(tmpdir(), 'sinkhub-sigterm-start-')) }));
    // Logged as the start begins, before the sink and the consumer connect.
    await run.waitForLog((l) => l.msg === 'starting pipeline');
    run.kill('SIGTERM');
    assert.equal(await run.waitForExit(25_000), 0, 'exit code 0, not killed by the signal');
    assert.ok(run.logs.some((l) => l.msg === 'stopping: draining, publishing and committing'));
    assert.ok(run.logs.some((l) => l.msg === 'pipeline stopped'));
  });
});
