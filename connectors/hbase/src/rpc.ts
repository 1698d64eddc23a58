/**
 * The native RPC transport, over `hbase-rpc-client`: the region server of `hbase:meta` comes from
 * ZooKeeper, a table's regions from a scan of `hbase:meta`, and a multi-row put is one `Multi`
 * call per region server.
 *
 * The client was written for HBase 0.98–1.2. Against 2.x its puts, deletes and scans work, but
 * when it must locate a region it has not cached, or retries after an error, it sends a `Get`
 * with `closestRowBefore`, which HBase 2.0 removed: the region server answers
 * `UnknownProtocolException: … Client is invoking getClosestRowBefore removed in hbase-2.0.0`.
 * So this transport turns the client's own retries off, and after such an answer or a region
 * error drops the table's cached regions, so the next attempt scans `hbase:meta` afresh. The
 * client can also stop calling back altogether after an outage: every call here is bounded by
 * `request_timeout_ms`, and one that times out replaces the client.
 */
import hbase, { type Client } from 'hbase-rpc-client';
import type { SinkContext } from '@sinkhub/core';
import { HbaseError, connectionError, rpcError } from './errors.js';
import type { RowPut } from './mutations.js';
import type { HbaseOptions } from './options.js';
import type { TableSchema, Transport } from './transport.js';

/** Region errors after which the client's cached locations of the table are stale. */
const STALE_LOCATION = /NotServingRegion|RegionMoved|RegionOpening|RegionServerStopped|ServerNotRunningYet|UnknownProtocol|UnknownRegion|RegionOffline/;

export class RpcTransport implements Transport {
  readonly where: string;
  /** The client in use, or being opened; dropped when it stops answering. */
  private client: Promise<Client> | undefined;

  constructor(
    private readonly options: HbaseOptions,
    private readonly logger: SinkContext['logger'],
  ) {
    this.where = `zookeeper ${options.zookeeper_quorum}`;
  }

  async connect(): Promise<void> {
    const client = await this.connected();
    const meta = client.rootServer;
    if (!meta) throw new HbaseError(`no hbase:meta location under ${this.options.zookeeper_root}/meta-region-server`, {});
    // The region server ZooKeeper names must answer too (a hostname clients cannot reach is the usual trap).
    await this.call(this.connectTimeoutMs, `the region server ${meta.hostName}:${meta.port} (from ZooKeeper)`, (cb) => client.getRegionConnection(`${meta.hostName}:${meta.port}`, cb));
  }

  /** Existence only: the client has no admin calls to read families. */
  async describeTable(table: string): Promise<TableSchema | undefined> {
    return (await this.tableExists(table)) ? { families: undefined } : undefined;
  }

  async createTable(): Promise<void> {
    throw new HbaseError('the RPC transport cannot create tables', {});
  }

  async put(table: string, rows: readonly RowPut[]): Promise<void> {
    const puts = rows.map((r) => {
      const put = new hbase.Put(Buffer.from(r.row, 'utf8'));
      for (const c of r.cells) put.add(c.family, c.qualifier, c.value, c.timestamp);
      return put;
    });
    await this.mutate(table, (client, cb) => client.mput(table, puts, cb));
  }

  async deleteRow(table: string, row: string, timestamp: number | undefined): Promise<void> {
    const del = new hbase.Delete(Buffer.from(row, 'utf8'));
    if (timestamp !== undefined) {
      // A row delete with a timestamp (every family, at or before it): the client's Delete
      // drops the timestamp it is given, so it goes into the mutation here.
      const fields = del.getFields.bind(del);
      del.getFields = () => ({ ...fields(), timestamp });
    }
    await this.mutate(table, (client, cb) => client.mdelete(table, [del], cb));
  }

  async close(): Promise<void> {
    await this.discard();
  }

  private get connectTimeoutMs(): number {
    return Math.min(this.options.request_timeout_ms, 10_000);
  }

  private async mutate(table: string, send: (client: Client, cb: (error: unknown, result: unknown) => void) => void): Promise<void> {
    const client = await this.connected();
    try {
      await this.call(this.options.request_timeout_ms, `table ${table}`, (cb) => send(client, cb));
    } catch (error) {
      if (error instanceof HbaseError && error.details.exception && STALE_LOCATION.test(error.details.exception)) {
        forgetRegions(client, table);
        // Locating a region of a table that does not exist ends the same way: tell them apart.
        if (/UnknownProtocol/.test(error.details.exception) && !(await this.tableExists(table))) {
          throw new HbaseError(`table ${table} does not exist`, { exception: 'org.apache.hadoop.hbase.TableNotFoundException' });
        }
      }
      throw error;
    }
  }

  private async tableExists(table: string): Promise<boolean> {
    const client = await this.connected();
    // Region rows of hbase:meta are `<table>,<start key>,<region id>`; the first region's start
    // key is empty. The same range as the client's own region prefetch, which works on 2.x.
    const first = `${table},,`;
    const scan = client.getScanner('hbase:meta', Buffer.from(`${first}00000000000000`), Buffer.from(`${first}99999999999999`));
    try {
      const found = await this.call<{ row?: Buffer }>(this.options.request_timeout_ms, 'hbase:meta', (cb) => scan.next(cb));
      return found.row !== undefined && found.row.toString('utf8').startsWith(first);
    } finally {
      scan.close();
    }
  }

  /** The client, opened (ZooKeeper answered, hbase:meta located) on first use or after a discard. */
  private connected(): Promise<Client> {
    if (!this.client) {
      const opening = this.open();
      this.client = opening;
      opening.catch(() => {
        if (this.client === opening) this.client = undefined;
      });
    }
    return this.client;
  }

  private async open(): Promise<Client> {
    const client = hbase({
      zookeeperHosts: this.options.zookeeper_quorum.split(','),
      zookeeperRoot: this.options.zookeeper_root,
      rpcTimeout: this.connectTimeoutMs,
      callTimeout: this.options.request_timeout_ms,
      tcpNoDelay: true,
    });
    // Its own retries re-locate regions with the call HBase 2 removed: the core retries instead.
    client.maxActionRetries = -1;
    client.on('error', (error: unknown) => this.logger.debug({ err: describe(error) }, 'hbase rpc client error'));
    try {
      await this.call<void>(this.connectTimeoutMs, 'ZooKeeper', (cb) => client.ensureZookeeperTrackers((error) => cb(error, undefined)));
      return client;
    } catch (error) {
      shutDown(client);
      throw error;
    }
  }

  /** Drops the client: the next call opens a new one. */
  private async discard(): Promise<void> {
    const current = this.client;
    this.client = undefined;
    const client = await current?.catch(() => undefined);
    if (client) shutDown(client);
  }

  /**
   * A client call as a promise, bounded by `timeoutMs`. The client may never call back (a
   * region server that refused a connection, a region prefetch that started during an outage
   * and never ended, after which every call waits on it): a call that times out discards the
   * client, and the next one starts afresh from ZooKeeper.
   */
  private call<T>(timeoutMs: number, what: string, start: (cb: (error: unknown, result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.discard();
        reject(new HbaseError(`${what}: no answer within ${timeoutMs} ms`, { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      try {
        start((error, result) => {
          clearTimeout(timer);
          if (error) reject(toHbaseError(error, what));
          else resolve(result);
        });
      } catch (error) {
        clearTimeout(timer);
        reject(toHbaseError(error, what));
      }
    });
  }
}

/** Drops the cached regions of `table`, so the next call scans hbase:meta for them again. */
function forgetRegions(client: Client, table: string): void {
  delete client.cachedRegionLocations[table];
  client._prefetchRegionCacheList[table] = false;
}

function shutDown(client: Client): void {
  client.removeAllListeners();
  client.on('error', () => undefined);
  for (const server of Object.values(client.servers)) server.socket?.destroy();
  client.zk.close();
}

/**
 * The client reports errors in many shapes: a remote exception (`exceptionClassName`,
 * `stackTrace`), a result's `NameBytesPair` (`name`, `value`), a string ("timedout"), an Error.
 */
function toHbaseError(error: unknown, what: string): HbaseError {
  if (error instanceof HbaseError) return error;
  if (error && typeof error === 'object') {
    const e = error as { exceptionClassName?: string; stackTrace?: string; name?: string; value?: { toBuffer?(): Buffer; toString(enc?: string): string } };
    if (e.exceptionClassName) return rpcError(e);
    if (typeof e.name === 'string' && e.name.includes('.') && e.value !== undefined) {
      const trace = typeof e.value.toBuffer === 'function' ? e.value.toBuffer().toString('utf8') : String(e.value);
      return rpcError({ exceptionClassName: e.name, stackTrace: trace });
    }
    if (error instanceof Error) return connectionError(error);
  }
  if (error === 'timedout') return new HbaseError(`${what}: the call timed out`, { code: 'ETIMEDOUT' });
  return new HbaseError(`${what}: ${String(error)}`, {});
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
}
