/**
 * The dead-letter topic: one path for records that failed to decode, transform or write. The
 * original key, value and headers are kept; `sinkhub.*` headers say what went wrong and where
 * the record came from.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { errorClass, errorMessage } from './errors.js';
import type { SourceMessage } from './source/source.js';

export type FailureStage = 'decode' | 'transform' | 'write';

export interface DeadLetter {
  readonly message: SourceMessage;
  readonly stage: FailureStage;
  readonly error: unknown;
  readonly attempts: number;
}

/** Header names, documented in the README. */
export const DLQ_HEADERS = {
  stage: 'sinkhub.error.stage',
  errorClass: 'sinkhub.error.class',
  errorMessage: 'sinkhub.error.message',
  attempts: 'sinkhub.error.attempts',
  topic: 'sinkhub.source.topic',
  partition: 'sinkhub.source.partition',
  offset: 'sinkhub.source.offset',
  pipeline: 'sinkhub.pipeline',
} as const;

export class DeadLetterQueue {
  private readonly producer: Producer;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly pipeline: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /** Connects, creating the topic when it does not exist. */
  async connect(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(this.topic)) await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
  }

  /** Resolves once every letter is acknowledged by all in-sync replicas. */
  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ message, stage, error, attempts }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.stage]: stage,
          [DLQ_HEADERS.errorClass]: errorClass(error),
          [DLQ_HEADERS.errorMessage]: errorMessage(error).slice(0, 4096),
          [DLQ_HEADERS.attempts]: String(attempts),
          [DLQ_HEADERS.topic]: message.topic,
          [DLQ_HEADERS.partition]: String(message.partition),
          [DLQ_HEADERS.offset]: String(message.offset),
          [DLQ_HEADERS.pipeline]: this.pipeline,
        },
      })),
    });
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}
