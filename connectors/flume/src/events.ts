/**
 * Records → Flume events and request bodies, without I/O: a request is what Flume's JSONHandler
 * reads, `[{"headers": {...}, "body": "..."}]`, in one of the charsets it supports. A record
 * that cannot become an event (a body template with nothing to render, a value that is not
 * text with `body_encoding: text`, a tombstone with `tombstones: error`) is a record failure.
 */
import { compileTemplate, translateRecords, valueBytes, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { FlumeOptions } from './options.js';

export interface FlumeEvent {
  /** The record's index in the batch. */
  readonly index: number;
  /** The event as JSON: `{"headers":{…},"body":"…"}`. */
  readonly json: string;
}

export interface Translation {
  readonly events: readonly FlumeEvent[];
  readonly failures: readonly RecordFailure[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class EventBuilder {
  private readonly body: Template | undefined;
  private readonly headers: readonly (readonly [string, Template])[];

  constructor(private readonly options: FlumeOptions) {
    this.body = options.body === undefined ? undefined : compileTemplate(options.body);
    this.headers = Object.entries(options.headers ?? {}).map(([name, source]) => [name, compileTemplate(source)] as const);
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, (record, index) => this.eventFor(index, record));
    return { events: items, failures };
  }

  private async eventFor(index: number, record: SinkRecord): Promise<FlumeEvent | undefined> {
    const o = this.options;
    if (record.value === null && o.tombstones !== 'empty') {
      if (o.tombstones === 'skip') return undefined;
      throw new Error('a tombstone (null value) has no event body (tombstones: error)');
    }
    const headers: Record<string, string> = {};
    if (o.kafka_headers) Object.assign(headers, record.headers);
    if (o.metadata_headers) Object.assign(headers, metadataHeaders(record));
    for (const [name, template] of this.headers) headers[name] = template.constant ?? (await template.render(record));
    return { index, json: JSON.stringify({ headers, body: await this.bodyOf(record) }) };
  }

  private async bodyOf(record: SinkRecord): Promise<string> {
    if (this.body) {
      const text = this.body.constant ?? (await this.body.render(record));
      return this.options.body_encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
    }
    const bytes = valueBytes(record);
    if (bytes === null) return '';
    if (this.options.body_encoding === 'base64') return bytes.toString('base64');
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new Error('the value is not UTF-8 text (body_encoding: base64 sends any bytes)');
    }
  }
}

/** Where the record came from, under the header names Flume's own Kafka source uses. */
function metadataHeaders(record: SinkRecord): Record<string, string> {
  const headers: Record<string, string> = {
    topic: record.topic,
    partition: String(record.partition),
    offset: String(record.offset),
    timestamp: String(record.timestamp),
  };
  const key = record.key;
  if (key !== null && key !== undefined) headers['key'] = Buffer.isBuffer(key) ? key.toString('base64') : typeof key === 'string' ? key : JSON.stringify(key);
  return headers;
}

/** The request body for `events`: a JSON array, encoded in `charset` (big-endian for UTF-16/32, no BOM, as Java reads them). */
export function requestBody(events: readonly FlumeEvent[], charset: FlumeOptions['charset']): Buffer {
  let text = '[';
  for (let i = 0; i < events.length; i++) text += (i === 0 ? '' : ',') + events[i]!.json;
  text += ']';
  if (charset === 'UTF-8') return Buffer.from(text, 'utf8');
  if (charset === 'UTF-16') return Buffer.from(text, 'utf16le').swap16();
  const codePoints = Array.from(text, (c) => c.codePointAt(0)!);
  const out = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((cp, i) => out.writeUInt32BE(cp, i * 4));
  return out;
}

export function contentType(charset: FlumeOptions['charset']): string {
  return `application/json; charset=${charset}`;
}

/** `events` cut into requests of at most `max` events. */
export function requests(events: readonly FlumeEvent[], max: number): FlumeEvent[][] {
  const out: FlumeEvent[][] = [];
  for (let i = 0; i < events.length; i += max) out.push(events.slice(i, i + max));
  return out;
}
