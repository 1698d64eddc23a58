/**
 * Records → AMQP messages (exchange, routing key, body, properties), without I/O, so a batch's
 * exact messages can be checked in unit tests. A record that cannot become a message (a
 * template with nothing to render, a tombstone with `tombstones: error`) is a record failure.
 */
import { compileTemplate, translateRecords, valueBytes, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { RabbitmqOptions } from './options.js';

export interface OutgoingMessage {
  /** The record's index in the batch. */
  readonly index: number;
  readonly exchange: string;
  readonly routingKey: string;
  readonly body: Buffer;
  readonly properties: {
    readonly messageId: string;
    readonly persistent: boolean;
    readonly mandatory: boolean;
    readonly timestamp: number;
    readonly contentType?: string;
    readonly headers?: Record<string, string | number>;
  };
}

export interface Translation {
  readonly messages: readonly OutgoingMessage[];
  readonly failures: readonly RecordFailure[];
}

const EMPTY = Buffer.alloc(0);
const DEFAULT_EXCHANGE: Template = { constant: '', render: async () => '' };

export class MessageBuilder {
  private readonly exchange: Template;
  private readonly routingKey: Template;
  private readonly messageId: Template;

  constructor(private readonly options: RabbitmqOptions) {
    // A queue is published to through the default exchange, with its name as routing key.
    this.exchange = options.exchange === undefined ? DEFAULT_EXCHANGE : compileTemplate(options.exchange);
    this.routingKey = compileTemplate(options.queue ?? options.routing_key!);
    this.messageId = compileTemplate(options.message_id);
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, (record, index) => this.messageFor(index, record));
    return { messages: items, failures };
  }

  private async messageFor(index: number, record: SinkRecord): Promise<OutgoingMessage | undefined> {
    const o = this.options;
    if (record.value === null) {
      if (o.tombstones === 'skip') return undefined;
      if (o.tombstones === 'error') throw new Error('a tombstone (null value) has no message to publish (tombstones: error)');
    }
    const contentType = o.content_type ?? defaultContentType(record.value);
    return {
      index,
      exchange: this.exchange.constant ?? (await this.exchange.render(record)),
      routingKey: this.routingKey.constant ?? (await this.routingKey.render(record)),
      body: valueBytes(record) ?? EMPTY,
      properties: {
        messageId: this.messageId.constant ?? (await this.messageId.render(record)),
        persistent: o.persistent,
        mandatory: o.mandatory,
        // AMQP timestamps are whole seconds.
        timestamp: Math.floor(record.timestamp / 1000),
        ...(contentType && { contentType }),
        ...(o.headers === 'kafka' && { headers: kafkaHeaders(record) }),
      },
    };
  }
}

function defaultContentType(value: unknown): string | undefined {
  if (value === null || Buffer.isBuffer(value)) return undefined;
  return typeof value === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
}

function kafkaHeaders(record: SinkRecord): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    ...record.headers,
    'x-kafka-topic': record.topic,
    'x-kafka-partition': record.partition,
    'x-kafka-offset': record.offset,
    'x-kafka-timestamp': record.timestamp,
  };
  if (record.key !== null && record.key !== undefined) {
    headers['x-kafka-key'] = Buffer.isBuffer(record.key) ? record.key.toString('base64') : typeof record.key === 'string' ? record.key : JSON.stringify(record.key);
  }
  return headers;
}
