/**
 * Reading the kafka connector's target back in the suites: a collector consumes a topic for the
 * whole test (`read_committed` unless asked otherwise) and keeps each record once per offset, so
 * its own re-reads after a broker restart never count twice while a record the sink wrote twice
 * (two offsets) does.
 */
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { KAFKA_TARGET_BROKERS } from './env.js';
import { uniqueName } from './kafka.js';

export const targetKafka = new Kafka({ clientId: 'sinkhub-tests', brokers: KAFKA_TARGET_BROKERS, logLevel: logLevel.NOTHING });

export const kafkaTargetServer = { name: 'Kafka (target cluster)', address: KAFKA_TARGET_BROKERS[0]!, service: 'kafka-target' };

/** The sink's `kafka:` block (YAML, flow style) for the target cluster. */
export const targetClusterYaml = `kafka: { brokers: [${KAFKA_TARGET_BROKERS.map((b) => JSON.stringify(b)).join(', ')}] }`;

export async function createTopicOn(kafka: Kafka, topic: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface CollectedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: IHeaders;
}

export class TopicCollector {
  private readonly seen = new Map<string, CollectedMessage>();
  private consumer: Consumer | undefined;
  private stopped = false;

  private constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly readUncommitted: boolean,
  ) {}

  /** Starts consuming `topic` (which must exist) from its beginning. */
  static async start(kafka: Kafka, topic: string, options: { readUncommitted?: boolean } = {}): Promise<TopicCollector> {
    const collector = new TopicCollector(kafka, topic, options.readUncommitted ?? false);
    await collector.consume();
    return collector;
  }

  /** Every record read, by partition and offset. */
  messages(): CollectedMessage[] {
    return [...this.seen.values()].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }

  /** The JSON values' `id`s, one per record read (a record written twice counts twice). */
  ids(): number[] {
    return this.messages().flatMap((m) => (m.value ? [Number((JSON.parse(m.value.toString('utf8')) as { id: number }).id)] : []));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async consume(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: uniqueName('collector'), allowAutoTopicCreation: false, readUncommitted: this.readUncommitted, maxWaitTimeInMs: 200, sessionTimeout: 10_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.stopped) void this.again(consumer);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.seen.set(`${partition}:${message.offset}`, {
          partition,
          offset: Number(message.offset),
          key: message.key,
          value: message.value,
          timestamp: Number(message.timestamp),
          headers: message.headers ?? {},
        });
      },
    });
  }

  /** The consumer gave up (a long broker outage): a new one reads from the beginning again. */
  private async again(old: Consumer): Promise<void> {
    await old.disconnect().catch(() => undefined);
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, 1000));
      try {
        await this.consume();
        return;
      } catch {
        // The broker is still down: try again.
      }
    }
  }
}

/**
 * Bytes the brokers sent to read `count` records of `topic` (the sizes of kafkajs' Fetch
 * responses): what compression saves on the wire, seen from a client.
 */
export async function fetchedBytes(brokers: readonly string[], topic: string, count: number, timeoutMs = 30_000): Promise<number> {
  let bytes = 0;
  const kafka = new Kafka({
    clientId: 'sinkhub-tests',
    brokers: [...brokers],
    logLevel: logLevel.DEBUG,
    logCreator: () => ({ log }) => {
      if (log.message.startsWith('Response Fetch') && typeof log['size'] === 'number') bytes += log['size'];
    },
  });
  const consumer = kafka.consumer({ groupId: uniqueName('bytes'), allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen} of ${count} records of ${topic}`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return bytes;
}
