/**
 * Cassandra I/O: a batch becomes prepared statements — unlogged batches of one partition each,
 * or single statements — run with at most `concurrency` requests in flight. Every statement
 * carries its own write time, so the order in which they land does not matter.
 */
import cassandra from 'cassandra-driver';
import { SinkError, tlsConnectionOptions, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { classify, describe } from './errors.js';
import { nondeterministic, type CassandraOptions } from './options.js';
import { TableCatalog } from './schema.js';
import { StatementBuilder, groupByPartition, type Statement } from './statements.js';

const { Client, auth, policies, types } = cassandra;

const CONSISTENCY: Record<CassandraOptions['consistency'], number> = {
  any: types.consistencies.any,
  one: types.consistencies.one,
  two: types.consistencies.two,
  three: types.consistencies.three,
  quorum: types.consistencies.quorum,
  all: types.consistencies.all,
  local_quorum: types.consistencies.localQuorum,
  each_quorum: types.consistencies.eachQuorum,
  local_one: types.consistencies.localOne,
};

export class CassandraSink implements Sink {
  private client: cassandra.Client | undefined;
  private readonly builder: StatementBuilder;
  private readonly catalog: TableCatalog;
  private readonly where: string;
  private readonly queryOptions: cassandra.QueryOptions;

  constructor(
    private readonly options: CassandraOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new StatementBuilder(options);
    this.where = options.contact_points.join(',');
    this.queryOptions = { prepare: true, isIdempotent: true, consistency: CONSISTENCY[options.consistency] };
    this.catalog = new TableCatalog(
      options,
      {
        getTable: async (keyspace, table) => (await this.db.metadata.getTable(keyspace, table)) as never,
        execute: (cql) => this.db.execute(cql, [], { consistency: types.consistencies.all }),
      },
      (table, cql) => this.context.logger.info({ table: `${options.keyspace}.${table}`, cql }, 'created table'),
      (error) => this.batchError(error),
      (table) => {
        if (context.delivery !== 'exactly-once') return;
        const bad = [...table.partitionKey, ...table.clusteringKey].find((k) => nondeterministic(options, k));
        if (bad) throw new SinkError(`exactly-once: the primary key column ${bad} of ${table.keyspace}.${table.table} comes from an expression that changes on every evaluation, so a replay would write another row`, { retryable: false });
      },
    );
  }

  async connect(): Promise<void> {
    const o = this.options;
    const tls = tlsConnectionOptions(o.tls);
    const client = new Client({
      contactPoints: o.contact_points,
      localDataCenter: o.local_data_center,
      ...(o.username !== undefined && { authProvider: new auth.PlainTextAuthProvider(o.username, o.password ?? '') }),
      ...(tls && { sslOptions: tls }),
      socketOptions: { connectTimeout: o.connect_timeout_ms, readTimeout: o.request_timeout_ms },
      // A restarted node is tried again within seconds, not minutes (the default grows to 10 min).
      policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(250, 4000, false) },
      queryOptions: this.queryOptions,
      // Maps are bound as Map, so their keys keep their CQL types (bigint, uuid, …).
      encoding: { map: Map },
      monitorReporting: { enabled: false },
    });
    this.client = client;
    client.on('log', (level: string, className: string, message: string) => {
      if (level === 'error') this.context.logger.warn({ driver: className }, message);
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${o.connect_timeout_ms} ms`)), o.connect_timeout_ms + 2000).unref(),
    );
    try {
      await Promise.race([client.connect(), timeout]);
      if (!client.metadata.keyspaces[o.keyspace] && !o.auto_create?.keyspace) {
        throw new SinkError(`keyspace ${o.keyspace} does not exist (create it, or set auto_create)`, { retryable: false });
      }
      const table = this.builder.constantTable;
      if (table !== undefined && !(await this.catalog.lookup(table))) {
        throw new SinkError(`table ${o.keyspace}.${table} does not exist (create it, or set auto_create)`, { retryable: false });
      }
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      this.client = undefined;
      if (error instanceof SinkError && error.message.startsWith('cassandra at ')) throw error;
      const retryable = error instanceof SinkError ? error.retryable : classify(error) === 'retryable';
      throw new SinkError(`cassandra at ${this.where}: ${error instanceof SinkError ? error.message : describe(error)}`, { retryable, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const plan = await this.builder.build(batch.records, this.catalog.lookup);
    const failures: RecordFailure[] = [...plan.failures];
    const units = this.options.unlogged_batches
      ? groupByPartition(plan.statements, this.options.max_batch_statements, this.options.max_batch_bytes)
      : plan.statements.map((s) => [s]);
    await inParallel(units, this.options.concurrency, async (unit) => {
      failures.push(...(await this.run(unit)));
    });
    return failures.length > 0 ? { failures: failures.sort((a, b) => a.index - b.index) } : undefined;
  }

  async stop(): Promise<void> {
    await this.client?.shutdown().catch(() => undefined);
  }

  /**
   * Runs one statement or one partition's unlogged batch; returns the records the server (or
   * the driver's encoder) refused. Any other error throws: the whole batch is retried, and
   * since every statement has its write time, rewriting the ones that landed is harmless.
   */
  private async run(unit: readonly Statement[]): Promise<RecordFailure[]> {
    try {
      if (unit.length === 1) await this.db.execute(unit[0]!.query, unit[0]!.params as unknown[], this.queryOptions);
      else await this.db.batch(unit.map((s) => ({ query: s.query, params: s.params as unknown[] })), { ...this.queryOptions, logged: false });
      return [];
    } catch (error) {
      if (classify(error) !== 'record') throw this.batchError(error);
      if (unit.length === 1) return [{ index: unit[0]!.index, error: error as Error, retryable: false }];
    }
    // The batch was refused as a whole: its statements one by one tell which records are bad.
    const failures: RecordFailure[] = [];
    for (const statement of unit) failures.push(...(await this.run([statement])));
    // None refused alone (say, the batch was over the server's size limit): all are written now.
    if (failures.length === 0) this.context.logger.warn({ statements: unit.length }, 'an unlogged batch was refused, though each of its statements succeeded alone');
    return failures;
  }

  private batchError(error: unknown): SinkError {
    if (error instanceof SinkError) return error;
    return new SinkError(`cassandra at ${this.where}: ${describe(error)}`, { retryable: classify(error) !== 'fatal', cause: error });
  }

  private get db(): cassandra.Client {
    if (!this.client) throw new Error('not connected');
    return this.client;
  }
}

/** Runs `work` over `items` with at most `limit` at once; the first error stops new work and is thrown once all in flight settle. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed) throw failed.error;
}
