/** Kafka helpers for the suites: topics, producing test records, reading topics and group offsets. */
import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type IHeaders } from 'kafkajs';
import { KAFKA_BROKERS } from './env.js';

export const kafka = new Kafka({ clientId: 'sinkhub-tests', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });

/** A name no earlier run used, so suites never see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function createTopic(topic: string, partitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface TestMessage {
  readonly key?: string | null;
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Record<string, string>;
}

/** Produces in batches; with no partition given, messages spread round-robin over `partitions`. */
export async function produce(topic: string, messages: readonly TestMessage[], partitions = 1): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 500).map((m, j) => ({
          key: m.key ?? null,
          value: m.value,
          partition: m.partition ?? (i + j) % partitions,
          ...(m.headers && { headers: m.headers }),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** `count` JSON events `{"id": from+i, ...}` of roughly `bytes` bytes each. */
export function jsonEvents(count: number, from = 0, bytes = 120): TestMessage[] {
  const pad = 'x'.repeat(Math.max(0, bytes - 60));
  return Array.from({ length: count }, (_, i) => ({ key: String(from + i), value: JSON.stringify({ id: from + i, type: 'click', ts: 1_700_000_000_000 + from + i, pad }) }));
}

/** Produces `messages` spread evenly over `durationMs`, so a process can be killed mid-stream. */
export async function produceOverTime(topic: string, messages: readonly TestMessage[], partitions: number, durationMs: number, slices = 20): Promise<void> {
  const per = Math.ceil(messages.length / slices);
  for (let i = 0; i < slices; i++) {
    await produce(topic, messages.slice(i * per, (i + 1) * per), partitions);
    await new Promise((r) => setTimeout(r, durationMs / slices));
  }
}

export interface ReadMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** Reads a topic from the beginning until `expected` messages arrived or `timeoutMs` passed. */
export async function readTopic(topic: string, expected: number, timeoutMs = 20_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      if (expected === 0) return;
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          out.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value, headers: headerStrings(message.headers) });
          if (out.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** The group's committed next offset per partition (-1 where nothing is committed). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
}
