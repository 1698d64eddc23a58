/**
 * Poison records (invalid JSON among valid ones) go to the dead-letter topic with the
 * documented headers while the valid ones are written; with tolerance `none` the pipeline
 * stops at the first one and commits nothing past it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DLQ_HEADERS } from '@sinkhub/core';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { deliveryReport, readPublished } from '../src/file-output.js';
import { committedOffsets, createTopic, jsonEvents, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { filePipeline } from '../src/pipelines.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

/** 1000 valid events on one partition with a poison message after every 100th. */
function withPoison(): { messages: TestMessage[]; poisonOffsets: number[] } {
  const messages: TestMessage[] = [];
  const poisonOffsets: number[] = [];
  for (const [i, event] of jsonEvents(1000).entries()) {
    messages.push({ ...event, partition: 0 });
    if (i % 100 === 99) {
      poisonOffsets.push(messages.length);
      messages.push({ key: `poison-${i}`, value: `{"id": ${i}, broken`, partition: 0, headers: { origin: 'test' } });
    }
  }
  return { messages, poisonOffsets };
}

describe('dead-letter topic', () => {
  it('receives every poison record with its context; the valid records are written', { timeout: 60_000 }, async () => {
    const topic = uniqueName('poison');
    const dlq = `${topic}-dlq`;
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-dlq-'));
    await createTopic(topic, 1);
    const { messages, poisonOffsets } = withPoison();
    await produce(topic, messages);

    const run = SinkhubProcess.run(filePipeline({ name: topic, topic, dir, tolerance: 'all', deadLetterTopic: dlq }));
    await eventually(async () => (await readPublished(dir)).length >= 1000, 30_000, 'valid records published');
    const letters = await readTopic(dlq, poisonOffsets.length);
    run.kill('SIGTERM');
    assert.equal(await run.waitForExit(), 0);

    const report = deliveryReport(await readPublished(dir), 1000);
    assert.deepEqual([report.distinct, report.duplicates, report.missing], [1000, 0, []]);
    assert.equal(letters.length, poisonOffsets.length);
    for (const [i, letter] of letters.entries()) {
      const original = messages[poisonOffsets[i]!]!;
      assert.equal(letter.value?.toString(), original.value, 'original value kept');
      assert.equal(letter.key, original.key, 'original key kept');
      assert.equal(letter.headers['origin'], 'test', 'original headers kept');
      assert.equal(letter.headers[DLQ_HEADERS.topic], topic);
      assert.equal(letter.headers[DLQ_HEADERS.partition], '0');
      assert.equal(letter.headers[DLQ_HEADERS.offset], String(poisonOffsets[i]));
      assert.equal(letter.headers[DLQ_HEADERS.pipeline], topic);
      assert.equal(letter.headers[DLQ_HEADERS.stage], 'decode');
      assert.equal(letter.headers[DLQ_HEADERS.errorClass], 'SyntaxError');
      assert.match(letter.headers[DLQ_HEADERS.errorMessage] ?? '', /JSON/);
      assert.equal(letter.headers[DLQ_HEADERS.attempts], '1');
    }
    // Everything was handled, so the group committed the end of the partition.
    assert.equal((await committedOffsets(`sinkhub-${topic}`, topic)).get(0), messages.length);
  });

  it('with tolerance none, stops at the first poison record and commits nothing past it', { timeout: 60_000 }, async () => {
    const topic = uniqueName('poison-none');
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-none-'));
    await createTopic(topic, 1);
    const { messages, poisonOffsets } = withPoison();
    await produce(topic, messages);

    const run = SinkhubProcess.run(filePipeline({ name: topic, topic, dir, tolerance: 'none', maxRecords: 10 }));
    assert.equal(await run.waitForExit(), 1, 'exit code 1: a pipeline failed');
    const failure = run.logs.find((l) => l.msg === 'pipeline failed');
    assert.match(String(failure?.['err']), new RegExp(`${topic}/0@${poisonOffsets[0]} failed to decode`));

    const committed = (await committedOffsets(`sinkhub-${topic}`, topic)).get(0) ?? -1;
    assert.ok(committed <= poisonOffsets[0]!, `committed ${committed} is not past the poison record at ${poisonOffsets[0]}`);
    const written = await readPublished(dir);
    assert.ok(written.every((r) => r.offset < poisonOffsets[0]!), 'nothing past the poison record was published');
  });
});
