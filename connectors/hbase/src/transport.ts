/** What the sink needs from a way of talking to HBase; `rest.ts` and `rpc.ts` provide it. */
import type { RowPut } from './mutations.js';

export interface TableSchema {
  /** Undefined when the transport cannot read them. */
  readonly families: readonly string[] | undefined;
}

export interface Transport {
  /** Where it talks to, for messages: `127.0.0.1:8080` or `zookeeper 127.0.0.1:2181`. */
  readonly where: string;
  /** Checks the server answers; throws an `HbaseError` when it does not. */
  connect(): Promise<void>;
  /** The table's families, or undefined when it does not exist. */
  describeTable(table: string): Promise<TableSchema | undefined>;
  /** Creates the table (only called when `describeTable` found none). */
  createTable(table: string, families: readonly string[], versions: number): Promise<void>;
  /** One multi-row put. Throws an `HbaseError` when refused or failed, as a whole. */
  put(table: string, rows: readonly RowPut[]): Promise<void>;
  /** Deletes the row's cells at or before `timestamp` (undefined: all of them). */
  deleteRow(table: string, row: string, timestamp: number | undefined): Promise<void>;
  close(): Promise<void>;
}
