/**
 * A transactional sink that commits the group's offsets in its own transaction
 * (`commitsGroupOffsets`): the core must then commit none itself, while it still hands the sink
 * the offsets with each write, and a sink without the flag still gets the core's commits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { batchPolicyOf } from '../src/config/load.js';
import { Hub, createLogger, defineConnector, z, type Batch, type OffsetUpdate, type StoredOffset, type TopicPartition } from '../src/index.js';
import { Metrics } from '../src/metrics.js';
import { Pipeline } from '../src/pipeline.js';
import type { KafkaSource, SourceListener, SourceMessage } from '../src/source/source.js';

/** The consumer as the pipeline sees it, fed by the test: records what the core commits. */
class ScriptedSource implements KafkaSource {
  readonly commits: StoredOffset[][] = [];
  listener: SourceListener | undefined;
  async start(listener: SourceListener): Promise<void> {
    this.listener = listener;
  }
  async commit(offsets: readonly StoredOffset[]): Promise<void> {
    this.commits.push([...offsets]);
  }
  seek(): void {}
  pause(): void {}
  async stop(): Promise<void> {}
}

function connectorWith(commitsGroupOffsets: boolean, writes: { records: number; offsets: readonly OffsetUpdate[] | undefined }[]) {
  return defineConnector({
    name: 'group-offsets',
    summary: 'test sink',
    options: z.strictObject({}),
    guarantee: { summary: 'exactly-once (transactional)' },
    exactlyOnce: () => 'transactional',
    create: () => ({
      commitsGroupOffsets,
      async connect() {},
      async open(partitions: readonly TopicPartition[]) {
        return partitions.map((tp) => ({ ...tp, next: 0 }));
      },
      async write(batch: Batch, offsets?: readonly OffsetUpdate[]) {
        writes.push({ records: batch.records.length, offsets });
      },
      async stop() {},
    }),
  });
}

async function runThreeRecords(commitsGroupOffsets: boolean) {
  const writes: { records: number; offsets: readonly OffsetUpdate[] | undefined }[] = [];
  const connector = connectorWith(commitsGroupOffsets, writes);
  const { file } = Hub.validate(
    { kafka: { brokers: ['127.0.0.1:1'] }, http: false, pipelines: [{ name: 'p', source: { topics: ['t'] }, sink: { type: connector.name }, delivery: 'exactly-once' }] },
    [connector],
  );
  const config = file.pipelines[0]!;
  const source = new ScriptedSource();
  const pipeline = new Pipeline({
    config,
    kafkaConfig: file.kafka,
    connector,
    batchPolicy: batchPolicyOf(config, { maxRecords: 3, maxWaitMs: 10 }),
    kafka: {} as Kafka,
    source,
    metrics: new Metrics(),
    logger: createLogger('silent'),
  });
  await pipeline.start();
  const tp = { topic: 't', partition: 0 };
  await source.listener!.assigned([tp]);
  const messages: SourceMessage[] = [0, 1, 2].map((offset) => ({ ...tp, offset, timestamp: 0, key: null, value: Buffer.from(`{"id":${offset}}`), headers: {} }));
  await source.listener!.messages(tp, messages, 3);
  for (let i = 0; i < 100 && writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await pipeline.stop();
  return { writes, commits: source.commits };
}

describe('transactional sinks and group commits', () => {
  it('a sink that commits the group offsets in its transaction gets no commit from the core', async () => {
    const { writes, commits } = await runThreeRecords(true);
    assert.deepEqual(writes, [{ records: 3, offsets: [{ topic: 't', partition: 0, expected: 0, next: 3 }] }]);
    assert.deepEqual(commits, []);
  });

  it('any other transactional sink still gets its offsets committed by the core', async () => {
    const { writes, commits } = await runThreeRecords(false);
    assert.equal(writes.length, 1);
    assert.deepEqual(commits, [[{ topic: 't', partition: 0, next: 3 }]]);
  });
});
