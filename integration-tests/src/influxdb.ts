/** An InfluxQL client for the suites (HTTP /query with the v1 credentials): reading points back. */
import { INFLUXDB_DATABASE, INFLUXDB_PASSWORD, INFLUXDB_URL, INFLUXDB_USER, hostPort } from './env.js';

export const influxServer = { name: 'InfluxDB', address: hostPort(INFLUXDB_URL), service: 'influxdb' };

interface Series {
  readonly name: string;
  readonly columns: string[];
  readonly values: unknown[][];
}

/** Runs InfluxQL; returns the first statement's series (empty when it found nothing). */
export async function influxQuery(q: string, database = INFLUXDB_DATABASE): Promise<Series[]> {
  const response = await fetch(`${INFLUXDB_URL}/query?${new URLSearchParams({ db: database, q, epoch: 'ms' })}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${INFLUXDB_USER}:${INFLUXDB_PASSWORD}`).toString('base64')}` },
  });
  const body = (await response.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
  const error = body.error ?? body.results?.[0]?.error;
  if (error) throw new Error(`InfluxQL "${q}": ${error}`);
  return body.results?.[0]?.series ?? [];
}

/** The rows of one series as objects. */
export async function influxRows(q: string, database?: string): Promise<Record<string, unknown>[]> {
  const [series] = await influxQuery(q, database);
  return (series?.values ?? []).map((row) => Object.fromEntries(series!.columns.map((c, i) => [c, row[i]])));
}

/** `"name"` for InfluxQL identifiers. */
export const ident = (name: string) => `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
