/**
 * Records → line protocol, without I/O: one point per record, built and escaped by the
 * client's `Point`. A record that cannot become a point is a record-level failure.
 */
import { Point } from '@influxdata/influxdb-client';
import { compileTemplate, readPath, translateRecords, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { InfluxdbOptions } from './options.js';

export interface RecordLine {
  /** The record's index in the batch. */
  readonly index: number;
  readonly line: string;
}

export interface Translation {
  readonly lines: readonly RecordLine[];
  readonly failures: readonly RecordFailure[];
}

type Selection = readonly (readonly [name: string, path: readonly string[]])[];

/** Units per millisecond of each precision, as BigInt (nanoseconds overflow a double's integers). */
const PER_MS = { ns: 1_000_000n, us: 1000n, ms: 1n, s: 0n } as const;

export class PointBuilder {
  private readonly measurement: Template;
  private readonly tags: Selection;
  private readonly fields: Selection | undefined;
  private readonly timestampPath: readonly string[] | undefined;
  /** Top-level names that are not fields by default: the tags and the timestamp. */
  private readonly reserved: ReadonlySet<string>;

  constructor(private readonly options: InfluxdbOptions) {
    this.measurement = compileTemplate(options.measurement);
    this.tags = selection(options.tags);
    this.fields = options.fields && selection(options.fields);
    this.timestampPath = options.timestamp_field?.split('.');
    this.reserved = new Set([...this.tags.map(([, path]) => path[0]!), ...(this.timestampPath ? [this.timestampPath[0]!] : [])]);
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, async (record, index): Promise<RecordLine | undefined> => {
      if (record.value === null) {
        if (this.options.tombstones === 'skip') return undefined;
        throw new Error('a tombstone (null value) has no point to write');
      }
      return { index, line: this.line(record, this.measurement.constant ?? (await this.measurement.render(record))) };
    });
    return { lines: items, failures };
  }

  private line(record: SinkRecord, measurement: string): string {
    const value = record.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the value is not a JSON object');
    const point = new Point(measurement);
    for (const [name, path] of this.tags) {
      const tag = readPath(value, path);
      if (tag !== undefined && tag !== null && tag !== '') point.tag(name, typeof tag === 'object' ? JSON.stringify(tag) : String(tag));
    }
    if (this.fields) {
      for (const [name, path] of this.fields) addField(point, name, readPath(value, path));
    } else {
      for (const name in value) {
        const v = (value as Record<string, unknown>)[name];
        if (!this.reserved.has(name) && (typeof v === 'number' || typeof v === 'boolean')) addField(point, name, v);
      }
    }
    if (!this.options.server_time) point.timestamp(this.timestamp(record));
    // Timestamps are already integer strings in `precision`; none (server_time) stays none.
    const line = point.toLineProtocol(AS_GIVEN);
    if (line === undefined) throw new Error(`no field to write (${this.fields ? 'the listed fields are missing' : 'the value has no number or boolean'})`);
    return line;
  }

  /** The point's time in `precision` units, as an integer string. */
  private timestamp(record: SinkRecord): string {
    const precision = this.options.precision;
    if (!this.timestampPath) return fromMillis(record.timestamp, precision);
    const raw = readPath(record.value, this.timestampPath);
    if (typeof raw === 'number' && Number.isFinite(raw)) return BigInt(Math.trunc(raw)).toString();
    if (typeof raw === 'string' && raw !== '') {
      if (/^-?\d+$/.test(raw)) return raw;
      const ms = Date.parse(raw);
      if (!Number.isNaN(ms)) return fromMillis(ms, precision);
    }
    throw new Error(`timestamp field ${this.options.timestamp_field} is ${raw === undefined ? 'missing' : `not a time: ${JSON.stringify(raw)}`}`);
  }
}

const AS_GIVEN = { convertTime: (time: string | number | Date | undefined) => (time === undefined ? undefined : String(time)) };

function fromMillis(ms: number, precision: keyof typeof PER_MS): string {
  return precision === 's' ? String(Math.floor(ms / 1000)) : (BigInt(Math.trunc(ms)) * PER_MS[precision]).toString();
}

/** Numbers are floats (an integer and a fraction in one field would conflict in InfluxDB). */
function addField(point: Point, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'number') point.floatField(name, value);
  else if (typeof value === 'boolean') point.booleanField(name, value);
  else point.stringField(name, typeof value === 'string' ? value : JSON.stringify(value));
}

function selection(option: InfluxdbOptions['tags']): Selection {
  if (!option) return [];
  if (Array.isArray(option)) return option.map((path) => [path.split('.').pop()!, path.split('.')] as const);
  return Object.entries(option).map(([name, path]) => [name, path.split('.')] as const);
}
