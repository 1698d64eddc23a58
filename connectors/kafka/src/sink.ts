/**
 * Kafka I/O. At-least-once: one producer (acks all, one request in flight per broker), each
 * target partition's messages sent in order. Exactly-once: one transactional producer per source
 * partition, `transactional.id` = `<prefix><topic>-<partition>`; a batch's records of that
 * partition and its next offset commit in one transaction (offsets in the source's group on the
 * same cluster, in the offsets topic on another). A process that takes a partition over
 * initialises the same `transactional.id`, which aborts what the previous owner left open and
 * fences it: its next send or commit fails with a fenced error.
 */
import kafkajs, { type Admin, type Kafka, type Message, type Producer, type Transaction } from 'kafkajs';
import {
  FencedError,
  SinkError,
  createKafka,
  type Batch,
  type OffsetUpdate,
  type RecordFailure,
  type Sink,
  type SinkContext,
  type SinkRecord,
  type StoredOffset,
  type TopicPartition,
  type WriteResult,
} from '@sinkhub/core';
import { classify, describe } from './errors.js';
import { OffsetStore, otherClusterLocation, sameClusterLocation, tpKey } from './offsets.js';
import type { KafkaSinkOptions } from './options.js';
import { MessageBuilder, PartitionChooser, chunk, type Chunk, type OutgoingMessage } from './records.js';
import { TopicCatalog } from './topics.js';
import SnappyCodec from 'kafkajs-snappy';

const { CompressionCodecs, CompressionTypes, Partitioners } = kafkajs;

/** Attempts kafkajs makes itself before a request fails back to the core (which retries with backoff). */
const CLIENT_RETRY = { retries: 5, initialRetryTime: 100, maxRetryTime: 3000 };

/** One source partition's transactional producer and the offset it knows is stored. */
interface PartitionWriter {
  readonly tp: TopicPartition;
  producer: Producer;
  /** Next offset stored for the partition (null: none). */
  known: number | null;
  /** A transaction failed in a way that leaves its outcome or the producer's state unknown. */
  broken: boolean;
}

export class KafkaSink implements Sink {
  readonly commitsGroupOffsets: boolean;
  private readonly kafka: Kafka;
  private readonly where: string;
  private readonly sameCluster: boolean;
  private readonly exactlyOnce: boolean;
  private readonly builder: MessageBuilder;
  private readonly chooser: PartitionChooser;
  private readonly compression: kafkajs.CompressionTypes;
  private admin: Admin | undefined;
  private catalog: TopicCatalog | undefined;
  private producer: Producer | undefined;
  private store: OffsetStore | undefined;
  private readonly writers = new Map<string, PartitionWriter>();
  /** Topics whose records go one per request until a write succeeds: a request of several was refused for a record's sake. */
  private readonly isolated = new Set<string>();
  /** Target topics' `max.message.bytes`, as the catalog last gave them. */
  private readonly maxMessageBytes = new Map<string, number>();

  constructor(
    private readonly options: KafkaSinkOptions,
    private readonly context: SinkContext,
  ) {
    this.sameCluster = options.kafka === undefined;
    const cluster = options.kafka ?? context.kafka;
    this.where = cluster.brokers.join(',');
    // kafkajs' default retries make an unreachable cluster take ~10 s to fail; these, ~3 s.
    this.kafka = createKafka(cluster, context.logger, { retry: CLIENT_RETRY });
    this.exactlyOnce = context.delivery === 'exactly-once';
    this.commitsGroupOffsets = this.exactlyOnce && this.sameCluster;
    this.builder = new MessageBuilder(options, this.sameCluster);
    this.chooser = new PartitionChooser(options.partition);
    this.compression = compressionOf(options.compression);
  }

  async connect(): Promise<void> {
    try {
      const admin = this.kafka.admin();
      this.admin = admin;
      await admin.connect();
      this.catalog = new TopicCatalog(admin, this.options.create_topics, (topic) => this.context.logger.info({ topic, cluster: this.where }, 'created topic'));
      if (!this.options.topic.includes('{{')) {
        const topic = this.options.topic;
        if (!(await this.catalog.describe([topic])).get(topic)) throw new Error(`topic ${topic} does not exist (create it, or set create_topics)`);
      }
      if (this.exactlyOnce) {
        const { groupId } = this.context;
        this.store = new OffsetStore(admin, this.sameCluster ? sameClusterLocation(groupId) : otherClusterLocation(groupId, this.options.offsets_topic));
      } else {
        const producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, retry: CLIENT_RETRY });
        await producer.connect();
        this.producer = producer;
      }
    } catch (error) {
      await this.stop();
      throw new SinkError(`kafka at ${this.where}: ${describe(error)}`, { retryable: false, cause: error });
    }
  }

  /**
   * Exactly-once: fences earlier owners of the partitions, then returns the offsets they stored.
   * A failure here stops the pipeline, so passing trouble (coordinators loading or moving, a
   * dead owner's transaction still being aborted) is waited out for a while first.
   */
  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    if (!this.exactlyOnce || partitions.length === 0) return [];
    const deadline = Date.now() + this.options.transaction_timeout_ms + 30_000;
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.sameCluster) await this.store!.ensurePartitions(this.options.offsets_topic, Math.max(...partitions.map((tp) => tp.partition)) + 1);
        await Promise.all(partitions.filter((tp) => !this.writers.has(tpKey(tp))).map((tp) => this.startWriter(tp)));
        const stored = await this.store!.read(partitions);
        for (const tp of partitions) this.writers.get(tpKey(tp))!.known = stored.get(tpKey(tp)) ?? null;
        return partitions.filter((tp) => stored.has(tpKey(tp))).map((tp) => ({ ...tp, next: stored.get(tpKey(tp))! }));
      } catch (error) {
        if (classify(error) !== 'retryable' || Date.now() > deadline) {
          throw new SinkError(`kafka at ${this.where}: opening ${partitions.map(tpKey).join(', ')}: ${describe(error)}`, { retryable: false, cause: error });
        }
        this.context.logger.warn({ attempt, err: describe(error) }, 'opening partitions failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  }

  async close(partitions: readonly TopicPartition[]): Promise<void> {
    await Promise.all(
      partitions.map(async (tp) => {
        const writer = this.writers.get(tpKey(tp));
        this.writers.delete(tpKey(tp));
        await writer?.producer.disconnect().catch(() => undefined);
      }),
    );
  }

  async write(batch: Batch, offsets?: readonly OffsetUpdate[]): Promise<WriteResult> {
    const { messages, failures } = await this.translate(batch.records);
    if (!offsets) return this.writeAtLeastOnce(messages, failures);
    // A transactional write that reports failures commits nothing: the core retries the rest.
    if (failures.length > 0) return { failures };
    const bySource = new Map<string, OutgoingMessage[]>();
    for (const m of messages) {
      const key = tpKey({ topic: m.sourceTopic, partition: m.sourcePartition });
      const list = bySource.get(key);
      if (list) list.push(m);
      else bySource.set(key, [m]);
    }
    const outcomes = await Promise.allSettled(offsets.map((o) => this.commitPartition(o, bySource.get(tpKey(o)) ?? [])));
    const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    const fenced = errors.find((e) => e instanceof FencedError);
    if (fenced) throw fenced;
    const fatal = errors.find((e) => e instanceof SinkError && !e.retryable);
    if (fatal) throw fatal;
    if (errors.length > 0) throw errors[0];
    const recordFailures = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value : []));
    if (recordFailures.length > 0) return { failures: recordFailures };
    this.isolated.clear();
    return undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.producer.disconnect().catch(() => undefined)));
    this.writers.clear();
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.producer = undefined;
    this.store = undefined;
    this.admin = undefined;
  }

  /** Messages with their topics looked up and partitions chosen; records that cannot be written as failures. */
  private async translate(records: readonly SinkRecord[]): Promise<{ messages: OutgoingMessage[]; failures: RecordFailure[] }> {
    const built = await this.builder.build(records);
    const failures = [...built.failures];
    let topics;
    try {
      topics = await this.catalog!.describe(built.messages.map((m) => m.topic));
    } catch (error) {
      throw this.batchError(error);
    }
    for (const [topic, info] of topics) if (info) this.maxMessageBytes.set(topic, info.maxMessageBytes);
    const messages: OutgoingMessage[] = [];
    for (const m of built.messages) {
      if (topics.get(m.topic)) messages.push(m);
      else failures.push({ index: m.index, error: new Error(`topic ${m.topic} does not exist on ${this.where} (create it, or set create_topics)`), retryable: false });
    }
    failures.push(...this.chooser.place(messages, (topic) => topics.get(topic)!.partitions));
    const failed = new Set(failures.map((f) => f.index));
    return { messages: messages.filter((m) => !failed.has(m.index)), failures };
  }

  private chunks(messages: readonly OutgoingMessage[]): Chunk[] {
    return chunk(messages, (topic) => (this.isolated.has(topic) ? 1 : Math.min(this.options.max_request_bytes, this.maxMessageBytes.get(topic) ?? this.options.max_request_bytes)));
  }

  private async writeAtLeastOnce(messages: readonly OutgoingMessage[], early: readonly RecordFailure[]): Promise<WriteResult> {
    const failures: RecordFailure[] = [...early];
    const byPartition = new Map<string, Chunk[]>();
    for (const c of this.chunks(messages)) {
      const key = `${c.topic}\u0000${c.partition}`;
      const list = byPartition.get(key);
      if (list) list.push(c);
      else byPartition.set(key, [c]);
    }
    let fatal: unknown;
    let unwritten: unknown;
    await Promise.all(
      [...byPartition.values()].map(async (chunks) => {
        for (let i = 0; i < chunks.length; i++) {
          try {
            await this.producer!.send({ topic: chunks[i]!.topic, acks: -1, compression: this.compression, messages: chunks[i]!.messages.map(toMessage) });
          } catch (error) {
            const kind = classify(error);
            if (kind === 'fatal' || kind === 'fenced') fatal ??= error;
            if (kind === 'retryable') unwritten ??= error;
            failures.push(...this.chunkFailures(chunks[i]!, error));
            // What follows in this partition waits for the failed records, keeping their order.
            for (const later of chunks.slice(i + 1)) for (const m of later.messages) failures.push({ index: m.index, error: new Error('held back behind a failed request to the same partition'), retryable: true });
            return;
          }
        }
      }),
    );
    if (fatal) throw this.batchError(fatal);
    // Nothing written at all (the cluster is down, say): a batch error, retried whole.
    if (unwritten && failures.length - early.length === messages.length && failures.slice(early.length).every((f) => f.retryable)) throw this.batchError(unwritten);
    if (failures.length === early.length) this.isolated.clear();
    return failures.length > 0 ? { failures } : undefined;
  }

  /**
   * The record failures a refused request means: a record-level refusal of a single record is
   * that record's; of several, its topic goes one record per request, and they are retried.
   * Any other error leaves them all to retry.
   */
  private chunkFailures(c: Chunk, error: unknown): RecordFailure[] {
    if (classify(error) !== 'record') {
      if (classify(error) === 'retryable') this.catalog!.forget(c.topic);
      return c.messages.map((m) => ({ index: m.index, error: new Error(`kafka at ${this.where}: ${describe(error)}`), retryable: true }));
    }
    if (c.messages.length === 1) {
      return [{ index: c.messages[0]!.index, error: new Error(`kafka at ${this.where} refused the record for ${c.topic}/${c.partition}: ${describe(error)}`), retryable: false }];
    }
    this.isolated.add(c.topic);
    return c.messages.map((m) => ({ index: m.index, error: new Error(`${describe(error)} (retrying one record per request)`), retryable: true }));
  }

  /** One source partition's records and next offset in one transaction; its record failures if it committed nothing for them. */
  private async commitPartition(o: OffsetUpdate, messages: readonly OutgoingMessage[]): Promise<RecordFailure[]> {
    const key = tpKey(o);
    const writer = this.writers.get(key);
    if (!writer) throw new FencedError(`partition ${key} is not open in this process`);
    if (writer.broken) await this.renew(writer);
    if (writer.known === o.next && o.expected !== o.next) return []; // the previous attempt committed it
    if (writer.known !== o.expected) {
      throw new FencedError(`the offset stored for ${key} is ${writer.known}, expected ${o.expected}: another process wrote the partition`);
    }
    let transaction: Transaction;
    try {
      transaction = await writer.producer.transaction();
    } catch (error) {
      writer.broken = true;
      throw this.transactionError(key, error);
    }
    let current: Chunk | undefined;
    try {
      for (const c of this.chunks(messages)) {
        current = c;
        await transaction.send({ topic: c.topic, acks: -1, compression: this.compression, messages: c.messages.map(toMessage) });
      }
      current = undefined;
      await this.store!.add(transaction, o, o.next);
    } catch (error) {
      const failures = current && classify(error) === 'record' ? this.chunkFailures(current, error) : undefined;
      // A refused record leaves the producer sound once aborted; anything else may not.
      const aborted = await transaction.abort().then(
        () => true,
        () => false,
      );
      if (!aborted || !failures) writer.broken = true;
      if (failures?.some((f) => !f.retryable)) return failures.filter((f) => !f.retryable);
      throw this.transactionError(key, error);
    }
    try {
      await transaction.commit();
    } catch (error) {
      // Committed or not: the next attempt's fresh producer and stored offset tell.
      writer.broken = true;
      throw this.transactionError(key, error);
    }
    writer.known = o.next;
    return [];
  }

  /** A transactional producer for the partition, initialised: earlier producers of its id are fenced. */
  private async startWriter(tp: TopicPartition): Promise<PartitionWriter> {
    const producer = this.kafka.producer({
      transactionalId: `${this.options.transactional_id_prefix ?? `sinkhub-${this.context.groupId}-`}${tp.topic}-${tp.partition}`,
      transactionTimeout: this.options.transaction_timeout_ms,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: CLIENT_RETRY,
    });
    try {
      await producer.connect();
      // kafkajs sends InitProducerId with the first transaction: an empty one does it now.
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    const writer: PartitionWriter = { tp, producer, known: null, broken: false };
    this.writers.set(tpKey(tp), writer);
    return writer;
  }

  /** After an uncertain failure: a fresh producer (fencing the old one), and the stored offset read again. */
  private async renew(writer: PartitionWriter): Promise<void> {
    const key = tpKey(writer.tp);
    await writer.producer.disconnect().catch(() => undefined);
    this.writers.delete(key);
    let fresh: PartitionWriter;
    try {
      fresh = await this.startWriter(writer.tp);
    } catch (error) {
      this.writers.set(key, writer);
      throw this.transactionError(key, error);
    }
    try {
      fresh.known = (await this.store!.read([writer.tp])).get(key) ?? null;
    } catch (error) {
      fresh.broken = true;
      throw this.transactionError(key, error);
    }
    writer.producer = fresh.producer;
    writer.known = fresh.known;
    writer.broken = false;
    this.writers.set(key, writer);
  }

  private transactionError(key: string, error: unknown): Error {
    const kind = classify(error);
    if (kind === 'fenced') return new FencedError(`kafka at ${this.where}: the producer of ${key} was fenced (${describe(error)}): another process took the partition over`);
    return new SinkError(`kafka at ${this.where}: transaction for ${key}: ${describe(error)}`, { retryable: kind !== 'fatal', cause: error });
  }

  private batchError(error: unknown): Error {
    if (error instanceof SinkError || error instanceof FencedError) return error;
    const kind = classify(error);
    if (kind === 'fenced') return new FencedError(`kafka at ${this.where}: ${describe(error)}`);
    return new SinkError(`kafka at ${this.where}: ${describe(error)}`, { retryable: kind !== 'fatal', cause: error });
  }
}

function toMessage(m: OutgoingMessage): Message {
  return { key: m.key, value: m.value, partition: m.partition, timestamp: m.timestamp, ...(m.headers && { headers: m.headers }) };
}

let snappyRegistered = false;

/** kafkajs compresses gzip itself; snappy needs its codec registered (kafkajs-snappy, pure JS). */
function compressionOf(name: KafkaSinkOptions['compression']): kafkajs.CompressionTypes {
  if (name === 'gzip') return CompressionTypes.GZIP;
  if (name === 'snappy') {
    if (!snappyRegistered) {
      CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
      snappyRegistered = true;
    }
    return CompressionTypes.Snappy;
  }
  return CompressionTypes.None;
}
