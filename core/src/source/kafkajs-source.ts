/** `KafkaSource` on kafkajs: manual commits, partition readiness gating, heartbeats while waiting. */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { StoredOffset, TopicPartition } from '../connector.js';
import type { Logger } from '../logger.js';
import type { KafkaSource, SourceListener, SourceMessage, SourceSubscription } from './source.js';


const NO_HEADERS = Object.freeze({});
/** Longest a fetch waits for data; also bounds how long a stop waits for the last fetch. */
const MAX_FETCH_WAIT_MS = 500;

export class KafkajsSource implements KafkaSource {
  private readonly consumer: Consumer;
  private assignment = new Set<string>();
  /** Resolved once the listener opened a newly assigned partition. */
  private readonly ready = new Map<string, Promise<void>>();
  private paused = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly subscription: SourceSubscription,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: subscription.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: subscription.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(subscription.sessionTimeoutMs / 5)),
      maxBytes: 16 * 1024 * 1024,
      maxWaitTimeInMs: MAX_FETCH_WAIT_MS,
    });
  }

  async start(listener: SourceListener): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.REBALANCING, () => listener.rebalancing());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment, listener));
    await consumer.connect();
    if (this.subscription.topics) await this.checkTopicsExist(this.subscription.topics);
    const topics = this.subscription.topicPattern ? [new RegExp(this.subscription.topicPattern)] : [...(this.subscription.topics ?? [])];
    await consumer.subscribe({ topics, fromBeginning: this.subscription.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload, listener),
    });
  }

  async commit(offsets: readonly StoredOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.next) })));
  }

  seek(tp: TopicPartition, offset: number): void {
    this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    const topics = new Set([...this.assignment].map((key) => key.slice(0, key.lastIndexOf(':'))));
    this.consumer.pause([...topics].map((topic) => ({ topic })));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async checkTopicsExist(topics: readonly string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length > 0) throw new Error(`topic${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist`);
    } finally {
      await admin.disconnect();
    }
  }

  private onJoin(assigned: Record<string, number[]>, listener: SourceListener): void {
    const next = new Set(Object.entries(assigned).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)));
    const revoked = [...this.assignment].filter((key) => !next.has(key));
    const added = [...next].filter((key) => !this.assignment.has(key));
    this.assignment = next;
    if (revoked.length > 0) {
      for (const key of revoked) this.ready.delete(key);
      listener.revoked(revoked.map(parseKey));
    }
    this.logger.info({ assigned: [...next], added, revoked }, 'partitions assigned');
    if (added.length > 0) {
      const opened = listener.assigned(added.map(parseKey));
      for (const key of added) this.ready.set(key, opened);
    }
    if (this.paused) this.consumer.pause(Object.keys(assigned).map((topic) => ({ topic })));
  }

  private async onBatch({ batch, isStale, isRunning, heartbeat }: EachBatchPayload, listener: SourceListener): Promise<void> {
    const tp = { topic: batch.topic, partition: batch.partition };
    await this.ready.get(`${tp.topic}:${tp.partition}`);
    if (isStale() || !isRunning() || batch.messages.length === 0) return;
    const messages = batch.messages.map(
      (m): SourceMessage => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: Number(m.offset),
        timestamp: Number(m.timestamp),
        key: m.key ?? null,
        value: m.value ?? null,
        headers: m.headers ?? NO_HEADERS,
      }),
    );
    // A slow sink makes `messages` wait (backpressure); keep the group membership alive meanwhile,
    // and give up waiting when a rebalance starts so the consumer can rejoin in time.
    let rebalance: (() => void) | undefined;
    const rebalancing = new Promise<void>((resolve) => (rebalance = resolve));
    const timer = setInterval(() => heartbeat().catch(() => rebalance?.()), Math.min(3_000, Math.floor(this.subscription.sessionTimeoutMs / 5)));
    try {
      await Promise.race([listener.messages(tp, messages, Number(batch.highWatermark)), rebalancing]);
    } finally {
      clearInterval(timer);
    }
  }
}

function parseKey(key: string): TopicPartition {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
