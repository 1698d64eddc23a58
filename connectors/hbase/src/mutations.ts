/**
 * Records → HBase mutations, without I/O: a put of cells (family, qualifier, bytes, timestamp)
 * or a row delete per record, then a plan of requests that merges the puts of one row. A record
 * that cannot become a mutation is a record-level failure.
 */
import { compileAccessor, compileTemplate, readPath, translateRecords, type Accessor, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import { splitColumn, type HbaseOptions } from './options.js';

/** HBase refuses longer row keys (`Short.MAX_VALUE`). */
export const MAX_ROW_KEY_BYTES = 32_767;

export interface Cell {
  readonly family: string;
  readonly qualifier: string;
  readonly value: Buffer;
  /** Milliseconds since the epoch; undefined: the region server's clock. */
  readonly timestamp: number | undefined;
}

export type Mutation =
  | { readonly kind: 'put'; readonly index: number; readonly table: string; readonly row: string; readonly cells: readonly Cell[] }
  /** Deletes every cell of the row at or before `timestamp` (undefined: every cell). */
  | { readonly kind: 'delete'; readonly index: number; readonly table: string; readonly row: string; readonly timestamp: number | undefined };

export interface Translation {
  readonly mutations: readonly Mutation[];
  readonly failures: readonly RecordFailure[];
}

/** One row of a multi-row put: the cells of every record of the batch that writes it. */
export interface RowPut {
  readonly row: string;
  readonly cells: readonly Cell[];
  /** Indexes of the records whose cells these are, in the batch. */
  readonly indexes: readonly number[];
}

/** What a batch becomes, in order: multi-row puts to a table, and row deletes. */
export type Step =
  | { readonly kind: 'put'; readonly table: string; readonly rows: readonly RowPut[] }
  | { readonly kind: 'delete'; readonly deletes: readonly Extract<Mutation, { kind: 'delete' }>[] };

interface Column {
  readonly family: string;
  readonly qualifier: string;
  readonly source: Accessor;
}

export class MutationBuilder {
  private readonly table: Template;
  private readonly rowKey: Template;
  private readonly columns: readonly Column[] | undefined;
  private readonly timestampPath: readonly string[] | undefined;

  constructor(private readonly options: HbaseOptions) {
    this.table = compileTemplate(options.table);
    this.rowKey = compileTemplate(options.row_key);
    this.columns =
      options.columns &&
      Object.entries(options.columns).map(([column, source]) => {
        const [family, qualifier] = splitColumn(column, options.family);
        return { family: family!, qualifier, source: compileAccessor(source) };
      });
    this.timestampPath = options.timestamp_field?.split('.');
  }

  /** The families the mapping writes to (what `create_table` creates by default). */
  families(): string[] {
    return [...new Set(this.columns ? this.columns.map((c) => c.family) : [this.options.family!])];
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, (record, index) => this.mutation(index, record));
    return { mutations: items, failures };
  }

  private async mutation(index: number, record: SinkRecord): Promise<Mutation | undefined> {
    if (record.value === null || record.value === undefined) {
      if (this.options.tombstones === 'skip') return undefined;
      if (this.options.tombstones === 'error') throw new Error('a tombstone (null value) has no cells to write');
      // Without a timestamp field, a tombstone deletes up to its Kafka timestamp.
      const timestamp = this.options.server_time ? undefined : record.timestamp;
      return { kind: 'delete', index, table: await this.tableOf(record), row: await this.rowOf(record), timestamp };
    }
    const timestamp = this.timestampOf(record);
    const cells: Cell[] = [];
    if (this.columns) {
      for (const column of this.columns) {
        const value = await column.source(record);
        if (value !== undefined && value !== null) cells.push({ family: column.family, qualifier: column.qualifier, value: this.encode(value), timestamp });
      }
      if (cells.length === 0) throw new Error(`no cell to write: every column (${this.columns.map((c) => `${c.family}:${c.qualifier}`).join(', ')}) is missing in the value`);
    } else {
      const family = this.options.family!;
      const value = record.value;
      if (typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) {
        for (const [qualifier, field] of Object.entries(value as Record<string, unknown>)) {
          if (field !== undefined && field !== null) cells.push({ family, qualifier, value: this.encode(field), timestamp });
        }
        if (cells.length === 0) throw new Error('no cell to write: the value has no field that is not null');
      } else {
        cells.push({ family, qualifier: 'value', value: this.encode(value), timestamp });
      }
    }
    return { kind: 'put', index, table: await this.tableOf(record), row: await this.rowOf(record), cells };
  }

  private async tableOf(record: SinkRecord): Promise<string> {
    return this.table.constant ?? (await this.table.render(record));
  }

  private async rowOf(record: SinkRecord): Promise<string> {
    const row = this.rowKey.constant ?? (await this.rowKey.render(record));
    if (row === '') throw new Error('the row key is empty');
    const bytes = Buffer.byteLength(row, 'utf8');
    if (bytes > MAX_ROW_KEY_BYTES) throw new Error(`the row key is ${bytes} bytes; HBase takes at most ${MAX_ROW_KEY_BYTES}`);
    return row;
  }

  /** The cells' timestamp: the field's, the Kafka record's, or none (server time). */
  private timestampOf(record: SinkRecord): number | undefined {
    if (this.options.server_time) return undefined;
    if (!this.timestampPath) return record.timestamp;
    const raw = readPath(record.value, this.timestampPath);
    let ms: number | undefined;
    if (typeof raw === 'number') ms = raw;
    else if (typeof raw === 'string' && raw !== '') ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) {
      throw new Error(`timestamp field ${this.options.timestamp_field} is ${raw === undefined ? 'missing' : `not epoch milliseconds or an ISO-8601 time: ${JSON.stringify(raw)}`}`);
    }
    return ms;
  }

  private encode(value: unknown): Buffer {
    return encodeValue(value, this.options.encoding);
  }
}

/** A value's cell bytes in `encoding` (see the `encoding` option). */
export function encodeValue(value: unknown, encoding: HbaseOptions['encoding']): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (encoding === 'json') return Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (encoding === 'binary') {
    if (typeof value === 'boolean') return Buffer.from([value ? 0xff : 0x00]);
    if (typeof value === 'bigint') {
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(value);
      return out;
    }
    if (typeof value === 'number') {
      const out = Buffer.alloc(8);
      if (Number.isSafeInteger(value)) out.writeBigInt64BE(BigInt(value));
      else out.writeDoubleBE(value);
      return out;
    }
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return Buffer.from(String(value), 'utf8');
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * The requests of a batch, in order. Puts to one row are merged into one row of the request
 * (a cell of a later record replaces the same column and timestamp of an earlier one), so a
 * request never holds two writes of one cell, whose order HBase would not keep.
 *
 * With timestamps from the records, order across puts and deletes does not matter (HBase
 * orders cells by timestamp, and a delete masks what is at or before its timestamp), so all
 * puts come first, then all deletes. With server time, order is what the clock sees: each run
 * of puts is sent before the delete that follows it, and so on.
 */
export function planSteps(mutations: readonly Mutation[], orderMatters: boolean): Step[] {
  const steps: Step[] = [];
  let puts: Extract<Mutation, { kind: 'put' }>[] = [];
  let deletes: Extract<Mutation, { kind: 'delete' }>[] = [];
  const flushPuts = () => {
    if (puts.length > 0) steps.push(...putSteps(puts));
    puts = [];
  };
  const flushDeletes = () => {
    if (deletes.length > 0) steps.push({ kind: 'delete', deletes });
    deletes = [];
  };
  for (const m of mutations) {
    if (m.kind === 'put') {
      if (orderMatters) flushDeletes();
      puts.push(m);
    } else {
      if (orderMatters) flushPuts();
      deletes.push(m);
    }
  }
  flushPuts();
  flushDeletes();
  return steps;
}

function putSteps(puts: readonly Extract<Mutation, { kind: 'put' }>[]): Step[] {
  const byTable = new Map<string, Map<string, { cells: Map<string, Cell>; indexes: number[] }>>();
  for (const put of puts) {
    let rows = byTable.get(put.table);
    if (!rows) byTable.set(put.table, (rows = new Map()));
    let row = rows.get(put.row);
    if (!row) rows.set(put.row, (row = { cells: new Map(), indexes: [] }));
    row.indexes.push(put.index);
    for (const cell of put.cells) {
      const key = `${cell.family}\u0000${cell.qualifier}\u0000${cell.timestamp ?? ''}`;
      row.cells.delete(key); // re-inserted last: cells keep the order they were last written in
      row.cells.set(key, cell);
    }
  }
  return [...byTable].map(([table, rows]) => ({
    kind: 'put' as const,
    table,
    rows: [...rows].map(([row, r]) => ({ row, cells: [...r.cells.values()], indexes: r.indexes })),
  }));
}
