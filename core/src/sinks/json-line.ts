/** One record as a line of JSON, shared by the stdout and file sinks. */
import type { SinkRecord } from '../connector.js';
import { z } from '../options.js';

export const lineContent = z
  .enum(['value', 'record'])
  .describe('`value`: the record value only; `record`: topic, partition, offset, timestamp, key, headers and value.');

export type LineContent = z.output<typeof lineContent>;

export function toJsonLine(record: SinkRecord, content: LineContent): string {
  const value = bytesAsBase64(record.value);
  if (content === 'value') return JSON.stringify(value) + '\n';
  return (
    JSON.stringify({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: bytesAsBase64(record.key),
      headers: record.headers,
      value,
    }) + '\n'
  );
}

/** `format: bytes` gives Buffers, which JSON cannot hold: they are written as base64 text. */
function bytesAsBase64(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}
