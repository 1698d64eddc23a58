/**
 * Case k: the peer — Apache Kafka Connect (standalone worker, Maven Central) with its
 * FileStreamSinkConnector writing the topic's values to one file, as a user would run it: the
 * default worker and connector settings, StringConverter values. Measured from the first bytes
 * in the file to the last record's line; then the file is checked to hold exactly N lines.
 * Needs BENCH_CONNECT_LIB (bench/run.sh fetches it).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseArgs, deadline, emitResult } from './case-report.js';
import { valueBytesOf } from './dataset.js';

const args = caseArgs();
if (!args.dir) throw new Error('case k needs --dir');
const lib = process.env['BENCH_CONNECT_LIB'];
if (!lib) throw new Error('BENCH_CONNECT_LIB: the Kafka Connect jars (bench/run.sh sets it)');
deadline(600_000, 'kafka connect case');
const dir = args.dir;
const out = join(dir, 'out.txt');
// FileStreamSink writes each value and a newline.
const expected = valueBytesOf(args.records, Number(process.env['BENCH_RECORD_BYTES'] ?? 200)) + args.records;

writeFileSync(
  join(dir, 'worker.properties'),
  [
    `bootstrap.servers=${args.broker}`,
    'key.converter=org.apache.kafka.connect.storage.StringConverter',
    'value.converter=org.apache.kafka.connect.storage.StringConverter',
    `offset.storage.file.filename=${join(dir, 'offsets')}`,
    'listeners=http://127.0.0.1:0',
    '',
  ].join('\n'),
);
writeFileSync(
  join(dir, 'connector.properties'),
  [`name=${args.group}`, 'connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector', 'tasks.max=1', `topics=${args.topic}`, `file=${out}`, ''].join('\n'),
);
writeFileSync(join(dir, 'log4j.properties'), 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[connect] %p %m%n\n');

const java = spawn(
  'java',
  ['-Xms512m', '-Xmx1g', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`, '-cp', `${lib}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', join(dir, 'worker.properties'), join(dir, 'connector.properties')],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const exited = new Promise<number | null>((resolve) => java.once('exit', resolve));

const size = () => {
  try {
    return statSync(out).size;
  } catch {
    return 0;
  }
};
let firstAt = 0;
const lastAt = await new Promise<number>((resolve, reject) => {
  const timer = setInterval(() => {
    const bytes = size();
    if (firstAt === 0 && bytes > 0) firstAt = performance.now();
    if (bytes >= expected) {
      clearInterval(timer);
      resolve(performance.now());
    }
  }, 5);
  void exited.then((code) => reject(new Error(`Kafka Connect exited (${code}) before writing every record`)));
});
const stopping = performance.now();
java.kill('SIGTERM');
await exited;
const stopMs = performance.now() - stopping;
const lines = readFileSync(out).reduce((n, byte) => (byte === 10 ? n + 1 : n), 0);
if (lines !== args.records) throw new Error(`the file holds ${lines} lines, expected ${args.records}`);
emitResult({ records: lines, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs, vmHwmKb: 0, detail: { lines, bytes: size() } });
