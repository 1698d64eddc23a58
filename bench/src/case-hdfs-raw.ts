/**
 * Case h-raw: HDFS's write ceiling through WebHDFS on this machine, no Kafka. The data set's
 * values as JSON lines (the bytes the connector writes with `content: value`), one file per
 * partition as the connector's default roll gives for this data set, each written with one
 * CREATE into a staging directory and renamed into place — the connector's protocol, with
 * nothing else around it. One file after another, as the sink publishes them.
 */
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { HDFS, createFile, filesAndDelete, mkdirs, rename } from './hdfs-target.js';

const args = caseArgs();
deadline(600_000, 'hdfs raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const partitions = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const files = Array.from({ length: partitions }, (_, p) => {
  let text = '';
  for (let i = p; i < args.records; i += partitions) text += recordValue(i, bytes) + '\n';
  return Buffer.from(text);
});
const base = `/bench/raw-${args.group}`;
await mkdirs(`${base}/.staging`);

const firstAt = performance.now();
for (let p = 0; p < files.length; p++) {
  await createFile(`${base}/.staging/${p}.tmp`, files[p]!);
  await rename(`${base}/.staging/${p}.tmp`, `${base}/part-${p}.jsonl`);
}
const lastAt = performance.now();
const stored = await filesAndDelete(base);
const storedBytes = stored.reduce((n, f) => n + f.length, 0);
const expected = files.reduce((n, f) => n + f.length, 0);
if (storedBytes !== expected) throw new Error(`HDFS holds ${storedBytes} bytes, expected ${expected}`);
emitResult({ records: args.records, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { files: stored.length, bytes: storedBytes, url: HDFS.url } });
