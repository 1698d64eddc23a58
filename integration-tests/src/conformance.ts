/**
 * The conformance suite every connector runs against its real server: read-back of a batch,
 * poison records to the dead-letter topic, three SIGKILL/restart cycles over 50k records, and a
 * server outage mid-stream. A connector joins by adding one test file that calls
 * `conformanceSuite` with how to configure it and how to read its target back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KAFKA_BROKERS, requireServer } from './env.js';
import { createTopic, jsonEvents, produce, produceOverTime, readTopic, uniqueName, type TestMessage } from './kafka.js';
import { pipelineYaml } from './pipelines.js';
import { SinkhubProcess, eventually } from './sinkhub-process.js';

export interface ConformanceTarget {
  /** Shown in test names, e.g. `mysql (upsert)`. */
  readonly name: string;
  /** The guarantee the connector claims with these options. */
  readonly delivery: 'exactly-once' | 'at-least-once';
  /** The server's name and `host:port`, checked before the suite (a missing one fails). */
  readonly server?: { readonly name: string; readonly address: string; readonly service?: string };
  /** Body of the `sink:` block (YAML) writing `topic`'s records: JSON values `{"id": n, ...}`. */
  sink(topic: string): string;
  /** The `id`s the target holds for `topic`, one entry per stored record (duplicates included). */
  readIds(topic: string): Promise<number[]>;
  /** Prepares the target for `topic` before a pipeline writes to it (say, a table with dedup keys). */
  prepare?(topic: string): Promise<void>;
  /** Records in a batch (default 100); large targets may want more. */
  readonly maxRecords?: number;
  /**
   * Multiplies the time limits of the crash and outage cases (default 1), for a client that is
   * slow per record on a loaded 2-core machine. Counts and checks stay the same.
   */
  readonly timeScale?: number;
}

const SERVICES = fileURLToPath(new URL('../../services/', import.meta.url));
const run = promisify(execFile);

/** Stops or starts a server through its integration-tests/services script. */
export async function service(name: string, action: 'start' | 'stop'): Promise<void> {
  await run('bash', [`${SERVICES}${name}.sh`, action], { timeout: 120_000 });
}

function expectDelivered(ids: number[], expected: number, delivery: ConformanceTarget['delivery']): void {
  const distinct = new Set(ids);
  const missing: number[] = [];
  for (let id = 0; id < expected && missing.length < 10; id++) if (!distinct.has(id)) missing.push(id);
  assert.deepEqual(missing, [], 'no record lost');
  assert.equal(distinct.size, expected);
  if (delivery === 'exactly-once') assert.equal(ids.length, expected, `no record stored twice (${ids.length - distinct.size} duplicates)`);
}

export function conformanceSuite(target: ConformanceTarget): void {
  const t = (ms: number) => ms * (target.timeScale ?? 1);
  const yaml = (topic: string, extra: { tolerance?: 'all'; dlq?: string; commitIntervalMs?: number } = {}) =>
    pipelineYaml({
      name: topic,
      topic,
      sink: target.sink(topic),
      delivery: target.delivery,
      maxRecords: target.maxRecords ?? 100,
      ...(extra.dlq && { tolerance: 'all', deadLetterTopic: extra.dlq }),
      ...(extra.commitIntervalMs !== undefined && { commitIntervalMs: extra.commitIntervalMs }),
    });

  describe(`conformance: ${target.name}`, () => {
    before(async () => {
      await requireServer('Kafka', KAFKA_BROKERS[0]!);
      if (target.server) await requireServer(target.server.name, target.server.address);
    });

    it('writes what it consumes and reads back each record', { timeout: 60_000 }, async () => {
      const topic = uniqueName('conf-basic');
      await createTopic(topic, 2);
      await target.prepare?.(topic);
      await produce(topic, jsonEvents(1000), 2);
      const proc = SinkhubProcess.run(yaml(topic));
      await eventually(async () => new Set(await target.readIds(topic)).size >= 1000, 45_000, '1000 records in the target');
      proc.kill('SIGTERM');
      assert.equal(await proc.waitForExit(), 0);
      expectDelivered(await target.readIds(topic), 1000, target.delivery);
    });

    it('sends records it cannot decode to the dead-letter topic and writes the rest', { timeout: 60_000 }, async () => {
      const topic = uniqueName('conf-poison');
      const dlq = `${topic}-dlq`;
      await createTopic(topic, 1);
      await target.prepare?.(topic);
      const messages: TestMessage[] = jsonEvents(500).flatMap((m, i) => (i % 50 === 0 ? [{ key: `bad-${i}`, value: `{"id": ${i},` }, m] : [m]));
      await produce(topic, messages);
      const proc = SinkhubProcess.run(yaml(topic, { dlq }));
      await eventually(async () => new Set(await target.readIds(topic)).size >= 500, 45_000, '500 records in the target');
      const letters = await readTopic(dlq, 10);
      proc.kill('SIGTERM');
      assert.equal(await proc.waitForExit(), 0);
      expectDelivered(await target.readIds(topic), 500, target.delivery);
      assert.equal(letters.length, 10);
      assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'decode' && l.headers['sinkhub.source.topic'] === topic));
    });

    it(`holds 50k records ${target.delivery === 'exactly-once' ? 'exactly once' : 'at least once'} across 3 SIGKILL/restart cycles`, { timeout: t(300_000) }, async () => {
      const RECORDS = 50_000;
      const topic = uniqueName('conf-crash');
      await createTopic(topic, 4);
      await target.prepare?.(topic);
      const producing = produceOverTime(topic, jsonEvents(RECORDS), 4, 20_000, 40);
      // Kafka offsets are committed only every 5 s, so each kill leaves written records past the
      // group's offset: only the sink's own exactly-once mechanism keeps them from coming twice.
      const crashYaml = yaml(topic, { commitIntervalMs: 5000 });
      for (const share of [0.15, 0.35, 0.6]) {
        const proc = SinkhubProcess.run(crashYaml);
        await proc.waitForLog((l) => l.msg === 'partitions opened', 60_000);
        await eventually(async () => new Set(await target.readIds(topic)).size >= RECORDS * share, t(120_000), `${share * 100}% of the records`);
        proc.kill('SIGKILL');
        await proc.waitForExit();
      }
      const partial = new Set(await target.readIds(topic)).size;
      assert.ok(partial < RECORDS, `the kills came mid-stream (${partial} of ${RECORDS} stored)`);
      const last = SinkhubProcess.run(crashYaml);
      await producing;
      await eventually(async () => new Set(await target.readIds(topic)).size >= RECORDS, t(180_000), 'every record stored').catch(async (error: Error) => {
        const stored = new Set(await target.readIds(topic)).size;
        // Killed, or its pipes would keep this test process from ever exiting.
        last.kill('SIGKILL');
        throw new Error(`${error.message} (${stored} stored); the last run's log ends:\n${last.stderr.slice(-20).join('\n')}`);
      });
      last.kill('SIGTERM');
      assert.equal(await last.waitForExit(), 0);
      expectDelivered(await target.readIds(topic), RECORDS, target.delivery);
    });

    if (target.server?.service) {
      const serviceName = target.server.service;
      it('rides out a server outage of ~10 s mid-stream with nothing lost', { timeout: t(180_000) }, async () => {
        const RECORDS = 10_000;
        const topic = uniqueName('conf-outage');
        await createTopic(topic, 2);
        await target.prepare?.(topic);
        const producing = produceOverTime(topic, jsonEvents(RECORDS), 2, 15_000);
        const proc = SinkhubProcess.run(yaml(topic));
        await eventually(async () => new Set(await target.readIds(topic)).size >= 1000, 60_000, 'records flowing');
        await service(serviceName, 'stop');
        await new Promise((r) => setTimeout(r, 10_000));
        await service(serviceName, 'start');
        await producing;
        await eventually(async () => new Set(await target.readIds(topic)).size >= RECORDS, t(120_000), 'every record after the outage');
        // Two-phase sinks stage locally and meet the outage when publishing.
        const retried = proc.logs.filter((l) => l.msg === 'write failed; retrying' || l.msg === 'some records failed; retrying them' || l.msg === 'publishing failed; retrying');
        assert.ok(retried.length > 0, 'writes failed during the outage and were retried');
        proc.kill('SIGTERM');
        assert.equal(await proc.waitForExit(), 0);
        expectDelivered(await target.readIds(topic), RECORDS, target.delivery);
      });
    }
  });
}
