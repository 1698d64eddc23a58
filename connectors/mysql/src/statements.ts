/**
 * Row operations → multi-row statements, without I/O, so a batch's exact SQL can be checked
 * against golden texts. Runs of the same table, kind and columns share one statement; a change
 * of kind or columns on a table starts the next, so per-key order is kept (an upsert, then a
 * delete, then an upsert of one key run in that order).
 */
import { quote } from './identifiers.js';
import { encode, type RowOp, type Value } from './rows.js';

export interface Statement {
  readonly sql: string;
  readonly params: readonly Value[];
  /** The operations it carries, to name the records when it fails. */
  readonly ops: readonly RowOp[];
}

export interface StatementLimits {
  /** Bytes of parameters per statement (under the server's `max_allowed_packet`). */
  readonly maxBytes: number;
  /** Placeholders per statement; the protocol's limit for prepared statements is 65535. */
  readonly maxParams: number;
}

export const PROTOCOL_MAX_PARAMS = 65_535;

export function buildStatements(ops: readonly RowOp[], mode: 'insert' | 'upsert', key: readonly string[] | undefined, limits: StatementLimits): Statement[] {
  const groups: RowOp[][] = [];
  const current = new Map<string, RowOp[]>();
  for (const op of ops) {
    const group = current.get(op.table.sql);
    if (group && sameShape(group[0]!, op)) {
      group.push(op);
    } else {
      const started = [op];
      current.set(op.table.sql, started);
      groups.push(started);
    }
  }
  return groups.flatMap((group) => split(group, limits).map((chunk) => ({ sql: sqlFor(chunk.ops, mode, key), params: chunk.params, ops: chunk.ops })));
}

function sameShape(a: RowOp, b: RowOp): boolean {
  if (a.kind !== b.kind || a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) if (a.columns[i] !== b.columns[i]) return false;
  return true;
}

interface Chunk {
  readonly ops: RowOp[];
  readonly params: Value[];
}

/**
 * Chunks of a group that stay within the limits, their parameters encoded on the way (one
 * array per chunk: this is the per-record hot path); a single oversized row still gets its own.
 */
function split(group: readonly RowOp[], limits: StatementLimits): Chunk[] {
  const chunks: Chunk[] = [];
  let chunk: Chunk = { ops: [], params: [] };
  let bytes = 0;
  for (const op of group) {
    const start = chunk.params.length;
    let size = 0;
    for (const value of op.values) {
      const param = encode(value);
      chunk.params.push(param);
      size += paramBytes(param);
    }
    if (chunk.ops.length > 0 && (bytes + size > limits.maxBytes || chunk.params.length > limits.maxParams)) {
      const moved = chunk.params.splice(start);
      chunks.push(chunk);
      chunk = { ops: [op], params: moved };
      bytes = size;
    } else {
      chunk.ops.push(op);
      bytes += size;
    }
  }
  if (chunk.ops.length > 0) chunks.push(chunk);
  return chunks;
}

/** Statement texts by shape and row count: full batches repeat the same few. */
const texts = new Map<string, string>();

function sqlFor(ops: readonly RowOp[], mode: 'insert' | 'upsert', key: readonly string[] | undefined): string {
  const first = ops[0]!;
  const id = `${mode}|${first.table.sql}|${first.kind}|${first.columns.join(',')}|${ops.length}`;
  let sql = texts.get(id);
  if (sql === undefined) {
    sql = statementText(first, ops.length, mode, key);
    if (texts.size >= 1000) texts.clear();
    texts.set(id, sql);
  }
  return sql;
}

function statementText(first: RowOp, rows: number, mode: 'insert' | 'upsert', key: readonly string[] | undefined): string {
  const columns = first.columns.map(quote);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tuples = Array.from({ length: rows }, () => tuple).join(', ');
  if (first.kind === 'delete') {
    const where = columns.length === 1 ? `${columns[0]} IN (${Array.from({ length: rows }, () => '?').join(', ')})` : `(${columns.join(', ')}) IN (${tuples})`;
    return `DELETE FROM ${first.table.sql} WHERE ${where}`;
  }
  let sql = `INSERT INTO ${first.table.sql} (${columns.join(', ')}) VALUES ${tuples}`;
  if (mode === 'upsert') {
    const keys = new Set(key);
    const updated = first.columns.filter((c) => !keys.has(c)).map(quote);
    // VALUES(col) rather than a row alias: MariaDB has no row alias, MySQL 8 still takes VALUES().
    sql += ` ON DUPLICATE KEY UPDATE ${updated.length > 0 ? updated.map((c) => `${c} = VALUES(${c})`).join(', ') : `${columns[0]} = ${columns[0]}`}`;
  }
  return sql;
}

/** Bytes a value takes on the wire, near enough to keep under the packet limit. */
function paramBytes(v: Value): number {
  if (typeof v === 'string') return Buffer.byteLength(v) + 9;
  if (Buffer.isBuffer(v)) return v.length + 9;
  return 9;
}
