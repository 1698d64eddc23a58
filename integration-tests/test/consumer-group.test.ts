/**
 * Two processes in one group split a 4-partition topic under load (the second joins
 * mid-stream); one is SIGKILLed; the other takes its partitions over. Nothing is lost or
 * duplicated across either rebalance (exactly-once file sink, shared directory).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { deliveryReport, readPublished } from '../src/file-output.js';
import { createTopic, jsonEvents, produceOverTime, uniqueName } from '../src/kafka.js';
import { filePipeline } from '../src/pipelines.js';
import { SinkhubProcess, eventually, type LogLine } from '../src/sinkhub-process.js';

const RECORDS = 20_000;

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

function assignment(run: SinkhubProcess): string[] {
  const last = run.logs.filter((l: LogLine) => l.msg === 'partitions assigned').pop();
  return (last?.['assigned'] as string[] | undefined) ?? [];
}

describe('consumer group', () => {
  it('splits partitions between two processes; the survivor takes over a killed one', { timeout: 150_000 }, async () => {
    const topic = uniqueName('group');
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-group-'));
    await createTopic(topic, 4);
    const yaml = filePipeline({ name: topic, topic, dir });

    const a = SinkhubProcess.run(yaml);
    await a.waitForLog((l) => l.msg === 'partitions opened');
    const producing = produceOverTime(topic, jsonEvents(RECORDS), 4, 15_000);
    await eventually(async () => (await readPublished(dir)).length >= 2000, 60_000, 'a publishing');
    const b = SinkhubProcess.run(yaml);
    await eventually(() => assignment(a).length === 2 && assignment(b).length === 2, 60_000, 'a 2 + 2 split');
    assert.deepEqual([...assignment(a), ...assignment(b)].sort(), [0, 1, 2, 3].map((p) => `${topic}:${p}`));
    const bPartitions = new Set(assignment(b).map((k) => Number(k.split(':').pop())));
    const bStart = (await readPublished(dir)).filter((r) => bPartitions.has(r.partition)).length;
    await eventually(async () => (await readPublished(dir)).filter((r) => bPartitions.has(r.partition)).length >= bStart + 1000, 60_000, 'b publishing');
    assert.ok((await readPublished(dir)).length < RECORDS, 'b is killed mid-stream');
    b.kill('SIGKILL');
    await b.waitForExit();

    await eventually(() => assignment(a).length === 4, 60_000, 'a takes all 4 partitions');
    await producing;
    await eventually(async () => deliveryReport(await readPublished(dir), RECORDS).distinct === RECORDS, 60_000, 'every record published');
    a.kill('SIGTERM');
    assert.equal(await a.waitForExit(25_000), 0);

    const report = deliveryReport(await readPublished(dir), RECORDS);
    assert.deepEqual([report.total, report.duplicates, report.missing], [RECORDS, 0, []]);
  });
});
