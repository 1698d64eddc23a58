/**
 * A sink that fails transiently, then succeeds: nothing is lost and nothing is committed
 * before the sink acknowledged. Runs the core as a library, with a connector defined in code.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DLQ_HEADERS, defineConnector, z, type Batch, type RecordFailure } from '@sinkhub/core';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { startLibraryHub } from '../src/library-hub.js';
import { committedOffsets, createTopic, jsonEvents, produce, readTopic, uniqueName } from '../src/kafka.js';
import { eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

interface Script {
  /** Whole-batch failures before the first success. */
  batchFailures: number;
  /** Per record id: how many times it fails as retryable, or 'bad' to fail for ever. */
  recordFailures: Map<number, number | 'bad'>;
}

/** A sink that records what it was asked to write, failing as the script says. */
function flakySink(script: Script, onFailure: () => Promise<void>) {
  const written: number[] = [];
  const definition = defineConnector({
    name: 'flaky',
    summary: 'test sink failing on purpose',
    options: z.strictObject({}),
    guarantee: { summary: 'test' },
    create: () => ({
      async connect() {},
      async write(batch: Batch) {
        if (script.batchFailures > 0) {
          script.batchFailures--;
          await onFailure();
          throw new Error('server busy, try later');
        }
        const failures: RecordFailure[] = [];
        batch.records.forEach((record, index) => {
          const id = (record.value as { id: number }).id;
          const plan = script.recordFailures.get(id);
          if (plan === 'bad') failures.push({ index, error: new Error(`record ${id} rejected: bad field`), retryable: false });
          else if (plan !== undefined && plan > 0) {
            script.recordFailures.set(id, plan - 1);
            failures.push({ index, error: new Error('throttled'), retryable: true });
          } else written.push(id);
        });
        return failures.length > 0 ? { failures } : undefined;
      },
      async stop() {},
    }),
  });
  return { definition, written };
}

function runHub(topic: string, definition: ReturnType<typeof flakySink>['definition'], dlq?: string) {
  return startLibraryHub(topic, definition, {
    batching: { max_records: 100, max_wait_ms: 20 },
    errors: { ...(dlq ? { tolerance: 'all', dead_letter_topic: dlq } : {}), retry: { initial_backoff_ms: 100, max_backoff_ms: 300 } },
  });
}

describe('transient sink failures', () => {
  it('retries a failing batch with backoff; commits only after the sink acknowledged', { timeout: 60_000 }, async () => {
    const topic = uniqueName('flaky');
    await createTopic(topic, 1);
    await produce(topic, jsonEvents(1000));
    const committedWhileFailing: number[] = [];
    const { definition, written } = flakySink({ batchFailures: 4, recordFailures: new Map() }, async () => {
      committedWhileFailing.push((await committedOffsets(`sinkhub-${topic}`, topic)).get(0) ?? -1);
    });
    const started = Date.now();
    const hub = await runHub(topic, definition);
    await eventually(() => written.length >= 1000, 30_000, 'all records written');
    const elapsed = Date.now() - started;
    await hub.stop();
    await hub.done;

    assert.deepEqual(committedWhileFailing, [-1, -1, -1, -1], 'nothing committed while the first batch kept failing');
    assert.equal(written.length, 1000);
    assert.equal(new Set(written).size, 1000, 'each record acknowledged once');
    assert.ok(elapsed >= 100 + 200 + 300, `backed off between attempts (${elapsed} ms)`);
    assert.equal((await committedOffsets(`sinkhub-${topic}`, topic)).get(0), 1000, 'committed after the writes');
  });

  it('retries only the records that failed retryably; dead-letters the ones that cannot succeed', { timeout: 60_000 }, async () => {
    const topic = uniqueName('flaky-records');
    const dlq = `${topic}-dlq`;
    await createTopic(topic, 1);
    await produce(topic, jsonEvents(500));
    const { definition, written } = flakySink(
      { batchFailures: 0, recordFailures: new Map<number, number | 'bad'>([[7, 2], [250, 1], [13, 'bad'], [499, 'bad']]) },
      async () => {},
    );
    const hub = await runHub(topic, definition, dlq);
    await eventually(() => written.length >= 498, 30_000, 'the writable records written');
    const letters = await readTopic(dlq, 2);
    await hub.stop();
    await hub.done;

    assert.equal(written.length, 498);
    assert.equal(new Set(written).size, 498, 'a retried record is written once');
    assert.ok(written.includes(7) && written.includes(250), 'retryable records got through');
    assert.deepEqual(letters.map((l) => l.key).sort(), ['13', '499']);
    for (const letter of letters) {
      assert.equal(letter.headers[DLQ_HEADERS.stage], 'write');
      assert.match(letter.headers[DLQ_HEADERS.errorMessage] ?? '', /rejected: bad field/);
    }
    assert.equal((await committedOffsets(`sinkhub-${topic}`, topic)).get(0), 500);
  });
});
