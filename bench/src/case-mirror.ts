/**
 * Case x-mm2: the peer — Apache Kafka's MirrorMaker 2 source connector (connect-mirror, Maven
 * Central) in a standalone Connect worker, copying the topic within the same cluster (aliases
 * `src` → `dst`, so the copy is `src.<topic>`), byte-array converters, default task settings.
 * Standalone workers have no exactly-once source support (that needs a distributed worker), so
 * this peer is at-least-once. Measured from the first record in the copy to the N-th (end
 * offsets polled every 20 ms); then the copy must hold N records. Needs BENCH_CONNECT_LIB.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { caseArgs, deadline, emitResult } from './case-report.js';
import { deleteTopic } from './dataset.js';

const args = caseArgs();
if (!args.dir) throw new Error('case x-mm2 needs --dir');
const lib = process.env['BENCH_CONNECT_LIB'];
if (!lib) throw new Error('BENCH_CONNECT_LIB: the Kafka Connect jars (bench/run.sh sets it)');
deadline(600_000, 'mirror maker case');
const dir = args.dir;
const copy = `src.${args.topic}`;

writeFileSync(
  join(dir, 'worker.properties'),
  [
    `bootstrap.servers=${args.broker}`,
    'key.converter=org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter=org.apache.kafka.connect.converters.ByteArrayConverter',
    `offset.storage.file.filename=${join(dir, 'offsets')}`,
    'listeners=http://127.0.0.1:0',
    '',
  ].join('\n'),
);
writeFileSync(
  join(dir, 'mirror.properties'),
  [
    `name=${args.group}`,
    'connector.class=org.apache.kafka.connect.mirror.MirrorSourceConnector',
    'tasks.max=1',
    'source.cluster.alias=src',
    'target.cluster.alias=dst',
    `source.cluster.bootstrap.servers=${args.broker}`,
    `target.cluster.bootstrap.servers=${args.broker}`,
    `topics=${args.topic}`,
    'key.converter=org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter=org.apache.kafka.connect.converters.ByteArrayConverter',
    'replication.factor=1',
    'offset-syncs.topic.replication.factor=1',
    'sync.topic.acls.enabled=false',
    'emit.heartbeats.enabled=false',
    '',
  ].join('\n'),
);
writeFileSync(join(dir, 'log4j.properties'), 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[connect] %p %m%n\n');

const java = spawn(
  'java',
  ['-Xms512m', '-Xmx1g', `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`, '-cp', `${lib}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', join(dir, 'worker.properties'), join(dir, 'mirror.properties')],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const exited = new Promise<number | null>((resolve) => java.once('exit', resolve));

const admin = new Kafka({ clientId: 'sinkhub-bench', brokers: [args.broker], logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const copied = async (): Promise<number> => {
  try {
    return (await admin.fetchTopicOffsets(copy)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } catch {
    return 0; // not created yet
  }
};
let firstAt = 0;
let lastAt = 0;
let failed: Error | undefined;
void exited.then((code) => (failed = new Error(`Kafka Connect exited (${code}) before copying every record`)));
for (;;) {
  if (failed) throw failed;
  const n = await copied();
  if (firstAt === 0 && n > 0) firstAt = performance.now();
  if (n >= args.records) {
    lastAt = performance.now();
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
const stopping = performance.now();
java.kill('SIGTERM');
await exited;
const stopMs = performance.now() - stopping;
const stored = await copied();
await admin.disconnect();
await deleteTopic(args.broker, copy).catch(() => undefined);
if (stored !== args.records) throw new Error(`the copy holds ${stored} records, expected ${args.records} (at-least-once: a restart would add more)`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs, vmHwmKb: 0, detail: { stored } });
process.exit(0);
