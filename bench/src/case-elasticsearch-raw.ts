/**
 * Case e-raw: Elasticsearch's bulk ceiling on this machine, no Kafka. The data set's values are
 * indexed from memory with the bulk requests the connector sends — 1000 actions each (its
 * default), ids like `topic-partition-offset`, two requests in flight (its default) — until all
 * are written.
 */
import { Client } from '@elastic/elasticsearch';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { ELASTICSEARCH_URL, countAndDrop } from './elasticsearch-target.js';

const ACTIONS = 1000;
const IN_FLIGHT = 2;
const args = caseArgs();
deadline(600_000, 'elasticsearch raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const index = `bench-raw-${args.group}`;
const values = Array.from({ length: args.records }, (_, i) => recordValue(i, bytes));
const client = new Client({ node: ELASTICSEARCH_URL, maxRetries: 0, requestTimeout: 60_000 });

const requests: string[][] = [];
for (let i = 0; i < values.length; i += ACTIONS) {
  requests.push(values.slice(i, i + ACTIONS).flatMap((v, j) => [JSON.stringify({ index: { _index: index, _id: `${args.topic}-0-${i + j}` } }), v]));
}
const firstAt = performance.now();
for (let i = 0; i < requests.length; i += IN_FLIGHT) {
  const responses = await Promise.all(requests.slice(i, i + IN_FLIGHT).map((operations) => client.bulk({ operations })));
  if (responses.some((r) => r.errors)) throw new Error('a bulk item failed');
}
const lastAt = performance.now();
const stored = await countAndDrop(client, index);
await client.close();
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { actions: ACTIONS, inFlight: IN_FLIGHT } });
