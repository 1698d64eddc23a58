/** A Cassandra client for the suites: preparing keyspaces and tables, reading targets back. */
import cassandra from 'cassandra-driver';
import { CASSANDRA_CONTACT_POINTS, CASSANDRA_DATA_CENTER, CASSANDRA_PASSWORD, CASSANDRA_USER } from './env.js';

export const cassandraServer = { name: 'Cassandra', address: CASSANDRA_CONTACT_POINTS[0]!, service: 'cassandra' };

/** The keyspace the suites write to (replication factor 1). */
export const KEYSPACE = 'sinkhub';

/** The `sink:` lines that reach the suites' server. */
export const connection = `contact_points: [${CASSANDRA_CONTACT_POINTS.join(', ')}]\nlocal_data_center: ${CASSANDRA_DATA_CENTER}\nusername: ${CASSANDRA_USER}\npassword: ${CASSANDRA_PASSWORD}\nkeyspace: ${KEYSPACE}`;

let client: cassandra.Client | undefined;
let ready: Promise<void> | undefined;

/** A connected client (with the keyspace created); reconnects within seconds after the outage case. */
export async function db(): Promise<cassandra.Client> {
  client ??= new cassandra.Client({
    contactPoints: CASSANDRA_CONTACT_POINTS,
    localDataCenter: CASSANDRA_DATA_CENTER,
    credentials: { username: CASSANDRA_USER, password: CASSANDRA_PASSWORD },
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500) },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
    // Schema changes (DROP KEYSPACE of many tables) take long on a loaded machine.
    socketOptions: { readTimeout: 60_000 },
    encoding: { map: Map },
  });
  ready ??= (async () => {
    await client!.connect();
    await client!.execute(`CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  })();
  await ready;
  return client;
}

/** Runs a statement; while the server restarts (no host or connection yet), tries again for up to 60 s. */
export async function cql(query: string, params: unknown[] = []): Promise<cassandra.types.Row[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const c = await db();
      const rows: cassandra.types.Row[] = [];
      let pageState: string | undefined;
      do {
        const result = await c.execute(query, params, { prepare: true, fetchSize: 5000, ...(pageState && { pageState }) });
        rows.push(...(result.rows ?? []));
        pageState = result.pageState ?? undefined;
      } while (pageState);
      return rows;
    } catch (error) {
      // The server's answers are final; the driver's own errors (no host, no connection yet, a timeout) pass.
      if (error instanceof cassandra.errors.ResponseError || !(error instanceof cassandra.errors.DriverError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A table name from a topic name (`-` is not allowed in CQL names). */
export function tableFor(topic: string, prefix = 't'): string {
  return `${prefix}_${topic.replaceAll('-', '_')}`.slice(0, 48);
}

/** Number values of one column over the whole table; [] when the table does not exist. */
export async function readNumbers(table: string, column = 'id'): Promise<number[]> {
  try {
    return (await cql(`SELECT ${column} FROM ${KEYSPACE}.${table}`)).map((r) => Number(r[column]));
  } catch (error) {
    // Not created yet, or created a moment ago by the sink and not yet open for reads here.
    if (error instanceof cassandra.errors.ResponseError && /does not exist|unconfigured table|Unknown CF/.test(error.message)) return [];
    throw error;
  }
}

/** Keyspaces a suite created, dropped by `dropKeyspaces`. */
const created = new Set<string>([KEYSPACE]);

/** A keyspace name no earlier run used, dropped at the end of the suite. */
export function tempKeyspace(prefix: string): string {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(16).slice(2, 8)}`;
  created.add(name);
  return name;
}

/**
 * Drops the suite's keyspaces: every table slows each later start of the server (the outage
 * case restarts it), so suites leave none behind.
 */
export async function dropKeyspaces(): Promise<void> {
  if (!client) return;
  for (const keyspace of created) await cql(`DROP KEYSPACE IF EXISTS ${keyspace}`);
}

export async function closeCassandra(): Promise<void> {
  await dropKeyspaces();
  await client?.shutdown();
  client = undefined;
  ready = undefined;
  // After the server restarted (the outage case), the driver keeps timers (and at times a
  // connection) alive past its shutdown, which would keep the test process running for good.
  // Once the suite is done, end the process (keeping the test runner's exit code), as the CLI
  // does; a process with nothing left exits before this fires.
  setTimeout(() => process.exit(), 10_000).unref();
}
