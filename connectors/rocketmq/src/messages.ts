/**
 * Records → RocketMQ messages (topic, tag, keys, message group, delivery time, body, user
 * properties), without I/O, so a batch's exact messages can be checked in unit tests. A record
 * that cannot become a message (a template with nothing to render, a tag with `|`, a tombstone
 * with `tombstones: error`) is a record failure.
 */
import { compileTemplate, valueBytes, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { RocketmqOptions } from './options.js';

export interface OutgoingMessage {
  /** The record's index in the batch. */
  readonly index: number;
  readonly topic: string;
  readonly body: Buffer;
  readonly tag?: string;
  readonly keys: readonly string[];
  readonly messageGroup?: string;
  /** Milliseconds since the epoch: the message is delivered then (a DELAY topic). */
  readonly deliverAt?: number;
  readonly properties: Readonly<Record<string, string>>;
}

export interface Translation {
  readonly messages: readonly OutgoingMessage[];
  readonly failures: readonly RecordFailure[];
}

const EMPTY = Buffer.alloc(0);

export class MessageBuilder {
  private readonly topic: Template;
  private readonly tag: Template | undefined;
  private readonly keys: readonly Template[];
  private readonly messageGroup: Template | undefined;
  private readonly deliverAt: Template | undefined;

  /** `now` gives the clock for `delay_ms`, so tests can fix it. */
  constructor(
    private readonly options: RocketmqOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.topic = compileTemplate(options.topic);
    this.tag = options.tag === undefined ? undefined : compileTemplate(options.tag);
    this.keys = options.keys.map((k) => compileTemplate(k));
    this.messageGroup = options.message_group === undefined ? undefined : compileTemplate(options.message_group);
    this.deliverAt = options.deliver_at === undefined ? undefined : compileTemplate(options.deliver_at);
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const messages: OutgoingMessage[] = [];
    const failures: RecordFailure[] = [];
    for (let index = 0; index < records.length; index++) {
      try {
        const message = await this.messageFor(index, records[index]!);
        if (message) messages.push(message);
      } catch (error) {
        failures.push({ index, error: error as Error, retryable: false });
      }
    }
    return { messages, failures };
  }

  private async messageFor(index: number, record: SinkRecord): Promise<OutgoingMessage | undefined> {
    const o = this.options;
    if (record.value === null) {
      if (o.tombstones === 'skip') return undefined;
      if (o.tombstones === 'error') throw new Error('a tombstone (null value) has no message to publish (tombstones: error)');
    }
    const topic = await render(this.topic, record);
    const tag = this.tag && (await render(this.tag, record));
    if (tag !== undefined && (tag.includes('|') || tag.trim() === '')) throw new Error(`tag "${tag}" is not a RocketMQ tag (blank, or contains |)`);
    const keys: string[] = [];
    for (const template of this.keys) {
      const key = await render(template, record);
      if (/\s/.test(key)) throw new Error(`message key "${key}" contains whitespace (RocketMQ separates keys by spaces)`);
      keys.push(key);
    }
    const messageGroup = this.messageGroup && (await render(this.messageGroup, record));
    let deliverAt: number | undefined;
    if (o.delay_ms !== undefined) deliverAt = this.now() + o.delay_ms;
    else if (this.deliverAt) {
      const text = await render(this.deliverAt, record);
      deliverAt = Number(text);
      if (!Number.isSafeInteger(deliverAt) || deliverAt <= 0) throw new Error(`deliver_at "${text}" is not a time in milliseconds since the epoch`);
    }
    return {
      index,
      topic,
      body: valueBytes(record) ?? EMPTY,
      ...(tag !== undefined && { tag }),
      keys,
      ...(messageGroup !== undefined && { messageGroup }),
      ...(deliverAt !== undefined && { deliverAt }),
      properties: o.properties === 'kafka' ? kafkaProperties(record) : {},
    };
  }
}

async function render(template: Template, record: SinkRecord): Promise<string> {
  return template.constant ?? (await template.render(record));
}

/** The record's headers and Kafka coordinates as user properties. */
export function kafkaProperties(record: SinkRecord): Record<string, string> {
  const properties: Record<string, string> = {
    ...record.headers,
    kafka_topic: record.topic,
    kafka_partition: String(record.partition),
    kafka_offset: String(record.offset),
    kafka_timestamp: String(record.timestamp),
  };
  const key = record.key;
  if (key !== null && key !== undefined) properties['kafka_key'] = typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString('base64') : JSON.stringify(key);
  return properties;
}
