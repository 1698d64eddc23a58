/**
 * Reading a topic that transactional producers write: records of aborted transactions never
 * reach the sink, even when several producers' transactions interleave in one partition (the
 * case kafkajs 2.2.4's read_committed filter got wrong: patches/kafkajs+2.2.4.patch).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { KAFKA_BROKERS, requireServer } from '../src/env.js';
import { readPublished } from '../src/file-output.js';
import { createTopic, kafka, uniqueName } from '../src/kafka.js';
import { filePipeline } from '../src/pipelines.js';
import { SinkhubProcess, eventually } from '../src/sinkhub-process.js';

before(() => requireServer('Kafka', KAFKA_BROKERS[0]!));

describe('transactional source topics', () => {
  it('drops the records of aborted transactions that interleave with others', { timeout: 90_000 }, async () => {
    const topic = uniqueName('txn-source');
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-txn-'));
    await createTopic(topic, 1);
    const producers = ['a', 'b', 'c'].map((id) => kafka.producer({ transactionalId: `${topic}-${id}`, idempotent: true, maxInFlightRequests: 1 }));
    const plain = kafka.producer();
    try {
      await Promise.all([...producers, plain].map((p) => p.connect()));
      const send = (value: object) => ({ topic, messages: [{ value: JSON.stringify(value) }] });
      let id = 0;
      for (let round = 0; round < 3; round++) {
        // Three transactions open at once, in one partition: a commits, b and c abort.
        const [a, b, c] = await Promise.all(producers.map((p) => p.transaction()));
        await b!.send(send({ id: -1, from: 'b' }));
        await a!.send(send({ id: id++, from: 'a' }));
        await c!.send(send({ id: -1, from: 'c' }));
        await b!.send(send({ id: -1, from: 'b' }));
        await c!.abort();
        await a!.commit();
        await b!.abort();
        await plain.send(send({ id: id++, from: 'plain' }));
      }
      const proc = SinkhubProcess.run(filePipeline({ name: topic, topic, dir, rollRecords: 1 }));
      await eventually(async () => (await readPublished(dir)).length >= id, 45_000, `the ${id} committed records`);
      // Give an aborted record that would slip through the time to be published too.
      await new Promise((r) => setTimeout(r, 2000));
      proc.kill('SIGTERM');
      assert.equal(await proc.waitForExit(), 0);
      const written = (await readPublished(dir)).map((r) => r.value);
      assert.deepEqual(written.filter((v) => v.id < 0), [], 'no record of an aborted transaction');
      assert.deepEqual(written.map((v) => v.id).sort((x, y) => x - y), [...Array(id).keys()]);
    } finally {
      await Promise.all([...producers, plain].map((p) => p.disconnect()));
    }
  });
});
