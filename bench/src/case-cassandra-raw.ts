/**
 * Case cs-raw: Cassandra's write ceiling on this machine, no Kafka. The data set's rows, built
 * in memory, are written with the driver directly — prepared INSERTs, either one per row
 * (BENCH_CASSANDRA_MODE=single) or unlogged batches of one partition (`batches`, the `bucket`
 * layout's partitions of 100 rows, in batches of up to 100), with BENCH_CASSANDRA_CONCURRENCY
 * requests in flight (default 64, the connector's).
 */
import cassandra from 'cassandra-driver';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { BUCKET, CASSANDRA, LAYOUT, benchClient, countAndDrop, createBenchTable } from './cassandra-target.js';
import { recordValue } from './dataset.js';

const args = caseArgs();
deadline(600_000, 'cassandra raw case');
const mode = process.env['BENCH_CASSANDRA_MODE'] === 'batches' ? 'batches' : 'single';
const concurrency = Number(process.env['BENCH_CASSANDRA_CONCURRENCY'] ?? 64);
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const columns = LAYOUT === 'bucket' ? ['bucket', 'id', 'type', 'user', 'ts', 'pad'] : ['id', 'type', 'user', 'ts', 'pad'];
const rows = Array.from({ length: args.records }, (_, i) => {
  const v = JSON.parse(recordValue(i, bytes)) as { id: number; type: string; user: string; ts: number; pad: string };
  const row = [cassandra.types.Long.fromNumber(v.id), v.type, v.user, new Date(v.ts), v.pad];
  return LAYOUT === 'bucket' ? [Math.floor(v.id / BUCKET), ...row] : row;
});
const client = benchClient();
await client.connect();
const table = `raw_${args.group.replaceAll('-', '_')}`.slice(0, 48);
await createBenchTable(client, table, LAYOUT);
const query = `INSERT INTO ${CASSANDRA.keyspace}.${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
const options = { prepare: true, consistency: cassandra.types.consistencies.localQuorum };
await client.execute(query, rows[0]!, options);

// Units of work: single rows, or the rows of one partition (consecutive ids share a bucket).
const units: unknown[][][] = [];
if (mode === 'single') for (const row of rows) units.push([row]);
else for (let i = 0; i < rows.length; i += BUCKET) units.push(rows.slice(i, i + BUCKET));

const firstAt = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < units.length) {
      const unit = units[next++]!;
      if (unit.length === 1) await client.execute(query, unit[0]!, options);
      else await client.batch(unit.map((params) => ({ query, params })), { ...options, logged: false });
    }
  }),
);
const lastAt = performance.now();
const stored = await countAndDrop(client, table);
await client.shutdown();
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { mode, concurrency, layout: LAYOUT, requests: units.length } });
process.exit(0);
