/**
 * Case hb-raw: the HBase REST gateway's put ceiling on this machine, no Kafka. The data set's
 * records, parsed in memory, become the rows the connector writes (row key
 * `topic-partition-offset`, every top-level field a cell of family `d`, stamped with `ts`), sent
 * as the connector sends them — CellSet bodies of 1000 rows (its default `max_request_rows`) by
 * the connector's own `cellSetBody`, over an undici pool — with BENCH_HBASE_IN_FLIGHT requests in
 * flight (default 4: the best of 1, 2, 4 and 8 here).
 */
import { cellSetBody } from '@sinkhub/hbase';
import { Pool } from 'undici';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { HBASE_REST_URL, countAndDrop, createBenchTable } from './hbase-target.js';

const ROWS = 1000;
const IN_FLIGHT = Number(process.env['BENCH_HBASE_IN_FLIGHT'] ?? 4);
const args = caseArgs();
deadline(600_000, 'hbase raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const table = `bench_raw_${args.group.replaceAll('-', '_')}`;
await createBenchTable(table);
const bodies: string[] = [];
for (let i = 0; i < args.records; i += ROWS) {
  const rows = [];
  for (let j = i; j < Math.min(i + ROWS, args.records); j++) {
    const value = JSON.parse(recordValue(j, bytes)) as Record<string, string | number>;
    const timestamp = Number(value['ts']);
    rows.push({ row: `${args.topic}-0-${j}`, indexes: [j], cells: Object.entries(value).map(([qualifier, v]) => ({ family: 'd', qualifier, value: Buffer.from(String(v)), timestamp })) });
  }
  bodies.push(cellSetBody(rows));
}
const pool = new Pool(HBASE_REST_URL, { connections: IN_FLIGHT * 2 });
const path = `/${table}/fakerow`;

const firstAt = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const response = await pool.request({ method: 'PUT', path, headers: { 'content-type': 'application/json' }, body });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    }
  }),
);
const lastAt = performance.now();
await pool.close();
const stored = await countAndDrop(table);
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { rows: ROWS, inFlight: IN_FLIGHT } });
