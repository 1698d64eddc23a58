/**
 * What the sink knows of its target tables — columns, types and primary key, read from the
 * driver's schema metadata once per table — and the DDL of `auto_create`.
 */
import { SinkError } from '@sinkhub/core';
import { NAME, parseCqlType, quote } from './identifiers.js';
import type { CassandraOptions } from './options.js';
import { tableCql, type TableInfo } from './statements.js';
import { typeName, type CqlType } from './values.js';

/** The driver calls the catalog needs: metadata of a table, and running DDL. */
export interface SchemaClient {
  getTable(keyspace: string, table: string): Promise<TableMetadataLike | null | undefined>;
  execute(cql: string): Promise<unknown>;
}

/** The parts of the driver's TableMetadata used here. */
export interface TableMetadataLike {
  readonly columns: readonly { readonly name: string; readonly type: CqlType }[];
  readonly partitionKeys: readonly { readonly name: string }[];
  readonly clusteringKeys: readonly { readonly name: string }[];
}

export class TableCatalog {
  private readonly known = new Map<string, TableInfo>();
  private keyspaceCreated = false;

  constructor(
    private readonly options: CassandraOptions,
    private readonly client: SchemaClient,
    private readonly onCreate: (table: string, cql: string) => void,
    /** Wraps an I/O error as the batch's (retryable or not), so it is never a record's. */
    private readonly batchError: (error: unknown) => SinkError,
    /** Throws (a SinkError) when the sink must refuse the table. */
    private readonly check: (table: TableInfo) => void = () => undefined,
  ) {}

  /** The table, created first when `auto_create` is set; undefined when it does not exist. */
  readonly lookup = async (table: string): Promise<TableInfo | undefined> => this.known.get(table) ?? this.load(table);

  private async load(table: string): Promise<TableInfo | undefined> {
    const keyspace = this.options.keyspace;
    let meta = await this.client.getTable(keyspace, table).catch((error: unknown) => {
      throw this.batchError(error);
    });
    if (!meta && this.options.auto_create) {
      try {
        if (this.options.auto_create.keyspace && !this.keyspaceCreated) {
          const cql = createKeyspaceCql(this.options);
          await this.client.execute(cql);
          this.keyspaceCreated = true;
        }
        const cql = createTableCql(this.options, table);
        await this.client.execute(cql);
        this.onCreate(table, cql);
        meta = await this.client.getTable(keyspace, table);
      } catch (error) {
        throw this.batchError(error);
      }
      if (!meta) throw new SinkError(`table ${keyspace}.${table} is still missing after CREATE TABLE`, { retryable: true });
    }
    if (!meta) return undefined;
    const info = tableInfo(keyspace, table, meta);
    this.check(info);
    if (this.known.size < 10_000) this.known.set(table, info);
    return info;
  }
}

/** TableInfo from the driver's metadata; a table with counters is refused (not idempotent). */
export function tableInfo(keyspace: string, table: string, meta: TableMetadataLike): TableInfo {
  const counters = meta.columns.filter((c) => typeName(c.type) === 'counter').map((c) => c.name);
  if (counters.length > 0) {
    throw new SinkError(`table ${keyspace}.${table} has counter columns (${counters.join(', ')}): an increment replayed would count twice, so counter tables are refused`, { retryable: false });
  }
  return {
    keyspace,
    table,
    columns: new Map(meta.columns.map((c) => [c.name, c.type])),
    partitionKey: meta.partitionKeys.map((c) => c.name),
    clusteringKey: meta.clusteringKeys.map((c) => c.name),
  };
}

/** `CREATE KEYSPACE IF NOT EXISTS "ks" WITH replication = {…}`. */
export function createKeyspaceCql(options: Pick<CassandraOptions, 'keyspace' | 'auto_create'>): string {
  const replication = Object.entries(options.auto_create?.replication ?? { class: 'SimpleStrategy', replication_factor: 1 })
    .map(([k, v]) => `'${k}': ${typeof v === 'number' ? v : `'${v}'`}`)
    .join(', ');
  return `CREATE KEYSPACE IF NOT EXISTS ${quote(options.keyspace, NAME)} WITH replication = {${replication}}`;
}

/** `CREATE TABLE IF NOT EXISTS` from the declared columns' types and the declared primary key. */
export function createTableCql(options: Pick<CassandraOptions, 'keyspace' | 'columns' | 'auto_create'>, table: string): string {
  const create = options.auto_create;
  if (!create || !options.columns) throw new Error('auto_create needs declared columns');
  const definitions = Object.entries(options.columns).map(([name, source]) => {
    if (typeof source === 'string' || !source.type) throw new Error(`column ${name} has no type`);
    return `${quote(name)} ${parseCqlType(source.type)}`;
  });
  const partition = `(${create.partition_key.map((c) => quote(c)).join(', ')})`;
  const key = [partition, ...create.clustering_key.map((c) => quote(c))].join(', ');
  return `CREATE TABLE IF NOT EXISTS ${tableCql({ keyspace: options.keyspace, table })} (${definitions.join(', ')}, PRIMARY KEY (${key}))`;
}
