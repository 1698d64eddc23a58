/**
 * Records → Redis commands, without I/O, so a batch's exact commands can be checked against
 * golden lists. A record that cannot become a command is reported as a record-level failure.
 */
import { compileTemplate, readPath, translateRecords, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { RedisOptions } from './options.js';

export type Argument = string | Buffer;
export type RedisCommand = readonly [name: string, ...args: Argument[]];

/** The commands of one record, by its index in the batch. */
export interface RecordCommands {
  readonly index: number;
  readonly key: string;
  readonly commands: readonly RedisCommand[];
}

export interface Translation {
  readonly records: readonly RecordCommands[];
  readonly failures: readonly RecordFailure[];
}

export class CommandBuilder {
  private readonly key: Template;

  constructor(private readonly options: RedisOptions) {
    this.key = compileTemplate(options.key);
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, async (record, index): Promise<RecordCommands> => {
      const key = this.key.constant ?? (await this.key.render(record));
      return { index, key, commands: this.commandsFor(key, record) };
    });
    return { records: items, failures };
  }

  private commandsFor(key: string, record: SinkRecord): RedisCommand[] {
    const o = this.options;
    if (record.value === null) {
      // A tombstone deletes what the key holds, where that is the record's whole state.
      if (o.command === 'SET' || o.command === 'HSET') return [['DEL', key]];
      throw new Error(`a tombstone (null value) has nothing to ${o.command}`);
    }
    const value = o.value_field ? fieldOf(record.value, o.value_field) : record.value;
    // The whole value, unchanged since it was consumed: its own bytes, not a re-encoding.
    const encoded = !o.value_field && record.rawValue ? record.rawValue : encode(value);
    switch (o.command) {
      case 'SET':
        return [o.ttl_seconds ? ['SET', key, encoded, 'EX', String(o.ttl_seconds)] : ['SET', key, encoded]];
      case 'HSET':
        return [['HSET', key, ...this.hashFields(value)]];
      case 'LPUSH':
      case 'RPUSH':
      case 'SADD':
      case 'PUBLISH':
        return [[o.command, key, encoded]];
      case 'ZADD': {
        const score = Number(fieldOf(record.value, o.score_field!));
        if (!Number.isFinite(score)) throw new Error(`score field ${o.score_field} is not a number`);
        return [['ZADD', key, String(score), encoded]];
      }
      case 'XADD':
        return [['XADD', key, ...(o.stream_max_len ? ['MAXLEN', '~', String(o.stream_max_len)] : []), '*', ...entryFields(value)]];
    }
  }

  private hashFields(value: unknown): Argument[] {
    const mapping = this.options.hash_fields;
    if (mapping) return Object.entries(mapping).flatMap(([field, path]) => [field, encode(fieldOf(value, path))]);
    return entryFields(value, 'HSET');
  }
}

/** Every top-level field of an object value as alternating field, value arguments. */
function entryFields(value: unknown, command = 'XADD'): Argument[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    if (command === 'HSET') throw new Error('HSET needs an object value (or hash_fields)');
    return ['value', encode(value)];
  }
  const args = Object.entries(value).flatMap(([field, v]) => [field, encode(v)]);
  if (args.length === 0) throw new Error(`${command} of an empty object`);
  return args;
}

/** Strings and bytes go as they are; anything else as JSON. */
export function encode(value: unknown): Argument {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

export function fieldOf(value: unknown, path: string): unknown {
  const found = readPath(value, path.split('.'));
  if (found === undefined || found === null) throw new Error(`field ${path} is missing`);
  return found;
}
