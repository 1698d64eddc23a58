/**
 * 20k records through the file sink while the process is SIGKILLed twice mid-stream and
 * restarted: exactly-once keeps every record exactly once; at-least-once keeps every record.
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
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

const RECORDS = 20_000;
const PARTITIONS = 4;

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

for (const delivery of ['exactly-once', 'at-least-once'] as const) {
  describe(`file sink, ${delivery}, SIGKILLed twice`, () => {
    it(`holds all ${RECORDS} records ${delivery === 'exactly-once' ? 'exactly once' : 'at least once'}`, { timeout: 180_000 }, async () => {
      const topic = uniqueName('crash');
      const dir = mkdtempSync(join(tmpdir(), 'sinkhub-crash-'));
      await createTopic(topic, PARTITIONS);
      const yaml = filePipeline({ name: topic, topic, dir, delivery });
      const producing = produceOverTime(topic, jsonEvents(RECORDS), PARTITIONS, 12_000);

      let kills = 0;
      for (const threshold of [RECORDS / 5, RECORDS / 2]) {
        const run = SinkhubProcess.run(yaml);
        await run.waitForLog((l) => l.msg === 'partitions opened');
        await eventually(async () => (await readPublished(dir)).length >= threshold, 60_000, `${threshold} records published`);
        run.kill('SIGKILL');
        assert.equal(await run.waitForExit(), null, 'killed by signal');
        kills++;
      }
      const before = (await readPublished(dir)).length;
      assert.ok(before < RECORDS, `the kills happened mid-stream (${before} of ${RECORDS} published)`);

      const last = SinkhubProcess.run(yaml);
      await producing;
      await eventually(async () => deliveryReport(await readPublished(dir), RECORDS).distinct === RECORDS, 90_000, 'every record published');
      last.kill('SIGTERM');
      assert.equal(await last.waitForExit(), 0);

      const report = deliveryReport(await readPublished(dir), RECORDS);
      assert.equal(kills, 2);
      assert.deepEqual(report.missing, [], 'no record lost');
      assert.equal(report.distinct, RECORDS);
      if (delivery === 'exactly-once') assert.equal(report.duplicates, 0, 'no record written twice');
    });
  });
}
