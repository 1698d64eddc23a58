/**
 * Case m-raw: MySQL's bulk ceiling on this machine, no Kafka. The data set's rows, built in
 * memory, are inserted with the statements the connector uses — multi-row prepared INSERTs of
 * 1000 rows, one transaction each — one after another as the sink does.
 */
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { BATCH, COLUMNS, benchPool, countAndDrop, createBenchTable } from './mysql-table.js';

const args = caseArgs();
deadline(600_000, 'mysql raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const rows = Array.from({ length: args.records }, (_, i) => {
  const v = JSON.parse(recordValue(i, bytes)) as Record<string, unknown>;
  return COLUMNS.map((c) => v[c]);
});
const pool = benchPool();
const table = `bench_raw_${args.group.replaceAll('-', '_')}`;
await createBenchTable(pool, table);
const connection = await pool.getConnection();

const firstAt = performance.now();
for (let i = 0; i < rows.length; i += BATCH) {
  const chunk = rows.slice(i, i + BATCH);
  await connection.beginTransaction();
  await connection.execute(`INSERT INTO \`${table}\` (${COLUMNS.map((c) => `\`${c}\``).join(', ')}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, chunk.flat() as (string | number)[]);
  await connection.commit();
}
const lastAt = performance.now();
connection.release();
const stored = await countAndDrop(pool, table);
await pool.end();
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { batch: BATCH } });
