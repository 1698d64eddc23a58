/**
 * The benchmark: fills a topic, then runs each case in a fresh process against it, and writes
 * bench/results/<time>-<topic>.json plus a Markdown table on standard output. Progress goes
 * to standard error. Needs Kafka at KAFKA_BROKERS (bench/run.sh provides one) and kcat.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, homedir, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteTopic, produceDataset, schemaEnvelope, topicCounts, valueBytesOf, type Dataset } from './dataset.js';
import { caseTiming, runMeasured, type Run } from './measure.js';
import { paramsFromEnv, type BenchParams, type CaseId } from './params.js';
import { checkPublished } from './published.js';
import { markdown, ratios, type BenchResult, type CaseResult } from './report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = resolve(HERE, '../..');
const REPO_DIR = resolve(BENCH_DIR, '..');
const RESULTS_DIR = join(BENCH_DIR, 'results');

const TITLES: Record<CaseId, string> = {
  a: 'kcat → /dev/null',
  b: 'kafkajs eachBatch',
  'b-json': 'kafkajs eachBatch + JSON.parse',
  b2: 'confluent-kafka-javascript eachBatch',
  c: 'sinkhub → null sink',
  'c-bytes': 'sinkhub → null sink, format bytes',
  d: 'sinkhub → file, exactly-once',
  'r-raw': 'ioredis RPUSH pipelines, no Kafka',
  r: 'sinkhub → Redis RPUSH, exactly-once',
  'm-raw': 'mysql2 multi-row INSERTs, no Kafka',
  m: 'sinkhub → MySQL insert, exactly-once',
  'd-value': 'sinkhub → file, values only (JSON decoded and re-encoded), exactly-once',
  k: 'Kafka Connect FileStreamSink → file, values only (peer)',
  'i-raw': 'InfluxDB v1 line-protocol writes of 5000 points, no Kafka',
  i: 'sinkhub → InfluxDB (v1 API), exactly-once',
  'e-raw': 'Elasticsearch bulk requests of 1000, 2 in flight, no Kafka',
  e: 'sinkhub → Elasticsearch, offset ids, exactly-once',
  'f-raw': 'Flume HTTP source requests of 1000 events, 4 in flight, file channel, no Kafka',
  f: 'sinkhub → Flume HTTP source, 1000 events per request, 4 in flight, at-least-once',
  'h-raw': 'WebHDFS CREATE + RENAME of one file per partition, no Kafka',
  h: 'sinkhub → HDFS (WebHDFS), values as JSON lines, exactly-once, until published',
  'q-raw': 'amqplib publishing to a queue with confirms, no Kafka',
  q: 'sinkhub → RabbitMQ queue, at-least-once (publisher confirms)',
  'm-peer': 'Kafka Connect + Debezium JDBC sink → MySQL, insert (peer; schema’d twin topic)',
  'q-peer': 'Kafka Connect + Camel rabbitmq → RabbitMQ queue, publisher acks (peer)',
  'e-peer': 'Kafka Connect + Camel elasticsearch → Elasticsearch, bulk of 1000 (peer)',
  'i-peer': 'Kafka Connect + Camel influxdb → InfluxDB v1, a write per point (peer)',
  'r-peer': 'Kafka Connect + Camel spring-redis → Redis RPUSH, a command per record (peer)',
  'x-raw': 'kcat -P producing the records again (acks all, idempotent), no consuming',
  x: 'sinkhub → Kafka, same cluster, exactly-once (transactions)',
  'x-mm2': 'MirrorMaker 2 source connector, same cluster, at-least-once (peer)',
  'hb-raw': 'HBase REST multi-row puts of 1000 rows, 4 in flight, no Kafka',
  hb: 'sinkhub → HBase (REST), cell timestamps from ts, exactly-once',
  'rq-raw': 'rocketmq-client-nodejs sends, 256 in flight, no Kafka',
  rq: 'sinkhub → RocketMQ, at-least-once',
  'rq-tx': 'sinkhub → RocketMQ, transactional messages, exactly-once',
  'cs-raw': 'cassandra-driver prepared INSERTs, 64 in flight, no Kafka',
  cs: 'sinkhub → Cassandra, keyed by id, exactly-once',
};

const params = paramsFromEnv();
const startedAt = new Date();
const environment = describeEnvironment();
log(`machine: ${environment['cpus']} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const dataset = await prepareDataset(params);
const brokerPid = findBrokerPid();
const cases: CaseResult[] = [];
const skipped: { id: CaseId; reason: string }[] = [];
/** The data set as schema-carrying JSON, for the peer that needs it (m-peer); made on first use. */
let schemaTwin: Dataset | undefined;
try {
  for (const id of params.cases) {
    const confluentDir = process.env['BENCH_CONFLUENT_DIR'];
    if (id === 'b2' && !(confluentDir && existsSync(join(confluentDir, 'node_modules/@confluentinc/kafka-javascript/package.json')))) {
      skipped.push({ id, reason: 'BENCH_CONFLUENT_DIR does not hold an installed @confluentinc/kafka-javascript (see bench/README.md)' });
      continue;
    }
    await settle();
    log(`case ${id}: ${TITLES[id]} …`);
    const result = await runCase(id, dataset);
    log(`case ${id}: ${Math.round(result.recordsPerSec).toLocaleString('en-US')} records/s over ${(result.measuredMs / 1000).toFixed(2)} s`);
    cases.push(result);
  }
} finally {
  if (!params.topic && !params.keepTopic) {
    // Each run's topic holds BENCH_RECORDS × BENCH_RECORD_BYTES on the broker's disk.
    await deleteTopic(params.broker, dataset.topic);
    log(`deleted topic ${dataset.topic} (BENCH_KEEP_TOPIC=1 keeps it)`);
  }
  if (schemaTwin) {
    await deleteTopic(params.broker, schemaTwin.topic);
    log(`deleted topic ${schemaTwin.topic}`);
  }
}

const result: BenchResult = { startedAt: startedAt.toISOString(), params, environment, dataset, cases, ratios: ratios(cases), skipped };
await mkdir(RESULTS_DIR, { recursive: true });
const resultFile = join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${dataset.topic}.json`);
await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n');
process.stdout.write(markdown(result) + '\n');
log(`results: ${resultFile}`);

async function prepareDataset(p: BenchParams): Promise<Dataset> {
  if (p.topic) {
    const counts = await topicCounts(p.broker, p.topic);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total !== p.records || counts.length !== p.partitions) {
      throw new Error(`BENCH_TOPIC ${p.topic} holds ${total} records in ${counts.length} partitions; BENCH_RECORDS=${p.records}, BENCH_PARTITIONS=${p.partitions}`);
    }
    log(`reusing topic ${p.topic}`);
    return { topic: p.topic, partitions: p.partitions, records: p.records, valueBytes: valueBytesOf(p.records, p.recordBytes), produceMs: null };
  }
  const topic = `bench-${Date.now()}`;
  log(`producing ${p.records} records of ${p.recordBytes} bytes into ${topic} (${p.partitions} partitions) with kcat …`);
  const d = await produceDataset(p.broker, topic, p.partitions, p.records, p.recordBytes);
  log(`produced in ${((d.produceMs ?? 0) / 1000).toFixed(1)} s`);
  return d;
}

async function runCase(id: CaseId, d: Dataset): Promise<CaseResult> {
  const group = `bench-${id}-${Date.now()}`;
  const nodeFlags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const nodeCase = (script: string, ...extra: string[]) => [
    process.execPath,
    ...nodeFlags,
    join(HERE, script),
    ...['--broker', params.broker, '--topic', d.topic, '--records', String(d.records), '--group', group],
    ...extra,
  ];
  if (id === 'a') {
    const command = ['kcat', '-C', '-b', params.broker, '-t', d.topic, '-o', 'beginning', '-e', '-c', String(d.records), '-q', '-f', '.'];
    const run = await runMeasured(command, { brokerPid, countStdout: true });
    if (run.exitCode !== 0) throw new Error(`kcat failed (exit ${run.exitCode}): ${run.stderr}`);
    // kcat prints one byte per record; its output arrives in stdio-buffer chunks (4 KiB).
    const { bytes, firstAtMs, lastAtMs } = run.chunks;
    if (bytes !== d.records) throw new Error(`kcat consumed ${bytes} records, expected ${d.records}`);
    return toResult(id, command, d, run, { records: bytes, firstAtMs, measuredMs: lastAtMs - firstAtMs, stopMs: null, vmHwmKb: 0 }, {});
  }
  if (id === 'k') {
    const dir = await mkdtemp(join(tmpdir(), 'sinkhub-bench-connect-'));
    try {
      const command = nodeCase('case-connect-file.js', '--dir', dir);
      const run = await runMeasured(command, { brokerPid });
      const timing = caseTiming(run, 'case k');
      return toResult(id, command, d, run, timing, timing.detail ?? {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (id === 'm-peer' || id === 'q-peer' || id === 'e-peer' || id === 'i-peer' || id === 'r-peer') {
    const system = ({ 'm-peer': 'mysql', 'q-peer': 'rabbitmq', 'e-peer': 'elasticsearch', 'i-peer': 'influxdb', 'r-peer': 'redis' } as const)[id];
    let topic = d.topic;
    const detail: Record<string, unknown> = {};
    if (id === 'm-peer') {
      // Debezium's JDBC sink takes typed records only: the same records as schema'd JSON.
      if (!schemaTwin) {
        schemaTwin = await produceDataset(params.broker, `${d.topic}-schema`, d.partitions, d.records, params.recordBytes, schemaEnvelope);
        log(`produced the schema'd twin topic ${schemaTwin.topic} in ${((schemaTwin.produceMs ?? 0) / 1000).toFixed(1)} s`);
      }
      topic = schemaTwin.topic;
      detail['topic'] = topic;
      detail['topicValueBytes'] = d.valueBytes + d.records * schemaEnvelope('').length;
    }
    const dir = await mkdtemp(join(tmpdir(), `sinkhub-bench-${id}-`));
    try {
      const command = [...nodeCase('case-connect-sink.js', '--sink', system, '--dir', dir)];
      command[command.indexOf('--topic') + 1] = topic;
      const run = await runMeasured(command, { brokerPid });
      const timing = caseTiming(run, `case ${id}`);
      return toResult(id, command, d, run, timing, { ...detail, ...timing.detail });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (id === 'x-mm2') {
    const dir = await mkdtemp(join(tmpdir(), 'sinkhub-bench-mirror-'));
    try {
      const command = nodeCase('case-mirror.js', '--dir', dir);
      const run = await runMeasured(command, { brokerPid });
      const timing = caseTiming(run, 'case x-mm2');
      return toResult(id, command, d, run, timing, timing.detail ?? {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (id === 'd' || id === 'd-value') {
    const dir = await mkdtemp(join(tmpdir(), 'sinkhub-bench-file-'));
    try {
      const command = nodeCase('case-pipeline.js', '--sink', id === 'd' ? 'file' : 'file-value', '--dir', dir);
      const run = await runMeasured(command, { brokerPid });
      const timing = caseTiming(run, `case ${id}`);
      const check = await checkPublished(dir, d.partitions);
      if (check.lines !== d.records || check.rangeProblems.length > 0) {
        throw new Error(`case ${id} published ${check.lines} lines in ${check.files} files, expected ${d.records}; ${check.rangeProblems.join('; ')}`);
      }
      log(`case ${id}: ${check.files} published files hold exactly ${check.lines} lines (${(check.bytes / 1e6).toFixed(0)} MB), offset ranges contiguous`);
      return toResult(id, command, d, run, timing, { ...timing.detail, published: check, outputDir: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const commands: Record<Exclude<CaseId, 'a' | 'd' | 'd-value' | 'k' | `${string}-peer` | 'x-mm2'>, string[]> = {
    b: nodeCase('case-kafkajs.js'),
    'b-json': nodeCase('case-kafkajs.js', '--format', 'json'),
    b2: nodeCase('case-confluent.js'),
    c: nodeCase('case-pipeline.js', '--sink', 'null'),
    'c-bytes': nodeCase('case-pipeline.js', '--sink', 'null', '--format', 'bytes'),
    'r-raw': nodeCase('case-redis-raw.js'),
    r: nodeCase('case-pipeline.js', '--sink', 'redis'),
    'm-raw': nodeCase('case-mysql-raw.js'),
    m: nodeCase('case-pipeline.js', '--sink', 'mysql'),
    'i-raw': nodeCase('case-influxdb-raw.js'),
    i: nodeCase('case-pipeline.js', '--sink', 'influxdb'),
    'e-raw': nodeCase('case-elasticsearch-raw.js'),
    e: nodeCase('case-pipeline.js', '--sink', 'elasticsearch'),
    'f-raw': nodeCase('case-flume-raw.js'),
    f: nodeCase('case-pipeline.js', '--sink', 'flume'),
    'h-raw': nodeCase('case-hdfs-raw.js'),
    h: nodeCase('case-pipeline.js', '--sink', 'hdfs'),
    'q-raw': nodeCase('case-rabbitmq-raw.js'),
    q: nodeCase('case-pipeline.js', '--sink', 'rabbitmq'),
    'x-raw': nodeCase('case-kafka-raw.js'),
    x: nodeCase('case-pipeline.js', '--sink', 'kafka'),
    'hb-raw': nodeCase('case-hbase-raw.js'),
    hb: nodeCase('case-pipeline.js', '--sink', 'hbase'),
    'rq-raw': nodeCase('case-rocketmq-raw.js'),
    rq: nodeCase('case-pipeline.js', '--sink', 'rocketmq'),
    'rq-tx': nodeCase('case-pipeline.js', '--sink', 'rocketmq-tx'),
    'cs-raw': nodeCase('case-cassandra-raw.js'),
    cs: nodeCase('case-pipeline.js', '--sink', 'cassandra'),
  };
  const command = commands[id];
  const run = await runMeasured(command, { brokerPid });
  const timing = caseTiming(run, `case ${id}`);
  if (id === 'h' || id === 'h-raw') {
    // Every value and its newline, read back from HDFS (both cases write the same bytes).
    const stored = Number((timing.detail as { storedBytes?: number; bytes?: number })?.storedBytes ?? (timing.detail as { bytes?: number })?.bytes);
    if (stored !== d.valueBytes + d.records) throw new Error(`case ${id}: HDFS held ${stored} bytes, expected ${d.valueBytes + d.records}`);
  }
  return toResult(id, command, d, run, timing, timing.detail ?? {});
}

function toResult(
  id: CaseId,
  command: readonly string[],
  d: Dataset,
  run: Run,
  timing: { records: number; firstAtMs: number; measuredMs: number; measuredRecords?: number; stopMs: number | null; vmHwmKb: number },
  detail: Record<string, unknown>,
): CaseResult {
  if (timing.records < d.records) throw new Error(`case ${id} saw ${timing.records} records, expected ${d.records}`);
  // A case that saw its first records only once their batch was written measured the rest.
  const share = (timing.measuredRecords ?? d.records) / d.records;
  const seconds = timing.measuredMs / 1000 / share;
  return {
    id,
    title: TITLES[id],
    command,
    records: timing.records,
    measuredMs: timing.measuredMs,
    recordsPerSec: d.records / seconds,
    mbPerSec: d.valueBytes / 1e6 / seconds,
    wallMs: run.wallMs,
    firstAtMs: timing.firstAtMs,
    stopMs: timing.stopMs,
    peakRssKb: run.usage?.peakRssKb ?? timing.vmHwmKb,
    cpuUserS: run.usage?.userS ?? 0,
    cpuSysS: run.usage?.sysS ?? 0,
    machine: run.window(timing.firstAtMs, timing.measuredMs),
    detail: { ...detail, ...(timing.vmHwmKb > 0 && { vmHwmKb: timing.vmHwmKb }) },
  };
}

/** Lets the broker finish the previous case's work (group leave, commits) before the next one. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 2000));
}

/** The broker's PID when integration-tests/services/kafka.sh started it (for its CPU time). */
function findBrokerPid(): number | undefined {
  const state = process.env['SINKHUB_STATE'] ?? join(REPO_DIR, '.services');
  try {
    const pid = Number(readFileSync(join(state, 'kafka.pid'), 'utf8').trim());
    return existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function describeEnvironment(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const version = (pkg: string, from?: string): string | null => {
    try {
      return (JSON.parse(readFileSync((from ? createRequire(join(from, 'noop.js')) : require).resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  const kafkaLib = join(process.env['SINKHUB_CACHE'] ?? join(homedir(), '.cache/sinkhub'), 'kafka/lib');
  const kafkaJar = existsSync(kafkaLib) ? readdirSync(kafkaLib).find((f) => /^kafka_[\d.]+-[\d.]+\.jar$/.test(f)) : undefined;
  let kcat: string | null = null;
  try {
    kcat = /Version (\S+) .*?(librdkafka \S+)/.exec(execFileSync('kcat', ['-V'], { encoding: 'utf8' }))?.slice(1).join(', ') ?? null;
  } catch {
    kcat = null;
  }
  const confluentDir = process.env['BENCH_CONFLUENT_DIR'];
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', ['-C', REPO_DIR, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return {
    gitCommit: git('rev-parse', 'HEAD'),
    /** Uncommitted changes to the code measured (core), which the commit alone does not describe. */
    coreChanges: git('status', '--porcelain', '--', 'core')?.split('\n').filter(Boolean) ?? null,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    loadAverageAtStart: loadavg(),
    node: process.version,
    kafkajs: version('kafkajs'),
    kafka: kafkaJar ? /-([\d.]+)\.jar$/.exec(kafkaJar)![1] : null,
    kcat,
    confluentKafkaJavascript: confluentDir ? version('@confluentinc/kafka-javascript', confluentDir) : null,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
