/** The parts of `hbase-rpc-client` (untyped CommonJS, CoffeeScript) the RPC transport uses. */
declare module 'hbase-rpc-client' {
  import type { EventEmitter } from 'node:events';

  type Callback<T> = (error: unknown, result: T) => void;

  export interface ClientOptions {
    zookeeperHosts: string[];
    zookeeperRoot?: string;
    zookeeperReconnectTimeout?: number;
    rpcTimeout?: number;
    callTimeout?: number;
    tcpNoDelay?: boolean;
    tcpKeepAlive?: boolean;
    maxActionRetries?: number;
    effectiveUser?: string;
  }

  class Put {
    constructor(row: string | Buffer, ts?: number);
    add(family: string, qualifier: string, value: string | Buffer, timestamp?: number): void;
  }

  class Delete {
    constructor(row: string | Buffer, ts?: number);
    getFields(): Record<string, unknown>;
  }

  export interface MetaRow {
    row?: Buffer;
    cols?: Record<string, { value: Buffer }>;
  }

  class Scan {
    next(cb: Callback<MetaRow>): void;
    close(): void;
  }

  export interface Client extends EventEmitter {
    /** `host:port` of the region server holding hbase:meta, from ZooKeeper. */
    rootServer?: { hostName: string; port: number };
    maxActionRetries: number;
    cachedRegionLocations: Record<string, unknown>;
    _prefetchRegionCacheList: Record<string, boolean>;
    zk: { close(): void };
    servers: Record<string, { socket?: { destroy(): void } }>;
    ensureZookeeperTrackers(cb: (error: unknown) => void): void;
    getRegionConnection(serverName: string, cb: Callback<unknown>): void;
    getScanner(table: string, startRow: string | Buffer, stopRow: string | Buffer): Scan;
    mput(table: string, puts: Put[], cb: Callback<unknown[]>): void;
    mdelete(table: string, deletes: Delete[], cb: Callback<unknown[]>): void;
  }

  function hbase(options: ClientOptions): Client;
  namespace hbase {
    export { Put, Delete, Scan };
  }
  export default hbase;
}
