/** The benchmark's HBase (services/hbase.sh): a REST gateway; tables made, counted and dropped. */
export const HBASE_REST_URL = process.env['HBASE_REST_URL'] ?? 'http://127.0.0.1:8070';

const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' };

/** A table with family `d` keeping one version. */
export async function createBenchTable(table: string): Promise<void> {
  const response = await fetch(`${HBASE_REST_URL}/${table}/schema`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ name: table, ColumnSchema: [{ name: 'd', VERSIONS: '1' }] }) });
  if (!response.ok) throw new Error(`create ${table}: HTTP ${response.status}`);
}

/** Cells of `d:id` in `table` (one per stored record), read with a REST scanner; then the table dropped. */
export async function countAndDrop(table: string): Promise<number> {
  const created = await fetch(`${HBASE_REST_URL}/${table}/scanner`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ batch: 50_000, maxVersions: 100, column: [Buffer.from('d:id').toString('base64')] }) });
  if (created.status !== 201) throw new Error(`scanner on ${table}: HTTP ${created.status}`);
  const location = created.headers.get('location')!;
  let cells = 0;
  for (;;) {
    const response = await fetch(location, { headers: { accept: 'application/json' } });
    if (response.status === 204) break;
    const set = (await response.json()) as { Row: { Cell: unknown[] }[] };
    for (const row of set.Row) cells += row.Cell.length;
  }
  await fetch(location, { method: 'DELETE' });
  await fetch(`${HBASE_REST_URL}/${table}/schema`, { method: 'DELETE' });
  return cells;
}
