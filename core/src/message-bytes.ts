/**
 * A record's key and value as the bytes a message-broker sink forwards. Forwarding the consumed
 * bytes when nothing changed them keeps a broker-to-broker hop byte-exact and skips an encode.
 */
import type { SinkRecord } from './connector.js';

/** The value's bytes: as consumed when no transform replaced it; else text as UTF-8, Buffers as they are, anything else as JSON. Null for a tombstone. */
export function valueBytes(record: SinkRecord): Buffer | null {
  if (record.value === null || record.value === undefined) return null;
  if (record.rawValue) return record.rawValue;
  return encodeBytes(record.value);
}

/** The key's bytes: as consumed, or, for a key a transform set, encoded like a value. */
export function keyBytes(record: SinkRecord): Buffer | null {
  if (record.rawKey !== undefined) return record.rawKey;
  return record.key === null || record.key === undefined ? null : encodeBytes(record.key);
}

/**
 * The value as one line of JSON copied from the consumed bytes, when they are its JSON text
 * (`rawValueIsJson`: the source's `format: json`, no transform replaced it) and hold no line
 * break; else undefined, and the caller stringifies the value. Copying skips a `JSON.stringify`
 * per record and keeps the producer's text (number spelling, escapes) as it was.
 */
export function rawJsonLine(record: SinkRecord): string | undefined {
  const raw = record.rawValueIsJson ? record.rawValue : undefined;
  if (!raw || raw.indexOf(10) !== -1 || raw.indexOf(13) !== -1) return undefined;
  return raw.toString('utf8');
}

/** Text as UTF-8, Buffers as they are, anything else as JSON. */
export function encodeBytes(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
}
