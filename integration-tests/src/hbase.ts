/**
 * An HBase REST client for the suites: tables made and dropped, rows read back with a scanner
 * (every version of every cell), whatever transport the sink under test used.
 */
import { HBASE_REST_URL, hostPort } from './env.js';

export const hbaseServer = { name: 'HBase REST gateway', address: hostPort(HBASE_REST_URL), service: 'hbase' };

export interface StoredCell {
  readonly row: string;
  /** `family:qualifier`. */
  readonly column: string;
  readonly timestamp: number;
  readonly value: Buffer;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${HBASE_REST_URL}${path}`, { method, headers: JSON_HEADERS, ...(body !== undefined && { body: JSON.stringify(body) }) });
}

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${(await response.text()).split('\n').slice(0, 2).join(' ')}`);
  return response;
}

/** HBase table names allow letters, digits, `_`, `-` and `.`: topic names fit. */
export const tableFor = (topic: string) => topic.replaceAll(/[^A-Za-z0-9_.-]/g, '_');

/** Creates `table` with `families`, each keeping `versions` versions. */
export async function createTable(table: string, families: readonly string[], versions = 1): Promise<void> {
  await ok(await call('PUT', `/${encodeURIComponent(table)}/schema`, { name: table, ColumnSchema: families.map((name) => ({ name, VERSIONS: String(versions) })) }), `create ${table}`);
}

export async function tableExists(table: string): Promise<boolean> {
  const response = await call('GET', `/${encodeURIComponent(table)}/schema`);
  await response.arrayBuffer();
  return response.ok;
}

/** The families of `table` with their VERSIONS. */
export async function tableFamilies(table: string): Promise<Record<string, number>> {
  const schema = (await (await ok(await call('GET', `/${encodeURIComponent(table)}/schema`), `schema of ${table}`)).json()) as { ColumnSchema: { name: string; VERSIONS: string }[] };
  return Object.fromEntries(schema.ColumnSchema.map((c) => [c.name, Number(c.VERSIONS)]));
}

export async function dropTable(table: string): Promise<void> {
  const response = await call('DELETE', `/${encodeURIComponent(table)}/schema`);
  await response.arrayBuffer();
}

/** Every version of every cell of `table` (of `columns` only, when given), through a REST scanner. */
export async function scanCells(table: string, columns?: readonly string[]): Promise<StoredCell[]> {
  const created = await ok(await call('POST', `/${encodeURIComponent(table)}/scanner`, { batch: 20_000, maxVersions: 1000, ...(columns && { column: columns.map(b64) }) }), `scanner on ${table}`);
  await created.arrayBuffer();
  const location = created.headers.get('location')!;
  const cells: StoredCell[] = [];
  try {
    for (;;) {
      const response = await fetch(location, { headers: { accept: 'application/json' } });
      if (response.status === 204) break;
      const set = (await (await ok(response, `scan of ${table}`)).json()) as { Row: { key: string; Cell: { column: string; timestamp: number; $: string }[] }[] };
      for (const row of set.Row) {
        const key = Buffer.from(row.key, 'base64').toString('utf8');
        for (const cell of row.Cell) cells.push({ row: key, column: Buffer.from(cell.column, 'base64').toString('utf8'), timestamp: cell.timestamp, value: Buffer.from(cell.$, 'base64') });
      }
    }
  } finally {
    await (await fetch(location, { method: 'DELETE' })).arrayBuffer();
  }
  return cells;
}

/** The cells of one row, newest version first per column, as HBase returns them. */
export async function readRow(table: string, row: string): Promise<StoredCell[]> {
  return (await scanCells(table)).filter((c) => c.row === row);
}

/** Puts one cell directly (for the suites' own setup). */
export async function putCell(table: string, row: string, column: string, value: string, timestamp?: number): Promise<void> {
  const cell = { column: b64(column), ...(timestamp !== undefined && { timestamp }), $: b64(value) };
  await (await ok(await call('PUT', `/${encodeURIComponent(table)}/fakerow`, { Row: [{ key: b64(row), Cell: [cell] }] }), `put into ${table}`)).arrayBuffer();
}
