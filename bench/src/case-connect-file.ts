/**
 * Case k: the peer — Apache Kafka Connect (standalone worker, Maven Central) with its
 * FileStreamSinkConnector writing the topic's values to one file, as a user would run it: the
 * default worker and connector settings, StringConverter values. Measured from the first bytes
 * in the file to the last record's line; then the file is checked to hold exactly N lines.
 * Needs BENCH_CONNECT_LIB (bench/run.sh fetches it).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { caseArgs, deadline, emitResult } from './case-report.js';
import { runConnectPeer } from './connect-worker.js';
import { valueBytesOf } from './dataset.js';

const args = caseArgs();
if (!args.dir) throw new Error('case k needs --dir');
deadline(600_000, 'kafka connect case');
const out = join(args.dir, 'out.txt');
// FileStreamSink writes each value and a newline.
const expected = valueBytesOf(args.records, Number(process.env['BENCH_RECORD_BYTES'] ?? 200)) + args.records;
const size = () => {
  try {
    return statSync(out).size;
  } catch {
    return 0;
  }
};

const timing = await runConnectPeer({
  dir: args.dir,
  broker: args.broker,
  name: args.group,
  connector: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', topics: args.topic, file: out },
  progress: size,
  target: expected,
  pollMs: 5,
});
const lines = readFileSync(out).reduce((n, byte) => (byte === 10 ? n + 1 : n), 0);
if (lines !== args.records) throw new Error(`the file holds ${lines} lines, expected ${args.records}`);
emitResult({ records: lines, firstAtMs: timing.firstAt, measuredMs: timing.lastAt - timing.firstAt, stopMs: timing.stopMs, vmHwmKb: 0, detail: { lines, bytes: size() } });
