/**
 * Records → row operations, without I/O: the table, the columns and the values of each record,
 * or the key of the row a tombstone deletes. A record that cannot become a row is a
 * record-level failure (dead letter), never a batch failure.
 */
import { compileAccessor, compileTemplate, translateRecords, type Accessor, type RecordFailure, type RecordView, type SinkRecord, type Template } from '@sinkhub/core';
import { parseTableName, quote, type TableName } from './identifiers.js';
import type { MysqlOptions } from './options.js';

export type Value = string | number | boolean | Buffer | null;

export interface RowOp {
  /** The record's index in the batch. */
  readonly index: number;
  readonly table: TableName;
  /** `write`: insert or upsert (per the mode); `delete`: remove the row with these key values. */
  readonly kind: 'write' | 'delete';
  readonly columns: readonly string[];
  /** As read from the record; `encode` turns them into parameters. */
  readonly values: readonly unknown[];
}

export interface Mapping {
  readonly ops: readonly RowOp[];
  readonly failures: readonly RecordFailure[];
  /** Records skipped by `tombstones: ignore`: written, as far as the pipeline is concerned. */
  readonly skipped: number;
}

interface DeclaredColumn {
  readonly name: string;
  readonly read: Accessor;
}

export class RowMapper {
  private readonly table: Template;
  private readonly declared: readonly DeclaredColumn[] | undefined;
  private readonly tombstones: 'delete' | 'ignore' | 'error';
  private readonly tables = new Map<string, TableName>();

  constructor(private readonly options: MysqlOptions) {
    this.table = compileTemplate(options.table);
    this.declared = options.columns && Object.entries(options.columns).map(([name, source]) => ({ name: checked(name), read: compileAccessor(typeof source === 'string' ? source : source.from) }));
    this.tombstones = options.tombstones ?? (options.key ? 'delete' : 'error');
  }

  /** The table when its template has no `{{ }}` part: known before any record. */
  get constantTable(): TableName | undefined {
    return this.table.constant === undefined ? undefined : this.tableName(this.table.constant);
  }

  async map(records: readonly SinkRecord[]): Promise<Mapping> {
    const { items, failures } = await translateRecords(records, async (record, index): Promise<RowOp | undefined> => {
      if (record.value === null && this.tombstones === 'ignore') return undefined;
      const table = this.tableName(this.table.constant ?? (await this.table.render(record)));
      return record.value === null ? this.deleteOp(index, table, record) : { index, table, kind: 'write', ...(await this.row(record)) };
    });
    return { ops: items, failures, skipped: records.length - items.length - failures.length };
  }

  private async row(record: SinkRecord): Promise<{ columns: string[]; values: unknown[] }> {
    if (this.declared) {
      const values: unknown[] = [];
      for (const column of this.declared) {
        const v = column.read(record);
        values.push(v instanceof Promise ? await v : v);
      }
      return { columns: this.declared.map((c) => c.name), values };
    }
    const value = record.value;
    if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
      throw new Error(`the value is ${describe(value)}, not a JSON object: declare \`columns\` to map it`);
    }
    const columns: string[] = [];
    const values: unknown[] = [];
    for (const name in value) {
      columns.push(this.column(name));
      values.push((value as Record<string, unknown>)[name]);
    }
    if (columns.length === 0) throw new Error('the value is an empty object: no column to write');
    return { columns, values };
  }

  private deleteOp(index: number, table: TableName, record: SinkRecord): RowOp {
    if (this.tombstones === 'error') throw new Error('a tombstone (null value), and no `key` to delete by (see the `tombstones` option)');
    const key = this.options.key!;
    const view: RecordView = { ...record, value: record.key };
    const values = key.map((name) => {
      let v: unknown;
      if (record.key !== null && typeof record.key === 'object') {
        const declared = this.declared?.find((c) => c.name === name);
        v = declared ? declared.read(view) : (record.key as Record<string, unknown>)[name];
        if (v instanceof Promise) throw new Error(`key column ${name}: a tombstone's key is read with field paths only`);
      } else if (key.length === 1) {
        v = record.key;
      }
      if (v === undefined || v === null) throw new Error(`a tombstone whose key has no ${name} (key: ${JSON.stringify(record.key)})`);
      return v;
    });
    return { index, table, kind: 'delete', columns: key, values };
  }

  /** Field names become column names: checked once each. */
  private readonly columnNames = new Set<string>();
  private column(name: string): string {
    if (!this.columnNames.has(name)) {
      quote(name);
      if (this.columnNames.size < 10_000) this.columnNames.add(name);
    }
    return name;
  }

  private tableName(name: string): TableName {
    let parsed = this.tables.get(name);
    if (!parsed) {
      parsed = parseTableName(name);
      if (this.tables.size < 10_000) this.tables.set(name, parsed);
    }
    return parsed;
  }
}

/** JSON values as bound parameters: objects and arrays as JSON text, the rest as they are. */
export function encode(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

function checked(name: string): string {
  quote(name);
  return name;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'bytes';
  return typeof value === 'string' ? 'a string' : String(typeof value === 'object' ? value : `a ${typeof value}`);
}
