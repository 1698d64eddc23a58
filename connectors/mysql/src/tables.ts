/**
 * What the sink knows of its target tables: which exist and their columns (read from
 * information_schema once per table), and the DDL of an auto-created table.
 */
import type { RecordFailure } from '@sinkhub/core';
import { quote, type TableName } from './identifiers.js';
import type { MysqlOptions } from './options.js';
import type { RowOp, Value } from './rows.js';

/** Runs a query and returns its rows; the sink binds it to a pooled connection. */
export type Query = (sql: string, params: readonly Value[]) => Promise<Record<string, unknown>[]>;

export interface Fitted {
  readonly ops: readonly RowOp[];
  readonly failures: readonly RecordFailure[];
}

export class TableCatalog {
  /** Lower-cased column names of each known table, by quoted name. */
  private readonly known = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly options: MysqlOptions,
    private readonly query: Query,
    private readonly onCreate: (table: TableName, ddl: string) => void,
  ) {}

  /** The table's columns, or undefined when it does not exist. Existence is cached, absence is not. */
  async columns(table: TableName): Promise<ReadonlySet<string> | undefined> {
    return this.known.get(table.sql) ?? this.lookUp(table);
  }

  private async lookUp(table: TableName): Promise<ReadonlySet<string> | undefined> {
    const rows = await this.query(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?',
      [table.database ?? null, table.table],
    );
    if (rows.length === 0) return undefined;
    const columns = new Set(rows.flatMap((r) => [String(r['name']), String(r['name']).toLowerCase()]));
    this.known.set(table.sql, columns);
    return columns;
  }

  /**
   * Makes the batch's operations fit their tables: creates missing tables (auto_create) from
   * the first operation on each; without declared `columns`, drops or refuses fields the table
   * has no column for. Operations on missing tables, and refused fields, become record failures.
   */
  async fit(ops: readonly RowOp[]): Promise<Fitted> {
    const fitted: RowOp[] = [];
    const failures: RecordFailure[] = [];
    const declared = this.options.columns !== undefined;
    for (const op of ops) {
      let columns = this.known.get(op.table.sql) ?? (await this.lookUp(op.table));
      if (!columns && this.options.auto_create && op.kind === 'write') columns = await this.create(op);
      if (!columns) {
        failures.push({ index: op.index, error: new Error(`table ${op.table.sql} does not exist (set auto_create to create it)`), retryable: false });
        continue;
      }
      if (declared || op.kind === 'delete' || op.columns.every((c) => columns.has(c) || columns.has(c.toLowerCase()))) {
        fitted.push(op);
        continue;
      }
      const unknown = op.columns.filter((c) => !columns.has(c.toLowerCase()));
      if (this.options.unknown_fields === 'error') {
        failures.push({ index: op.index, error: new Error(`table ${op.table.sql} has no column for field(s) ${unknown.join(', ')}`), retryable: false });
        continue;
      }
      const kept = op.columns.flatMap((c, i) => (columns.has(c.toLowerCase()) ? [i] : []));
      if (kept.length === 0) {
        failures.push({ index: op.index, error: new Error(`table ${op.table.sql} has no column for any field of the value`), retryable: false });
        continue;
      }
      fitted.push({ ...op, columns: kept.map((i) => op.columns[i]!), values: kept.map((i) => op.values[i]!) });
    }
    return { ops: fitted, failures };
  }

  private async create(op: RowOp): Promise<ReadonlySet<string>> {
    const ddl = createTableSql(op, this.options);
    await this.query(ddl, []);
    this.onCreate(op.table, ddl);
    this.known.delete(op.table.sql);
    const columns = await this.columns(op.table);
    if (!columns) throw new Error(`table ${op.table.sql} is still missing after CREATE TABLE`);
    return columns;
  }
}

/** `CREATE TABLE IF NOT EXISTS` from the declared column types, or types inferred from `op`'s values. */
export function createTableSql(op: RowOp, options: Pick<MysqlOptions, 'columns' | 'key'>): string {
  const keys = new Set(options.key ?? []);
  const definitions = op.columns.map((name, i) => {
    const source = options.columns?.[name];
    const declared = typeof source === 'object' ? source.type : undefined;
    const type = declared?.toUpperCase() ?? inferType(op.values[i], keys.has(name));
    return `${quote(name)} ${type}${keys.has(name) ? ' NOT NULL' : ' NULL'}`;
  });
  if (keys.size > 0) definitions.push(`PRIMARY KEY (${[...keys].map(quote).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${op.table.sql} (${definitions.join(', ')}) DEFAULT CHARSET = utf8mb4`;
}

/**
 * The documented type mapping for auto-created tables: integers → BIGINT, other numbers →
 * DOUBLE, booleans → BOOLEAN, strings → TEXT (VARCHAR(255) in a key: TEXT cannot be one),
 * objects and arrays → JSON, null → TEXT.
 */
export function inferType(value: unknown, inKey: boolean): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (Buffer.isBuffer(value)) return inKey ? 'VARBINARY(255)' : 'BLOB';
  if (value !== null && typeof value === 'object' && !inKey) return 'JSON';
  return inKey ? 'VARCHAR(255)' : 'TEXT';
}
