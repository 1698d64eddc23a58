/** One record as a line of JSON, shared by the stdout and file sinks. */
import type { SinkRecord } from '../connector.js';
import { rawJsonLine } from '../message-bytes.js';
import { z } from '../options.js';

export const lineContent = z
  .enum(['value', 'record'])
  .describe('`value`: the record value only; `record`: topic, partition, offset, timestamp, key, headers and value. A JSON value no transform changed is written as consumed (when it fits on one line).');

export type LineContent = z.output<typeof lineContent>;

export function toJsonLine(record: SinkRecord, content: LineContent): string {
  const value = rawJsonLine(record) ?? JSON.stringify(bytesAsBase64(record.value)) ?? 'null';
  if (content === 'value') return value + '\n';
  // Assembled from parts rather than stringifying a wrapper object per record: same JSON, and
  // the file sink's hottest line (see BENCHMARKS.md).
  const headers = Object.keys(record.headers).length === 0 ? '{}' : JSON.stringify(record.headers);
  return `{"topic":${quoted(record.topic)},"partition":${record.partition},"offset":${record.offset},"timestamp":${record.timestamp},"key":${JSON.stringify(bytesAsBase64(record.key)) ?? 'null'},"headers":${headers},"value":${value}}\n`;
}

let lastTopic = '';
let lastQuoted = '""';
/** Topics repeat record after record: escape each once. */
function quoted(topic: string): string {
  if (topic !== lastTopic) {
    lastTopic = topic;
    lastQuoted = JSON.stringify(topic);
  }
  return lastQuoted;
}

/** `format: bytes` gives Buffers, which JSON cannot hold: they are written as base64 text. */
function bytesAsBase64(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}
