/**
 * Redis I/O: one pipelined round trip per batch; for exactly-once lists and streams, one
 * MULTI/EXEC per batch that also stores the partitions' offsets in a hash, guarded by WATCH.
 */
import { Cluster, Redis, type RedisOptions as IORedisOptions } from 'ioredis';
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
import { CommandBuilder, type RecordCommands, type RedisCommand } from './commands.js';
import { classify } from './errors.js';
import type { RedisOptions } from './options.js';

/** Types a key may already have for each command to succeed. */
const COMPATIBLE: Record<string, ReadonlySet<string>> = {
  LPUSH: new Set(['none', 'list']),
  RPUSH: new Set(['none', 'list']),
  XADD: new Set(['none', 'stream']),
};

export class RedisSink implements Sink {
  private client: Redis | Cluster | undefined;
  private readonly builder: CommandBuilder;
  private readonly offsetsKey: string;
  private readonly where: string;

  constructor(
    private readonly options: RedisOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new CommandBuilder(options);
    this.offsetsKey = options.offsets_key ?? `sinkhub:offsets:${context.pipeline}`;
    this.where = options.mode === 'standalone' ? new URL(options.url).host : `${options.mode} ${options.nodes!.join(',')}`;
  }

  async connect(): Promise<void> {
    const client = this.createClient();
    this.client = client;
    // ioredis reports connection and AUTH errors as events (a failed connect() only says
    // "Connection is closed"): keep the last one to name the cause. Writes fail and are retried meanwhile.
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
      this.context.logger.debug({ err: error.message }, 'redis connection error');
    });
    // Never hang on an unreachable server: one bounded attempt, then a clear error.
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${this.options.connect_timeout_ms} ms`)), this.options.connect_timeout_ms).unref(),
    );
    try {
      await Promise.race([client.connect().then(() => client.ping()), timeout]);
    } catch (error) {
      client.disconnect();
      const cause = lastError ?? (error as Error);
      throw new SinkError(`redis at ${this.where}: ${cause.message}`, { retryable: classify(cause) !== 'fatal', cause });
    }
  }

  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    if (partitions.length === 0) return [];
    const fields = partitions.map(offsetField);
    const held = await this.redis.hmget(this.offsetsKey, ...fields);
    return partitions.flatMap((tp, i) => (held[i] == null ? [] : [{ ...tp, next: Number(held[i]) }]));
  }

  async write(batch: Batch, offsets?: readonly OffsetUpdate[]): Promise<WriteResult> {
    // While disconnected every command would fail alike: that is the batch failing, not records.
    if (this.redis.status !== 'ready') throw new Error(`redis at ${this.where}: connection ${this.redis.status}`);
    const translation = await this.builder.build(batch.records);
    if (offsets) return this.writeTransaction(translation.records, translation.failures, offsets);
    const results = await this.send(translation.records.flatMap((r) => r.commands));
    const failures: RecordFailure[] = [...translation.failures];
    let at = 0;
    for (const r of translation.records) {
      const errors = results.slice(at, at + r.commands.length).flatMap(([error]) => (error ? [error] : []));
      at += r.commands.length;
      const [error] = errors;
      if (!error) continue;
      const kind = classify(error);
      if (kind === 'fatal') throw new SinkError(`redis at ${this.where}: ${error.message}`, { retryable: false });
      failures.push({ index: r.index, error, retryable: kind === 'retryable' });
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  /**
   * One round trip for all commands: a pipeline; in a cluster, where a pipeline cannot span
   * slots, concurrent commands that ioredis auto-pipelines per node (order per key is kept: one
   * key, one node, one connection).
   */
  private async send(commands: readonly RedisCommand[]): Promise<[Error | null, unknown][]> {
    if (this.redis instanceof Cluster) {
      const cluster = this.redis;
      return Promise.all(commands.map(([name, ...args]) => cluster.call(name, ...args).then((r): [null, unknown] => [null, r], (e: Error): [Error, null] => [e, null])));
    }
    const pipeline = this.redis.pipeline();
    for (const [name, ...args] of commands) pipeline.call(name, ...args);
    return ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
  }

  async stop(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }

  /**
   * Data and offsets in one MULTI/EXEC. Redis does not roll back a transaction whose commands
   * fail, so everything that could fail is checked first (under WATCH of the offsets hash):
   * records that cannot become commands, keys of the wrong type, offsets another writer moved.
   */
  private async writeTransaction(records: readonly RecordCommands[], failures: readonly RecordFailure[], offsets: readonly OffsetUpdate[]): Promise<WriteResult> {
    if (failures.length > 0) return { failures };
    const redis = this.redis as Redis;
    await redis.watch(this.offsetsKey);
    try {
      await this.checkOffsets(offsets);
      const wrongType = await this.wrongTypeFailures(records);
      if (wrongType.length > 0) {
        await redis.unwatch();
        return { failures: wrongType };
      }
      const multi = redis.multi();
      for (const r of records) for (const [name, ...args] of r.commands) multi.call(name, ...args);
      multi.hset(this.offsetsKey, ...offsets.flatMap((o) => [offsetField(o), String(o.next)]));
      const results = await multi.exec();
      if (results === null) {
        // The offsets hash changed between WATCH and EXEC: another writer, or a retry of ours.
        await this.checkOffsets(offsets);
        throw new Error('the offsets hash changed during the transaction; retrying');
      }
      const failed = results.find(([error]) => error);
      if (failed) throw new Error(`redis at ${this.where}: a command failed inside EXEC: ${failed[0]!.message}`);
    } catch (error) {
      await redis.unwatch().catch(() => undefined);
      throw error;
    }
  }

  private async checkOffsets(offsets: readonly OffsetUpdate[]): Promise<void> {
    const held = await this.redis.hmget(this.offsetsKey, ...offsets.map(offsetField));
    offsets.forEach((o, i) => {
      const now = held[i] == null ? null : Number(held[i]);
      if (now !== o.expected) {
        throw new FencedError(`${this.offsetsKey} holds ${now} for ${offsetField(o)}, expected ${o.expected}: another writer owns the partition`);
      }
    });
  }

  private async wrongTypeFailures(records: readonly RecordCommands[]): Promise<RecordFailure[]> {
    const allowed = COMPATIBLE[this.options.command];
    if (!allowed) return [];
    const keys = [...new Set(records.map((r) => r.key))];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.type(key);
    const types = new Map(((await pipeline.exec()) ?? []).map(([, type], i) => [keys[i]!, String(type)]));
    return records
      .filter((r) => !allowed.has(types.get(r.key)!))
      .map((r) => ({ index: r.index, error: new Error(`WRONGTYPE key ${r.key} holds a ${types.get(r.key)}, not a ${[...allowed][1]}`), retryable: false }));
  }

  private get redis(): Redis | Cluster {
    if (!this.client) throw new Error('not connected');
    return this.client;
  }

  private createClient(): Redis | Cluster {
    const o = this.options;
    const tls = tlsConnectionOptions(o.tls);
    const common: IORedisOptions = {
      lazyConnect: true,
      // Commands fail at once while disconnected; the core retries the batch with backoff.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: o.connect_timeout_ms,
      ...(o.username && { username: o.username }),
      ...(o.password && { password: o.password }),
      ...(tls && { tls }),
    };
    const hosts = (o.nodes ?? []).map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));
    if (o.mode === 'cluster') return new Cluster(hosts, { lazyConnect: true, enableOfflineQueue: false, enableAutoPipelining: true, redisOptions: common });
    if (o.mode === 'sentinel') return new Redis({ ...common, sentinels: hosts, name: o.master_name! });
    return new Redis(o.url, common);
  }
}

function offsetField(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
