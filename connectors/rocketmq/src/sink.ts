/**
 * RocketMQ I/O: each record becomes one message sent through the proxy's gRPC API; a batch is
 * written when the broker acknowledged every message. With `delivery: exactly-once` the messages
 * are transactional (half) messages, committed once the batch's offsets are recorded (see
 * transactional.ts).
 */
import { SinkError, compileTemplate, type Batch, type OffsetUpdate, type RecordFailure, type Sink, type SinkContext, type StoredOffset, type TopicPartition, type WriteResult } from '@sinkhub/core';
import type { MessageOptions } from 'rocketmq-client-nodejs';
import { createProducer, withDeadline, type SinkProducer } from './client.js';
import { classify, statusCode, Code } from './errors.js';
import { MessageBuilder, type OutgoingMessage } from './messages.js';
import type { RocketmqOptions } from './options.js';
import { sendAll, type SendOutcome } from './send.js';
import { TransactionalWriter } from './transactional.js';

export class RocketmqSink implements Sink {
  private readonly builder: MessageBuilder;
  private readonly where: string;
  private readonly fixedTopic: string | undefined;
  private producer: SinkProducer | undefined;
  /** Topics written to successfully: a "not found" for one of them is a restarting broker. */
  private readonly knownTopics = new Set<string>();
  private readonly transactions: TransactionalWriter | undefined;

  constructor(
    private readonly options: RocketmqOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new MessageBuilder(options);
    this.where = `rocketmq proxy at ${options.endpoints}`;
    this.fixedTopic = compileTemplate(options.topic).constant;
    if (context.delivery === 'exactly-once') {
      this.transactions = new TransactionalWriter(options, context, this.where);
    }
  }

  async connect(): Promise<void> {
    const o = this.options;
    const producer = createProducer(o, this.context, {
      topics: this.fixedTopic === undefined ? [] : [this.fixedTopic],
      ...(this.transactions && { checker: this.transactions.checker }),
    });
    try {
      await withDeadline(producer.startup(), o.connect_timeout_ms, this.where);
      // With a topic template there is no topic to resolve at start: ask about one that needs no
      // existing, so an unreachable proxy still fails the start.
      if (this.fixedTopic === undefined) await withDeadline(probe(producer), o.connect_timeout_ms, this.where);
      await this.transactions?.connect(producer);
    } catch (error) {
      await withDeadline(producer.shutdown(), 5000, this.where).catch(() => undefined);
      await this.transactions?.stop();
      throw new SinkError(`${this.where}: ${this.startProblem(error)}`, { retryable: false, cause: error });
    }
    if (this.fixedTopic !== undefined) this.knownTopics.add(this.fixedTopic);
    this.producer = producer;
  }

  async open(partitions: readonly TopicPartition[]): Promise<readonly StoredOffset[] | void> {
    return this.transactions?.open(partitions);
  }

  async close(partitions: readonly TopicPartition[]): Promise<void> {
    this.transactions?.close(partitions);
  }

  async write(batch: Batch, offsets?: readonly OffsetUpdate[]): Promise<WriteResult> {
    const producer = this.producer;
    if (!producer) throw new SinkError(`${this.where}: not connected`, { retryable: true });
    const translation = await this.builder.build(batch.records);
    if (this.transactions) return this.transactions.write(batch, translation, offsets ?? [], (outcomes, messages) => this.failuresOf(messages, outcomes));
    const outcomes = await sendAll(translation.messages, this.options.max_in_flight, (m) => producer.send(toMessageOptions(m)));
    const failures = [...translation.failures, ...this.failuresOf(translation.messages, outcomes)];
    if (failures.length > 0 && failures.every((f) => f.retryable) && failures.length === batch.records.length) {
      // Nothing got through: one batch-level retry says so more plainly than a failure per record.
      throw new SinkError(`${this.where}: ${describe(failures[0]!.error)}`, { retryable: true, cause: failures[0]!.error });
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await this.transactions?.stop();
    await withDeadline(producer?.shutdown() ?? Promise.resolve(), 10_000, this.where).catch(() => undefined);
  }

  /** Record failures from send outcomes; a fatal error (credentials, an unsupported server) fails the batch. */
  private failuresOf(messages: readonly OutgoingMessage[], outcomes: readonly SendOutcome<unknown>[]): RecordFailure[] {
    const failures: RecordFailure[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        this.knownTopics.add(message.topic);
        continue;
      }
      const kind = classify(outcome.error, { topicKnown: this.knownTopics.has(message.topic) });
      if (kind === 'fatal') throw new SinkError(`${this.where}: ${describe(outcome.error)}`, { retryable: false, cause: outcome.error });
      failures.push({ index: message.index, error: new Error(`topic ${message.topic}: ${describe(outcome.error)}`, { cause: outcome.error }), retryable: kind === 'retryable' });
    }
    return failures;
  }

  private startProblem(error: unknown): string {
    // The client wraps the proxy's answer in "Startup the rocketmq client failed, clientId=…".
    const wrapped = /^Startup the rocketmq client failed/.test((error as Error)?.message ?? '');
    const root = wrapped ? rootCause(error) : error;
    if (statusCode(root) === Code.TOPIC_NOT_FOUND && this.fixedTopic !== undefined) {
      return `topic "${this.fixedTopic}" does not exist (create it, e.g. mqadmin updateTopic -t ${this.fixedTopic} -c <cluster> -a +message.type=NORMAL)`;
    }
    return root === error ? describe(error) : `cannot start the producer: ${describe(root)}`;
  }
}

function rootCause(error: unknown): unknown {
  let e = error;
  while ((e as { cause?: unknown })?.cause instanceof Error) e = (e as { cause: Error }).cause;
  return e;
}

/** A template's topic is unknown at start: a "not found" answer proves the proxy is there. */
async function probe(producer: SinkProducer): Promise<void> {
  try {
    await producer.probe();
  } catch (error) {
    if (statusCode(error) === undefined) throw error;
  }
}

export function toMessageOptions(m: OutgoingMessage, extraProperties?: Readonly<Record<string, string>>): MessageOptions {
  const properties = extraProperties ? { ...m.properties, ...extraProperties } : m.properties;
  const names = Object.keys(properties);
  return {
    topic: m.topic,
    body: m.body,
    ...(m.tag !== undefined && { tag: m.tag }),
    ...(m.keys.length > 0 && { keys: [...m.keys] }),
    ...(m.messageGroup !== undefined && { messageGroup: m.messageGroup }),
    ...(m.deliverAt !== undefined && { deliveryTimestamp: new Date(m.deliverAt) }),
    ...(names.length > 0 && { properties: new Map(names.map((n) => [n, properties[n]!])) }),
  };
}

/** The error's message with the client's `[request-id=…, response-code=…]` prefix shortened. */
export function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: unknown })?.cause;
  const text = message.replace(/^\[request-id=[^,]*, response-code=(\d+)\] /, '$1 ').replace(/\s*For more information, please visit the url, \S+/, '');
  return cause instanceof Error && !text.includes(cause.message) ? `${text}: ${describe(cause)}` : text;
}
