/**
 * Records → CQL statements, without I/O: for each record the prepared `INSERT` (an upsert: it
 * writes the row whether or not it exists) or, for a tombstone, the `DELETE` by primary key,
 * each with its own `USING TIMESTAMP`; and the grouping of statements by partition into
 * unlogged batches. A record that cannot become a statement is a record-level failure.
 */
import cassandra from 'cassandra-driver';
import { SinkError, compileAccessor, compileTemplate, type Accessor, type RecordFailure, type RecordView, type SinkRecord, type Template } from '@sinkhub/core';
import { TABLE_NAME, quote } from './identifiers.js';
import type { CassandraOptions } from './options.js';
import { UNSET, ValueError, toCql, type CqlType } from './values.js';

const { Long } = cassandra.types;

/** What the sink needs to know of a target table (from the driver's schema metadata). */
export interface TableInfo {
  readonly keyspace: string;
  readonly table: string;
  /** Every column and its type, in the table's order. */
  readonly columns: ReadonlyMap<string, CqlType>;
  readonly partitionKey: readonly string[];
  readonly clusteringKey: readonly string[];
}

/** Looks a table up (creating it when the options say so); undefined when it does not exist. */
export type TableLookup = (table: string) => Promise<TableInfo | undefined>;

export interface Statement {
  /** The record's index in the batch. */
  readonly index: number;
  readonly query: string;
  readonly params: readonly unknown[];
  /** Table and partition key values: statements with the same one may share a batch. */
  readonly partition: string;
  /** The record's bytes, for sizing batches. */
  readonly bytes: number;
}

export interface Plan {
  readonly statements: readonly Statement[];
  readonly failures: readonly RecordFailure[];
  /** Records skipped by `tombstones: ignore`: written, as far as the pipeline is concerned. */
  readonly skipped: number;
}

interface DeclaredColumn {
  readonly name: string;
  readonly read: Accessor;
}

/** Microseconds since the epoch, strictly increasing from one call to the next. */
export function monotonicClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now() * 1000, last + 1);
    return last;
  };
}

const MICROS: Record<CassandraOptions['write_timestamp_unit'], number> = { seconds: 1_000_000, milliseconds: 1000, microseconds: 1 };

export class StatementBuilder {
  private readonly table: Template;
  private readonly declared: readonly DeclaredColumn[] | undefined;
  private readonly ttl: Accessor | number | undefined;
  private readonly timestamp: Accessor | undefined;
  private readonly queries = new Map<string, string>();

  constructor(
    private readonly options: CassandraOptions,
    /** Write times of records without `write_timestamp`, in microseconds. */
    private readonly clock: () => number = monotonicClock(),
  ) {
    this.table = compileTemplate(options.table);
    this.declared = options.columns && Object.entries(options.columns).map(([name, source]) => ({ name, read: compileAccessor(typeof source === 'string' ? source : source.from) }));
    this.ttl = typeof options.ttl === 'string' ? compileAccessor(options.ttl) : options.ttl;
    this.timestamp = options.write_timestamp === undefined ? undefined : compileAccessor(options.write_timestamp);
  }

  /** The table when its template has no `{{ }}` part: known before any record. */
  get constantTable(): string | undefined {
    return this.table.constant;
  }

  async build(records: readonly SinkRecord[], lookup: TableLookup): Promise<Plan> {
    const statements: Statement[] = [];
    const failures: RecordFailure[] = [];
    let skipped = 0;
    for (let index = 0; index < records.length; index++) {
      const record = records[index]!;
      try {
        if (record.value === null && this.options.tombstones === 'ignore') {
          skipped++;
          continue;
        }
        if (record.value === null && this.options.tombstones === 'error') throw new Error('a tombstone (null value), refused by `tombstones: error`');
        const name = this.table.constant ?? (await this.table.render(record));
        if (!TABLE_NAME.test(name)) throw new Error(`table "${name}" is not a valid name (letters, digits and _, at most 48 characters)`);
        const table = await lookup(name);
        if (!table) throw new Error(`table ${this.options.keyspace}.${name} does not exist (create it, or set auto_create)`);
        statements.push(record.value === null ? await this.delete(index, record, table) : await this.insert(index, record, table));
      } catch (error) {
        // The target failing (unreachable, a counter table) is the batch's, not this record's.
        if (error instanceof SinkError) throw error;
        failures.push({ index, error: error as Error, retryable: false });
      }
    }
    return { statements, failures, skipped };
  }

  private async insert(index: number, record: SinkRecord, table: TableInfo): Promise<Statement> {
    const columns = this.declared ? this.declared.map((c) => c.name) : [...table.columns.keys()];
    const values: unknown[] = [];
    if (this.declared) {
      for (const column of this.declared) {
        const type = table.columns.get(column.name);
        if (!type) throw new Error(`table ${table.keyspace}.${table.table} has no column ${column.name}`);
        const v = column.read(record);
        values.push(toCql(v instanceof Promise ? await v : v, type, column.name));
      }
    } else {
      const value = record.value;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.isBuffer(value)) {
        throw new Error(`the value is ${describe(value)}, not a JSON object: declare \`columns\` to map it`);
      }
      const fields = new Map<string, unknown>();
      const unknown: string[] = [];
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
        const column = table.columns.has(field) ? field : table.columns.has(field.toLowerCase()) ? field.toLowerCase() : undefined;
        if (column === undefined) unknown.push(field);
        else fields.set(column, v);
      }
      if (unknown.length > 0 && this.options.unknown_fields === 'error') throw new Error(`table ${table.keyspace}.${table.table} has no column for field(s) ${unknown.join(', ')}`);
      for (const [column, type] of table.columns) values.push(toCql(fields.get(column), type, column));
    }
    const ttl = await this.ttlOf(record);
    values.push(await this.timestampOf(record));
    if (ttl !== undefined) values.push(ttl);
    return {
      index,
      query: this.query(`insert ${table.table} ${ttl === undefined ? '' : 'ttl'}`, () => insertCql(table, columns, ttl !== undefined)),
      params: values,
      partition: partitionOf(table, columns, values),
      bytes: record.size,
    };
  }

  private async delete(index: number, record: SinkRecord, table: TableInfo): Promise<Statement> {
    const key = [...table.partitionKey, ...table.clusteringKey];
    const view: RecordView = { ...record, value: record.key };
    const values: unknown[] = [];
    for (const name of key) {
      let v: unknown;
      if (record.key !== null && typeof record.key === 'object' && !Buffer.isBuffer(record.key)) {
        // The key names the column, or has the value's shape (the column's declared path).
        const declared = this.declared?.find((c) => c.name === name);
        v = Object.hasOwn(record.key, name) || !declared ? (record.key as Record<string, unknown>)[name] : declared.read(view);
        if (v instanceof Promise) throw new Error(`key column ${name}: a tombstone's key is read with field paths only`);
      } else if (key.length === 1) {
        v = record.key;
      }
      if (v === undefined || v === null) throw new Error(`a tombstone whose key has no ${name} (key: ${JSON.stringify(record.key)}); the primary key is (${key.join(', ')})`);
      values.push(toCql(v, table.columns.get(name)!, name));
    }
    const params = [await this.timestampOf(record), ...values];
    return {
      index,
      query: this.query(`delete ${table.table}`, () => deleteCql(table)),
      params,
      partition: partitionOf(table, key, values),
      bytes: record.size,
    };
  }

  private async ttlOf(record: SinkRecord): Promise<unknown> {
    if (this.ttl === undefined || typeof this.ttl === 'number') return this.ttl;
    const v = await this.ttl(record);
    if (v === undefined || v === null) return UNSET;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 630_720_000) throw new ValueError(`ttl: ${JSON.stringify(v)} is not whole seconds from 0 to 630720000 (20 years)`);
    return v;
  }

  /** The write time in microseconds, as a Long. */
  private async timestampOf(record: SinkRecord): Promise<unknown> {
    if (!this.timestamp) return Long.fromNumber(this.clock());
    const read = this.timestamp(record);
    const v = read instanceof Promise ? await read : read;
    if (v === undefined || v === null) {
      // A tombstone has no value to read a field from: it takes the Kafka timestamp.
      if (record.value === null) return Long.fromNumber(record.timestamp * 1000);
      throw new ValueError(`write_timestamp: the record has no ${this.options.write_timestamp}`);
    }
    return microseconds(v, this.options.write_timestamp_unit);
  }

  private query(key: string, build: () => string): string {
    let text = this.queries.get(key);
    if (text === undefined) {
      text = build();
      if (this.queries.size < 10_000) this.queries.set(key, text);
    }
    return text;
  }
}

/** A write time (a number in `unit`, numeric text, or ISO 8601 text) in microseconds, as a Long. */
export function microseconds(value: unknown, unit: CassandraOptions['write_timestamp_unit']): unknown {
  if (typeof value === 'string' && !/^\d+$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new ValueError(`write_timestamp: ${JSON.stringify(value)} is neither a number nor an ISO 8601 date-time`);
    return Long.fromNumber(ms * 1000);
  }
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new ValueError(`write_timestamp: ${JSON.stringify(value)} is not a time`);
  const micros = Math.round(n * MICROS[unit]);
  if (!Number.isSafeInteger(micros)) throw new ValueError(`write_timestamp: ${JSON.stringify(value)} ${unit} is out of range`);
  return Long.fromNumber(micros);
}

/** `INSERT INTO "ks"."t" ("a", "b") VALUES (?, ?) USING TIMESTAMP ? [AND TTL ?]`. */
export function insertCql(table: TableInfo, columns: readonly string[], ttl: boolean): string {
  return `INSERT INTO ${tableCql(table)} (${columns.map((c) => quote(c)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) USING TIMESTAMP ?${ttl ? ' AND TTL ?' : ''}`;
}

/** `DELETE FROM "ks"."t" USING TIMESTAMP ? WHERE "p" = ? AND "c" = ?`: one row, by its whole primary key. */
export function deleteCql(table: TableInfo): string {
  const key = [...table.partitionKey, ...table.clusteringKey];
  return `DELETE FROM ${tableCql(table)} USING TIMESTAMP ? WHERE ${key.map((c) => `${quote(c)} = ?`).join(' AND ')}`;
}

export function tableCql(table: Pick<TableInfo, 'keyspace' | 'table'>): string {
  return `${quote(table.keyspace)}.${quote(table.table, TABLE_NAME)}`;
}

function partitionOf(table: TableInfo, columns: readonly string[], values: readonly unknown[]): string {
  const parts = table.partitionKey.map((k) => keyText(values[columns.indexOf(k)]));
  return `${table.table}\u0000${parts.join('\u0000')}`;
}

function keyText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Date) return String(value.getTime());
  return String(value);
}

/**
 * Statements grouped by partition, in order within each group, cut at `maxStatements` and
 * `maxBytes`: each group becomes one unlogged batch (a group of one, a plain statement). Groups
 * are ordered by their first statement.
 */
export function groupByPartition(statements: readonly Statement[], maxStatements: number, maxBytes: number): Statement[][] {
  const open = new Map<string, { group: Statement[]; bytes: number }>();
  const groups: Statement[][] = [];
  for (const statement of statements) {
    let current = open.get(statement.partition);
    if (!current || current.group.length >= maxStatements || (current.bytes + statement.bytes > maxBytes && current.group.length > 0)) {
      current = { group: [], bytes: 0 };
      open.set(statement.partition, current);
      groups.push(current.group);
    }
    current.group.push(statement);
    current.bytes += statement.bytes;
  }
  return groups;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'bytes';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
