/**
 * The REST gateway (Stargate) transport, over undici: a multi-row put is one
 * `PUT /<table>/<fakerow>` with a CellSet JSON body (keys, columns and values base64); a row
 * delete is `DELETE /<table>/<row>//<timestamp>` (no columns: every family).
 */
import { Pool } from 'undici';
import { tlsConnectionOptions } from '@sinkhub/core';
import { HbaseError, connectionError, restError } from './errors.js';
import type { RowPut } from './mutations.js';
import type { HbaseOptions } from './options.js';
import type { TableSchema, Transport } from './transport.js';

/** Columns repeat in every row: each one's base64 once. */
const columnBase64 = new Map<string, string>();

function column(family: string, qualifier: string): string {
  const name = `${family}:${qualifier}`;
  let encoded = columnBase64.get(name);
  if (encoded === undefined) {
    encoded = Buffer.from(name, 'utf8').toString('base64');
    if (columnBase64.size < 10_000) columnBase64.set(name, encoded);
  }
  return encoded;
}

/**
 * The CellSet JSON of a multi-row put, as the gateway reads it. Written as text rather than
 * stringifying an object per row and cell (the connector's hottest code): base64 and integers
 * need no escaping, so the parts go in as they are.
 */
export function cellSetBody(rows: readonly RowPut[]): string {
  let out = '{"Row":[';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out += `${i === 0 ? '' : ','}{"key":"${Buffer.from(r.row, 'utf8').toString('base64')}","Cell":[`;
    for (let j = 0; j < r.cells.length; j++) {
      const c = r.cells[j]!;
      const timestamp = c.timestamp === undefined ? '' : `"timestamp":${c.timestamp},`;
      out += `${j === 0 ? '' : ','}{"column":"${column(c.family, c.qualifier)}",${timestamp}"$":"${c.value.toString('base64')}"}`;
    }
    out += ']}';
  }
  return out + ']}';
}

/** The path of a multi-row put: the row in the path is ignored (each row carries its key). */
export function putPath(table: string): string {
  return `/${encodeURIComponent(table)}/fakerow`;
}

/** The path deleting a row: every family at or before `timestamp`, or every version. */
export function deletePath(table: string, row: string, timestamp: number | undefined): string {
  const base = `/${encodeURIComponent(table)}/${encodeURIComponent(row)}`;
  return timestamp === undefined ? base : `${base}//${timestamp}`;
}

/** The table schema a created table gets. */
export function schemaBody(table: string, families: readonly string[], versions: number): string {
  return JSON.stringify({ name: table, ColumnSchema: families.map((name) => ({ name, VERSIONS: String(versions) })) });
}

export class RestTransport implements Transport {
  readonly where: string;
  private readonly pool: Pool;
  private readonly base: string;

  constructor(private readonly options: HbaseOptions) {
    const url = new URL(options.url);
    this.where = url.host;
    this.base = url.pathname.replace(/\/$/, '');
    const tls = tlsConnectionOptions(options.tls);
    this.pool = new Pool(url.origin, {
      connections: options.concurrent_requests * 2,
      headersTimeout: options.request_timeout_ms,
      bodyTimeout: options.request_timeout_ms,
      connectTimeout: Math.min(options.request_timeout_ms, 10_000),
      ...(tls && { connect: tls }),
    });
  }

  async connect(): Promise<void> {
    // Answers only when the gateway is up; its cluster is checked by the table lookups that follow.
    await this.request('GET', '/version/rest', undefined, Math.min(this.options.request_timeout_ms, 10_000));
  }

  async describeTable(table: string): Promise<TableSchema | undefined> {
    try {
      const body = JSON.parse(await this.request('GET', `/${encodeURIComponent(table)}/schema`)) as { ColumnSchema?: { name: string }[] };
      return { families: (body.ColumnSchema ?? []).map((c) => c.name) };
    } catch (error) {
      if (error instanceof HbaseError && error.details.status === 404) return undefined;
      throw error;
    }
  }

  async createTable(table: string, families: readonly string[], versions: number): Promise<void> {
    await this.request('PUT', `/${encodeURIComponent(table)}/schema`, schemaBody(table, families, versions));
  }

  async put(table: string, rows: readonly RowPut[]): Promise<void> {
    await this.request('PUT', putPath(table), cellSetBody(rows));
  }

  async deleteRow(table: string, row: string, timestamp: number | undefined): Promise<void> {
    await this.request('DELETE', deletePath(table, row, timestamp));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One request; resolves with the body of a 2xx, throws an `HbaseError` otherwise. */
  private async request(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: string, timeoutMs = this.options.request_timeout_ms): Promise<string> {
    let response;
    try {
      response = await this.pool.request({
        method,
        path: this.base + path,
        headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw connectionError(timeoutError(error, timeoutMs));
    }
    const text = await response.body.text().catch(() => '');
    if (response.statusCode >= 200 && response.statusCode < 300) return text;
    throw restError(response.statusCode, text);
  }
}

/** An aborted request says only "This operation was aborted": name the timeout instead. */
function timeoutError(error: unknown, timeoutMs: number): Error & { code?: string } {
  const e = error as Error & { code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
  return e;
}
