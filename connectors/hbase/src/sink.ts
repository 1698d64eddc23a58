/**
 * HBase I/O: a batch becomes multi-row puts (up to `max_request_rows` rows each,
 * `concurrent_requests` at a time) and row deletes, through the REST gateway or native RPC. A
 * request refused for its data is halved until the refused rows are found: sending the accepted
 * rows again is harmless, since a cell is identified by row, column and timestamp (and HBase
 * applies the good rows of a refused request anyway).
 */
import { SinkError, isolateRefused, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { HbaseError, classify } from './errors.js';
import { MutationBuilder, planSteps, type RowPut, type Step } from './mutations.js';
import { constantOf, type HbaseOptions } from './options.js';
import { RestTransport } from './rest.js';
import { RpcTransport } from './rpc.js';
import type { Transport } from './transport.js';

export class HbaseSink implements Sink {
  private readonly builder: MutationBuilder;
  private readonly transport: Transport;
  /** The table when it does not depend on the record. */
  private readonly constantTable: string | undefined;
  /** Tables found (or created) with the families the mapping needs. */
  private readonly checked = new Map<string, Promise<void>>();

  constructor(
    private readonly options: HbaseOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new MutationBuilder(options);
    this.transport = options.transport === 'rpc' ? new RpcTransport(options, context.logger) : new RestTransport(options);
    this.constantTable = constantOf(options.table);
  }

  async connect(): Promise<void> {
    try {
      await this.transport.connect();
      if (this.constantTable !== undefined) await this.checkTable(this.constantTable);
    } catch (error) {
      await this.transport.close().catch(() => undefined);
      throw new SinkError(`hbase at ${this.transport.where}: ${(error as Error).message}`, { retryable: false, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const translation = await this.builder.build(batch.records);
    const failures: RecordFailure[] = [...translation.failures];
    const refused = (indexes: readonly number[], error: unknown) => {
      for (const index of indexes) failures.push({ index, error: new Error((error as Error).message), retryable: false });
    };
    try {
      for (const step of planSteps(translation.mutations, this.options.server_time)) await this.run(step, refused);
    } catch (error) {
      throw this.batchError(error);
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {
    await this.transport.close();
  }

  private async run(step: Step, refused: (indexes: readonly number[], error: unknown) => void): Promise<void> {
    if (step.kind === 'delete') {
      await inParallel(step.deletes, this.options.concurrent_requests, (d) =>
        this.transport.deleteRow(d.table, d.row, d.timestamp).catch((error: unknown) => {
          if (!this.isRefusal(error)) throw withTable(error, d.table);
          refused([d.index], withTable(error, d.table));
        }),
      );
      return;
    }
    const table = step.table;
    if (this.options.create_table && this.constantTable === undefined) {
      try {
        await this.checkTable(table);
      } catch (error) {
        if (!this.isRefusal(error)) throw withTable(error, table);
        refused(step.rows.flatMap((r) => r.indexes), withTable(error, table));
        return;
      }
    }
    const chunks: RowPut[][] = [];
    for (let i = 0; i < step.rows.length; i += this.options.max_request_rows) chunks.push(step.rows.slice(i, i + this.options.max_request_rows));
    await inParallel(chunks, this.options.concurrent_requests, async (rows) => {
      const result = await isolateRefused(
        rows,
        (part) => this.transport.put(table, part).catch((error: unknown) => Promise.reject(withTable(error, table))),
        (error) => (this.isRefusal(error) ? (error as Error) : undefined),
      );
      for (const r of result.refused) refused(r.item.indexes, r.error);
      // Puts are idempotent: the whole batch is retried.
      if (result.unsent) throw result.unsent.error;
    });
  }

  /** Refused for the record's data: the records go to the dead-letter topic. */
  private isRefusal(error: unknown): boolean {
    const kind = classify(error);
    return kind === 'record' || (kind === 'no-table' && this.constantTable === undefined);
  }

  /** A failure of the whole batch: retried, unless it is one no retry can fix. */
  private batchError(error: unknown): Error {
    const kind = classify(error);
    const message = `hbase at ${this.transport.where}: ${(error as Error).message}`;
    if (kind === 'retryable') return new Error(message, { cause: error });
    return new SinkError(message, { retryable: false, cause: error });
  }

  /**
   * Checks (once) that the table exists with the families the mapping writes, creating it when
   * `create_table` says so.
   */
  private checkTable(table: string): Promise<void> {
    let check = this.checked.get(table);
    if (!check) {
      check = this.findOrCreate(table);
      this.checked.set(table, check);
      check.catch(() => this.checked.delete(table));
    }
    return check;
  }

  private async findOrCreate(table: string): Promise<void> {
    const needed = this.builder.families();
    let schema = await this.transport.describeTable(table);
    const create = this.options.create_table;
    if (!schema && create) {
      const families = create.families ?? needed;
      await this.transport.createTable(table, families, create.versions);
      this.context.logger.info({ table, families, versions: create.versions }, 'created the HBase table');
      schema = await this.transport.describeTable(table);
    }
    if (!schema) throw new HbaseError(`table ${table} does not exist`, { exception: 'org.apache.hadoop.hbase.TableNotFoundException' });
    if (schema.families === undefined) return; // the RPC transport cannot read schemas
    const missing = needed.filter((f) => !schema.families!.includes(f));
    if (missing.length > 0) {
      throw new HbaseError(`table ${table} has no column family ${missing.join(', ')} (it has ${schema.families.join(', ') || 'none'})`, {
        exception: 'org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException',
      });
    }
  }
}

/** The error with the table named, unless the message already names it. */
function withTable(error: unknown, table: string): unknown {
  if (!(error instanceof HbaseError) || error.message.includes(`table ${table}`) || error.message.includes(`'${table}'`)) return error;
  return new HbaseError(`table ${table}: ${error.message}`, error.details, { cause: error });
}

/** Runs `work` on every item, at most `limit` at once; rejects with the first failure, after all settled. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
