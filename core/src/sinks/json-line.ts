/** One record as a line of JSON, shared by the stdout and file sinks. */
import type { SinkRecord } from '../connector.js';
import { z } from '../options.js';

export const lineContent = z
  .enum(['value', 'record'])
  .describe('`value`: the record value only; `record`: topic, partition, offset, timestamp, key, headers and value.');

export type LineContent = z.output<typeof lineContent>;

export function toJsonLine(record: SinkRecord, content: LineContent): string {
  const body =
    content === 'value'
      ? record.value
      : {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          timestamp: record.timestamp,
          key: record.key,
          headers: record.headers,
          value: record.value,
        };
  return JSON.stringify(body, bytesAsBase64) + '\n';
}

/** `format: bytes` values are Buffers; JSON has no bytes, so they become base64 strings. */
function bytesAsBase64(this: unknown, _key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
