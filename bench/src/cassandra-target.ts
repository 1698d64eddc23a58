/**
 * The benchmark's Cassandra table, the same for the raw case and for sinkhub: the data set's
 * JSON fields as columns, keyed by id alone (`unique`: one row per partition) or by buckets of
 * 100 ids (`bucket`: `PRIMARY KEY ((bucket), id)`, the shape where partition batches can
 * help). Created before and dropped after each case.
 */
import cassandra from 'cassandra-driver';

export const CASSANDRA = {
  contactPoints: (process.env['CASSANDRA_CONTACT_POINTS'] ?? '127.0.0.1:9042').split(','),
  dataCenter: process.env['CASSANDRA_DATA_CENTER'] ?? 'datacenter1',
  user: process.env['CASSANDRA_USER'] ?? 'cassandra',
  password: process.env['CASSANDRA_PASSWORD'] ?? 'cassandra',
  keyspace: 'sinkhub_bench',
};

export type Layout = 'unique' | 'bucket';
export const LAYOUT: Layout = process.env['BENCH_CASSANDRA_LAYOUT'] === 'bucket' ? 'bucket' : 'unique';
/** Ids per partition in the `bucket` layout. */
export const BUCKET = 100;

export function benchClient(): cassandra.Client {
  return new cassandra.Client({
    contactPoints: CASSANDRA.contactPoints,
    localDataCenter: CASSANDRA.dataCenter,
    credentials: { username: CASSANDRA.user, password: CASSANDRA.password },
    socketOptions: { readTimeout: 120_000 },
  });
}

export async function createBenchTable(client: cassandra.Client, table: string, layout: Layout): Promise<void> {
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${CASSANDRA.keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await client.execute(`DROP TABLE IF EXISTS ${CASSANDRA.keyspace}.${table}`);
  const key = layout === 'bucket' ? 'PRIMARY KEY ((bucket), id)' : 'PRIMARY KEY (id)';
  await client.execute(`CREATE TABLE ${CASSANDRA.keyspace}.${table} (${layout === 'bucket' ? 'bucket int, ' : ''}id bigint, type text, user text, ts timestamp, pad text, ${key})`);
}

/** Rows stored (each id once: they are the key), then the table dropped. */
export async function countAndDrop(client: cassandra.Client, table: string): Promise<number> {
  let rows = 0;
  let pageState: string | undefined;
  do {
    const result = await client.execute(`SELECT id FROM ${CASSANDRA.keyspace}.${table}`, [], { fetchSize: 10_000, ...(pageState && { pageState }) });
    rows += result.rows.length;
    pageState = result.pageState ?? undefined;
  } while (pageState);
  await client.execute(`DROP TABLE ${CASSANDRA.keyspace}.${table}`);
  return rows;
}
