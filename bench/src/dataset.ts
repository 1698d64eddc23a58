/**
 * The data set: one topic, N JSON records of a fixed size spread evenly over its partitions,
 * produced with kcat (librdkafka), which fills a topic far faster than a Node producer.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Kafka, logLevel } from 'kafkajs';

export interface Dataset {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
  /** Sum of the value bytes of every record (keys not included). */
  readonly valueBytes: number;
  /** Time to produce the topic, or null when an existing topic was reused. */
  readonly produceMs: number | null;
}

/**
 * Value `i` of the data set: a JSON object of exactly `bytes` bytes (padded with a string
 * field), or of its natural size when `bytes` is smaller than the object without padding.
 */
export function recordValue(i: number, bytes: number): string {
  const head = `{"id":${i},"type":"page_view","user":"user-${i % 100_000}","ts":${1_700_000_000_000 + i},"pad":"`;
  const tail = '"}';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

/**
 * Value `i` as the JSON converter's schema-carrying envelope (`{"schema":…,"payload":…}`), for
 * connectors that need typed records (Debezium's JDBC sink): the payload is `recordValue(i)`.
 */
export function schemaEnvelope(value: string): string {
  return `{"schema":${RECORD_SCHEMA},"payload":${value}}`;
}

const RECORD_SCHEMA = JSON.stringify({
  type: 'struct',
  name: 'bench.Record',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'type', type: 'string', optional: true },
    { field: 'user', type: 'string', optional: true },
    { field: 'ts', type: 'int64', optional: true },
    { field: 'pad', type: 'string', optional: true },
  ],
});

export function valueBytesOf(records: number, bytes: number): number {
  let total = 0;
  for (let i = 0; i < records; i++) total += Buffer.byteLength(recordValue(i, bytes));
  return total;
}

export async function createTopic(broker: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'sinkhub-bench', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopic(broker: string, topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'sinkhub-bench', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/** Messages per partition (end offsets; topics are new, so they start at 0). */
export async function topicCounts(broker: string, topic: string): Promise<number[]> {
  const admin = new Kafka({ clientId: 'sinkhub-bench', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high) - Number(o.low));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces records 0..records-1 into `topic`, record i into partition i % partitions, key
 * `String(i)`, value `encode(recordValue(i))`. One kcat process per partition reads
 * `key<TAB>value` lines from a pipe.
 */
export async function produceDataset(broker: string, topic: string, partitions: number, records: number, bytes: number, encode: (value: string) => string = (v) => v): Promise<Dataset> {
  await createTopic(broker, topic, partitions);
  const started = performance.now();
  await Promise.all(Array.from({ length: partitions }, (_, p) => producePartition(broker, topic, p, partitions, records, bytes, encode)));
  const produceMs = performance.now() - started;
  const counts = await topicCounts(broker, topic);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== records) throw new Error(`topic ${topic} holds ${total} records (${counts.join('+')}), expected ${records}`);
  return { topic, partitions, records, valueBytes: valueBytesOf(records, bytes), produceMs };
}

async function producePartition(broker: string, topic: string, partition: number, partitions: number, records: number, bytes: number, encode: (value: string) => string): Promise<void> {
  const kcat = spawn(
    'kcat',
    ['-P', '-b', broker, '-t', topic, '-p', String(partition), '-K', '\t', '-X', 'linger.ms=50', '-X', 'batch.size=1000000', '-X', 'batch.num.messages=10000', '-X', 'queue.buffering.max.messages=1000000'],
    { stdio: ['pipe', 'inherit', 'pipe'] },
  );
  let stderr = '';
  kcat.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(kcat, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let chunk = '';
  for (let i = partition; i < records; i += partitions) {
    chunk += `${i}\t${encode(recordValue(i, bytes))}\n`;
    if (chunk.length >= 1 << 20) {
      if (!kcat.stdin.write(chunk)) await once(kcat.stdin, 'drain');
      chunk = '';
    }
  }
  kcat.stdin.end(chunk);
  const [code] = await exited;
  if (code !== 0) throw new Error(`kcat producer for partition ${partition} exited with ${code}: ${stderr.trim()}`);
}
