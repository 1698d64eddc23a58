/** The benchmark's InfluxDB (v1 API, as services/influxdb.sh sets it up): counting points back. */
export const INFLUX = {
  url: process.env['INFLUXDB_URL'] ?? 'http://127.0.0.1:8086',
  database: process.env['INFLUXDB_DATABASE'] ?? 'sinkhub',
  user: process.env['INFLUXDB_USER'] ?? 'sinkhub',
  password: process.env['INFLUXDB_PASSWORD'] ?? 'sinkhub-secret',
};

export function influxHeaders(): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${INFLUX.user}:${INFLUX.password}`).toString('base64')}`, 'content-type': 'text/plain' };
}

async function query(q: string): Promise<{ results?: { series?: { values: unknown[][] }[] }[] }> {
  const response = await fetch(`${INFLUX.url}/query?${new URLSearchParams({ db: INFLUX.database, q })}`, { method: 'POST', headers: influxHeaders() });
  return (await response.json()) as { results?: { series?: { values: unknown[][] }[] }[] };
}

/** Points stored in `measurement` now. */
export async function countPoints(measurement: string): Promise<number> {
  const answer = await query(`SELECT COUNT(id) FROM "${measurement}"`);
  return Number(answer.results?.[0]?.series?.[0]?.values[0]?.[1] ?? 0);
}

/** Points stored in `measurement`, then the measurement dropped. */
export async function countAndDrop(measurement: string): Promise<number> {
  const answer = await query(`SELECT COUNT(id) FROM "${measurement}"`);
  await query(`DROP MEASUREMENT "${measurement}"`);
  return Number(answer.results?.[0]?.series?.[0]?.values[0]?.[1] ?? 0);
}
