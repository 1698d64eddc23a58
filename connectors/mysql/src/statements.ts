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
  return groups.flatMap((group) => split(group.map(encoded), limits).map((chunk) => statement(chunk, mode, key)));
}

function sameShape(a: RowOp, b: RowOp): boolean {
  if (a.kind !== b.kind || a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) if (a.columns[i] !== b.columns[i]) return false;
  return true;
}

interface EncodedOp {
  readonly op: RowOp;
  readonly params: readonly Value[];
  readonly bytes: number;
}

function encoded(op: RowOp): EncodedOp {
  const params = op.values.map(encode);
  return { op, params, bytes: paramBytes(params) };
}

/** Chunks of a group that stay within the limits; a single oversized row still gets its own. */
function split(group: readonly EncodedOp[], limits: StatementLimits): EncodedOp[][] {
  const chunks: EncodedOp[][] = [];
  let chunk: EncodedOp[] = [];
  let bytes = 0;
  let params = 0;
  for (const op of group) {
    const size = op.bytes;
    if (chunk.length > 0 && (bytes + size > limits.maxBytes || params + op.params.length > limits.maxParams)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
      params = 0;
    }
    chunk.push(op);
    bytes += size;
    params += op.params.length;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function statement(chunk: readonly EncodedOp[], mode: 'insert' | 'upsert', key: readonly string[] | undefined): Statement {
  const ops = chunk.map((e) => e.op);
  const first = ops[0]!;
  const columns = first.columns.map(quote);
  const params = chunk.flatMap((e) => e.params);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const tuples = ops.map(() => tuple).join(', ');
  if (first.kind === 'delete') {
    const where = columns.length === 1 ? `${columns[0]} IN (${ops.map(() => '?').join(', ')})` : `(${columns.join(', ')}) IN (${tuples})`;
    return { sql: `DELETE FROM ${first.table.sql} WHERE ${where}`, params, ops };
  }
  let sql = `INSERT INTO ${first.table.sql} (${columns.join(', ')}) VALUES ${tuples}`;
  if (mode === 'upsert') {
    const keys = new Set(key);
    const updated = first.columns.filter((c) => !keys.has(c)).map(quote);
    // VALUES(col) rather than a row alias: MariaDB has no row alias, MySQL 8 still takes VALUES().
    sql += ` ON DUPLICATE KEY UPDATE ${updated.length > 0 ? updated.map((c) => `${c} = VALUES(${c})`).join(', ') : `${columns[0]} = ${columns[0]}`}`;
  }
  return { sql, params, ops };
}

/** Bytes a row's values take on the wire, near enough to keep under the packet limit. */
function paramBytes(values: readonly Value[]): number {
  let bytes = 0;
  for (const v of values) {
    if (typeof v === 'string') bytes += Buffer.byteLength(v) + 9;
    else if (Buffer.isBuffer(v)) bytes += v.length + 9;
    else bytes += 9;
  }
  return bytes;
}
