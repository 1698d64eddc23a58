/**
 * MySQL/MariaDB I/O: one transaction per batch of multi-row statements; for exactly-once, the
 * partitions' next offsets are checked (fencing) and stored in the same transaction.
 */
import { createPool, type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import {
  FencedError,
  SinkError,
  tlsConnectionOptions,
  type Batch,
  type OffsetUpdate,
  type RecordFailure,
  type Sink,
  type SinkContext,
  type StoredOffset,
  type TopicPartition,
  type WriteResult,
} from '@sinkhub/core';
import { classify } from './errors.js';
import { quote } from './identifiers.js';
import type { MysqlOptions } from './options.js';
import { RowMapper, type RowOp, type Value } from './rows.js';
import { PROTOCOL_MAX_PARAMS, buildStatements, type Statement, type StatementLimits } from './statements.js';
import { TableCatalog } from './tables.js';

/** What a statement of the batch returned when a row could not be written. */
class RowsRejected extends Error {}

export class MysqlSink implements Sink {
  private pool: Pool | undefined;
  private readonly mapper: RowMapper;
  private readonly catalog: TableCatalog;
  private readonly offsetsTable: string;
  private readonly where: string;
  private limits: StatementLimits;

  constructor(
    private readonly options: MysqlOptions,
    private readonly context: SinkContext,
  ) {
    this.mapper = new RowMapper(options);
    this.offsetsTable = quote(options.offsets_table);
    const url = new URL(options.url);
    this.where = `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    this.limits = { maxBytes: options.max_statement_bytes, maxParams: PROTOCOL_MAX_PARAMS };
    this.catalog = new TableCatalog(
      options,
      async (sql, params) => (await this.db.query(sql, params as Value[]))[0] as Record<string, unknown>[],
      (table, ddl) => this.context.logger.info({ table: table.sql, ddl }, 'created table'),
    );
  }

  async connect(): Promise<void> {
    const pool = createPool(this.poolOptions());
    this.pool = pool;
    if (this.options.strict) {
      // Every new connection, before its first statement: a value that does not fit is an error.
      pool.pool.on('connection', (connection) =>
        connection.query("SET SESSION sql_mode = CONCAT_WS(',', @@sql_mode, 'STRICT_ALL_TABLES')", (error: Error | null) => {
          if (error) this.context.logger.warn({ err: error.message }, 'could not set STRICT_ALL_TABLES');
        }),
      );
    }
    // Never hang on an unreachable server: one bounded attempt, then a clear error.
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${this.options.connect_timeout_ms} ms`)), this.options.connect_timeout_ms).unref(),
    );
    try {
      const [rows] = await Promise.race([pool.query('SELECT @@max_allowed_packet AS packet'), timeout]);
      const packet = Number((rows as { packet: number }[])[0]!.packet);
      // Headroom for the statement text and the protocol's framing.
      this.limits = { ...this.limits, maxBytes: Math.min(this.options.max_statement_bytes, Math.floor(packet * 0.75)) };
      if (this.context.delivery === 'exactly-once') await this.createOffsetsTable();
      const table = this.mapper.constantTable;
      if (table && !this.options.auto_create && !(await this.catalog.columns(table))) {
        throw Object.assign(new Error(`table ${table.sql} does not exist (create it, or set auto_create)`), { code: 'ER_NO_SUCH_TABLE' });
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      this.pool = undefined;
      const e = error as Error & { code?: string };
      throw new SinkError(`mysql at ${this.where}: ${e.message || e.code}`, { retryable: classify(e) === 'retryable', cause: e });
    }
  }

  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    // Offsets in the table are only kept current by exactly-once pipelines.
    if (this.context.delivery !== 'exactly-once' || partitions.length === 0) return [];
    // A locking read: after a rebalance, the previous owner's last batch may still be committing
    // (it holds these rows FOR UPDATE); wait for it rather than resume from before it.
    const connection = await this.connection();
    let rows: unknown;
    try {
      await connection.beginTransaction();
      [rows] = await connection.query(`SELECT topic, \`partition\`, next_offset FROM ${this.offsetsTable} WHERE pipeline = ? LOCK IN SHARE MODE`, [this.context.pipeline]);
      await connection.commit();
    } catch (error) {
      connection.destroy();
      throw this.batchError(error);
    }
    connection.release();
    const wanted = new Set(partitions.map((tp) => `${tp.topic}\u0000${tp.partition}`));
    return (rows as { topic: string; partition: number; next_offset: string }[])
      .filter((r) => wanted.has(`${r.topic}\u0000${r.partition}`))
      .map((r) => ({ topic: r.topic, partition: Number(r.partition), next: Number(r.next_offset) }));
  }

  async write(batch: Batch, offsets?: readonly OffsetUpdate[]): Promise<WriteResult> {
    const mapping = await this.mapper.map(batch.records);
    // A transactional write that reports failures commits nothing: the core retries the rest.
    if (offsets && mapping.failures.length > 0) return { failures: mapping.failures };
    const fitted = await this.catalog.fit(mapping.ops).catch((error: unknown) => {
      throw this.batchError(error);
    });
    const early = [...mapping.failures, ...fitted.failures];
    if (offsets && early.length > 0) return { failures: early };
    const statements = buildStatements(fitted.ops, this.options.mode, this.options.key, this.limits);

    const connection = await this.connection();
    let healthy = true;
    try {
      await connection.beginTransaction();
      if (offsets && (await this.checkOffsets(connection, offsets)) === 'already stored') {
        // The previous attempt's COMMIT landed though its answer was lost: nothing to redo.
        await connection.rollback();
        return undefined;
      }
      for (const statement of statements) await this.execute(connection, statement);
      if (offsets) await this.storeOffsets(connection, offsets);
      await connection.commit();
      return early.length > 0 ? { failures: early } : undefined;
    } catch (error) {
      healthy = await connection.rollback().then(
        () => true,
        () => false,
      );
      if (error instanceof FencedError) throw error;
      if (error instanceof RowsRejected) {
        try {
          return await this.isolate(connection, fitted.ops, early, offsets);
        } catch (isolating) {
          healthy = false;
          throw isolating;
        }
      }
      healthy &&= classify(error) !== 'retryable';
      throw this.batchError(error);
    } finally {
      if (healthy) connection.release();
      else connection.destroy();
    }
  }

  async stop(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
  }

  /**
   * A statement refused a row: find which, by writing the batch row by row in one transaction
   * (a failed statement rolls back only itself). At-least-once commits the rows that went in;
   * exactly-once rolls back, since the core will rewrite the rest with the offsets.
   */
  private async isolate(connection: PoolConnection, ops: readonly RowOp[], early: readonly RecordFailure[], offsets?: readonly OffsetUpdate[]): Promise<WriteResult> {
    const failures: RecordFailure[] = [...early];
    try {
      await connection.beginTransaction();
      for (const op of ops) {
        const [single] = buildStatements([op], this.options.mode, this.options.key, this.limits);
        try {
          await connection.execute(single!.sql, single!.params as Value[]);
        } catch (error) {
          if (classify(error) !== 'record') throw error;
          failures.push({ index: op.index, error: error as Error, retryable: false });
        }
      }
      if (offsets || failures.length === early.length) await connection.rollback();
      else await connection.commit();
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw this.batchError(error);
    }
    // Every row went in alone: the refusal was the statement's (say, its size), not a row's.
    if (failures.length === early.length) throw new SinkError(`mysql at ${this.where}: a multi-row statement failed though each row succeeds alone`, { retryable: true });
    return { failures };
  }

  private async execute(connection: PoolConnection, statement: Statement): Promise<void> {
    try {
      await connection.execute(statement.sql, statement.params as Value[]);
    } catch (error) {
      if (classify(error) === 'record') throw new RowsRejected((error as Error).message);
      throw error;
    }
  }

  /**
   * Locks the partitions' offset rows and compares them with what the core expects. Another
   * value means another writer moved them (fenced) — unless it is exactly this write's, which a
   * lost COMMIT answer leaves behind.
   */
  private async checkOffsets(connection: PoolConnection, offsets: readonly OffsetUpdate[]): Promise<'ok' | 'already stored'> {
    const [rows] = await connection.query(
      `SELECT topic, \`partition\`, next_offset FROM ${this.offsetsTable} WHERE pipeline = ? AND (${offsets.map(() => '(topic = ? AND `partition` = ?)').join(' OR ')}) FOR UPDATE`,
      [this.context.pipeline, ...offsets.flatMap((o) => [o.topic, o.partition])],
    );
    const held = new Map((rows as { topic: string; partition: number; next_offset: string }[]).map((r) => [`${r.topic}\u0000${r.partition}`, Number(r.next_offset)]));
    const now = offsets.map((o) => held.get(`${o.topic}\u0000${o.partition}`) ?? null);
    if (offsets.every((o, i) => now[i] === o.expected)) return 'ok';
    if (offsets.every((o, i) => now[i] === o.next)) return 'already stored';
    const moved = offsets.findIndex((o, i) => now[i] !== o.expected && now[i] !== o.next);
    const o = offsets[moved === -1 ? 0 : moved]!;
    throw new FencedError(`${this.options.offsets_table} holds ${now[offsets.indexOf(o)]} for ${o.topic}/${o.partition}, expected ${o.expected}: another writer owns the partition`);
  }

  private async storeOffsets(connection: PoolConnection, offsets: readonly OffsetUpdate[]): Promise<void> {
    await connection.query(
      `INSERT INTO ${this.offsetsTable} (pipeline, topic, \`partition\`, next_offset) VALUES ${offsets.map(() => '(?, ?, ?, ?)').join(', ')} ON DUPLICATE KEY UPDATE next_offset = VALUES(next_offset)`,
      offsets.flatMap((o) => [this.context.pipeline, o.topic, o.partition, o.next]),
    );
  }

  private async createOffsetsTable(): Promise<void> {
    await this.db.query(
      `CREATE TABLE IF NOT EXISTS ${this.offsetsTable} (
        pipeline VARCHAR(255) NOT NULL, topic VARCHAR(255) NOT NULL, \`partition\` INT NOT NULL, next_offset BIGINT NOT NULL,
        updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (pipeline, topic, \`partition\`)
      ) DEFAULT CHARSET = utf8mb4`,
    );
  }

  private async connection(): Promise<PoolConnection> {
    try {
      return await this.db.getConnection();
    } catch (error) {
      throw this.batchError(error);
    }
  }

  private batchError(error: unknown): SinkError {
    const e = error as Error & { code?: string };
    return new SinkError(`mysql at ${this.where}: ${e.message || e.code}`, { retryable: classify(e) !== 'fatal', cause: e });
  }

  private get db(): Pool {
    if (!this.pool) throw new Error('not connected');
    return this.pool;
  }

  private poolOptions(): PoolOptions {
    const o = this.options;
    const url = new URL(o.url);
    const tls = tlsConnectionOptions(o.tls);
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : 3306,
      user: o.user ?? (decodeURIComponent(url.username) || 'root'),
      password: o.password ?? decodeURIComponent(url.password),
      ...(url.pathname.length > 1 && { database: decodeURIComponent(url.pathname.slice(1)) }),
      ...(tls && { ssl: tls }),
      connectionLimit: o.pool_size,
      connectTimeout: o.connect_timeout_ms,
      charset: 'utf8mb4',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: true,
      // Statements are cached per connection by text; batches of varying sizes make many.
      maxPreparedStatements: 256,
      multipleStatements: false,
    };
  }
}
