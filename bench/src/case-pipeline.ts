/**
 * Cases (c) and (d): a sinkhub pipeline run through the library API, from a fresh group.
 * Values are decoded as JSON (the default `format`) unless `--format bytes` (case c-bytes).
 *   --sink null   (c) into the `null` connector, at-least-once, until it counted N records;
 *   --sink file   (d) into the built-in `file` sink under --dir, exactly-once, until the
 *                 pipeline handled N records; the graceful stop then publishes the rest;
 *   --sink redis|mysql|influxdb|elasticsearch (r, m, i, e), exactly-once, and rabbitmq (q),
 *                 at-least-once: until the pipeline handled N records, then the target is
 *                 read back and must hold every record exactly once.
 */
import { execFileSync } from 'node:child_process';
import { Hub } from '@sinkhub/core';
import { Client } from '@elastic/elasticsearch';
import elasticsearchSink from '@sinkhub/elasticsearch';
import flumeSink from '@sinkhub/flume';
import hbaseSink from '@sinkhub/hbase';
import hdfsSink from '@sinkhub/hdfs';
import influxdbSink from '@sinkhub/influxdb';
import kafkaSink from '@sinkhub/kafka';
import mysqlSink from '@sinkhub/mysql';
import cassandraSink from '@sinkhub/cassandra';
import rabbitmqSink from '@sinkhub/rabbitmq';
import redisSink from '@sinkhub/redis';
import rocketmqSink from '@sinkhub/rocketmq';
import { Redis } from 'ioredis';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { ELASTICSEARCH_URL, countAndDrop as countDocumentsAndDrop } from './elasticsearch-target.js';
import { FLUME_BENCH_URL, countEvents, warmUp } from './flume-target.js';
import { HBASE_REST_URL, countAndDrop as countCellsAndDrop, createBenchTable as createHbaseTable } from './hbase-target.js';
import { HDFS, filesAndDelete } from './hdfs-target.js';
import { INFLUX, countAndDrop as countPointsAndDrop } from './influxdb-target.js';
import { benchPool, countAndDrop, createBenchTable } from './mysql-table.js';
import { CASSANDRA, LAYOUT, benchClient, countAndDrop as countRowsAndDrop, createBenchTable as createCassandraTable } from './cassandra-target.js';
import { RABBITMQ, countAndDelete as countMessagesAndDelete, createQueue } from './rabbitmq-target.js';
import { ROCKETMQ_ENDPOINTS, countMessages, createRocketTopic } from './rocketmq-target.js';
import { WriteCounter, nullConnector } from './null-sink.js';
import { createTopic, deleteTopic } from './dataset.js';

const args = caseArgs();
const SINKS = ['null', 'file', 'file-value', 'redis', 'mysql', 'influxdb', 'elasticsearch', 'flume', 'hdfs', 'rabbitmq', 'kafka', 'hbase', 'rocketmq', 'rocketmq-tx', 'cassandra'] as const;
const sink = args.sink as (typeof SINKS)[number];
if (!SINKS.includes(sink)) throw new Error(`--sink ${SINKS.join('|')}`);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const redisKey = `bench:sinkhub:${args.group}`;
const esIndex = `bench-sinkhub-${args.group}`;
const hdfsPath = `/bench/sinkhub-${args.group}`;
const influxMeasurement = `sinkhub_${args.group.replaceAll('-', '_')}`;
const mysqlTable = `bench_sinkhub_${args.group.replaceAll('-', '_')}`;
const kafkaCopy = `${args.topic}-copy-${args.group}`;
if (sink === 'kafka') await createTopic(args.broker, kafkaCopy, Number(process.env['BENCH_PARTITIONS'] ?? 4));
const mysql = sink === 'mysql' ? benchPool() : undefined;
if (mysql) await createBenchTable(mysql, mysqlTable);
if (sink === 'flume') await warmUp();
const rabbitmqQueue = `bench-sinkhub-${args.group}`;
if (sink === 'rabbitmq') await createQueue(rabbitmqQueue);
const hbaseTable = `bench_sinkhub_${args.group.replaceAll('-', '_')}`;
if (sink === 'hbase') await createHbaseTable(hbaseTable);
const rocketTopic = `bench-sinkhub-${args.group}`;
if (sink.startsWith('rocketmq')) await createRocketTopic(rocketTopic, sink === 'rocketmq-tx' ? 'TRANSACTION' : 'NORMAL');
const cassandraTable = `sinkhub_${args.group.replaceAll('-', '_')}`.slice(0, 48);
const cassandra = sink === 'cassandra' ? benchClient() : undefined;
if (cassandra) await createCassandraTable(cassandra, cassandraTable, LAYOUT);
if (sink.startsWith('file') && !args.dir) throw new Error('--sink file needs --dir');
deadline(600_000, `pipeline case (${sink})`);

const counter = new WriteCounter();
const { file, registry } = Hub.validate(
  {
    kafka: { brokers: [args.broker], client_id: 'sinkhub-bench' },
    http: false,
    log_level: 'warn',
    progress_interval_ms: 0,
    pipelines: [
      {
        name: `bench-${sink}`,
        source: { topics: [args.topic], group_id: args.group, format: args.format ?? 'json' },
        sink:
          sink === 'null' ? { type: 'null' }
          : sink === 'redis' ? { type: 'redis', url: REDIS_URL, command: 'RPUSH', key: redisKey }
          : sink === 'flume' ? { type: 'flume', url: FLUME_BENCH_URL, max_events_per_request: 1000, concurrent_requests: 4 }
          : sink === 'elasticsearch' ? { type: 'elasticsearch', nodes: [ELASTICSEARCH_URL], index: esIndex, id: 'offset' }
          : sink === 'influxdb' ? { type: 'influxdb', api: 'v1', url: INFLUX.url, database: INFLUX.database, username: INFLUX.user, password: INFLUX.password, measurement: influxMeasurement, tags: ['type'], fields: ['id', 'ts'], timestamp_field: 'ts' }
          : sink === 'rabbitmq' ? { type: 'rabbitmq', url: RABBITMQ.url, username: RABBITMQ.user, password: RABBITMQ.password, queue: rabbitmqQueue }
          : sink === 'hbase' ? { type: 'hbase', url: HBASE_REST_URL, table: hbaseTable, row_key: '{{ $topic }}-{{ $partition }}-{{ $offset }}', family: 'd', timestamp_field: 'ts', concurrent_requests: 4 }
          : sink === 'cassandra' ? {
              type: 'cassandra', contact_points: CASSANDRA.contactPoints, local_data_center: CASSANDRA.dataCenter, username: CASSANDRA.user, password: CASSANDRA.password,
              keyspace: CASSANDRA.keyspace, table: cassandraTable,
              ...(LAYOUT === 'bucket' && { columns: { bucket: '$floor(id / 100)', id: 'id', type: 'type', user: 'user', ts: 'ts', pad: 'pad' } }),
              ...(process.env['BENCH_CASSANDRA_MODE'] && { unlogged_batches: process.env['BENCH_CASSANDRA_MODE'] === 'batches' }),
            }
          : sink === 'mysql' ? { type: 'mysql', url: process.env['MYSQL_URL'] ?? 'mysql://sinkhub:sinkhub@127.0.0.1:3306/sinkhub', table: mysqlTable }
          : sink === 'hdfs' ? { type: 'hdfs', url: HDFS.url, user: HDFS.user, path: hdfsPath, content: 'value' }
          : sink === 'kafka' ? { type: 'kafka', topic: kafkaCopy }
          : sink.startsWith('rocketmq') ? { type: 'rocketmq', endpoints: ROCKETMQ_ENDPOINTS, topic: rocketTopic }
          : sink === 'file-value' ? { type: 'file', path: args.dir, content: 'value' }
          : { type: 'file', path: args.dir },
        ...(sink === 'flume' && { batching: { max_records: 4000 } }),
        // flume, rabbitmq and rocketmq without transactions are at-least-once.
        delivery: sink === 'null' || sink === 'flume' || sink === 'rabbitmq' || sink === 'rocketmq' ? 'at-least-once' : 'exactly-once',
      },
    ],
  },
  [nullConnector(counter), redisSink, mysqlSink, influxdbSink, elasticsearchSink, flumeSink, hdfsSink, rabbitmqSink, kafkaSink, hbaseSink, rocketmqSink, cassandraSink],
);

const hub = await Hub.start(file, { registry });
const pipeline = hub.pipelines[0]!;
let firstAt: number;
let lastAt: number;
if (sink === 'null') {
  await counter.reached(args.records);
  firstAt = counter.firstAt;
  lastAt = counter.reachedAt;
} else {
  // The file sink is the built-in one, unwrapped: watch the pipeline's handled count instead.
  ({ firstAt, lastAt } = await handledReached(args.records));
}
const stopping = performance.now();
await hub.stop();
await hub.done;
// HDFS files of the default roll (128 MB, 10 min) are published by the stop: the measured
// interval runs until they are in place, so that it counts writing to HDFS, not to the spool.
if (sink === 'hdfs') lastAt = performance.now();
const detail: Record<string, unknown> = sink === 'null' ? { batches: counter.batches, meanBatch: Math.round(counter.records / counter.batches) } : {};
if (sink === 'redis') {
  // Read back: the list must hold every record exactly once.
  const redis = new Redis(REDIS_URL);
  const stored = await redis.llen(redisKey);
  await redis.del(redisKey, `sinkhub:offsets:bench-redis`);
  await redis.quit();
  if (stored !== args.records) throw new Error(`redis list holds ${stored} records, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'elasticsearch') {
  // Read back: one document per record (ids from topic/partition/offset).
  const client = new Client({ node: ELASTICSEARCH_URL });
  const stored = await countDocumentsAndDrop(client, esIndex);
  await client.close();
  if (stored !== args.records) throw new Error(`elasticsearch holds ${stored} documents, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'flume') {
  // Read back: every event the source acknowledged, counted in the agent's output (no replays: no crash).
  const stored = await countEvents(args.topic, args.records);
  if (stored !== args.records) throw new Error(`the flume agent wrote ${stored} events, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'influxdb') {
  // Read back: one point per record (series `type`, time `ts`: all distinct in the data set).
  const stored = await countPointsAndDrop(influxMeasurement);
  if (stored !== args.records) throw new Error(`influxdb holds ${stored} points, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'hdfs') {
  // Read back: the published files hold every value once, as a line (names hold the ranges).
  // The orchestrator checks the bytes against the data set.
  const files = await filesAndDelete(hdfsPath);
  detail['files'] = files.length;
  detail['storedBytes'] = files.reduce((n, f) => n + f.length, 0);
}
if (sink === 'rabbitmq') {
  // Read back: the queue's depth (nothing consumes it) must be N — no replays in a clean run.
  const stored = await countMessagesAndDelete(rabbitmqQueue);
  if (stored !== args.records) throw new Error(`rabbitmq queue holds ${stored} messages, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'kafka') {
  // Read back: a read_committed consumer (kcat) must see every record exactly once.
  const stored = countCommitted(args.broker, kafkaCopy);
  await deleteTopic(args.broker, kafkaCopy);
  if (stored !== args.records) throw new Error(`the copy holds ${stored} committed records, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink === 'hbase') {
  // Read back: one d:id cell per record (rows keyed by topic-partition-offset, one version).
  const stored = await countCellsAndDrop(hbaseTable);
  if (stored !== args.records) throw new Error(`hbase holds ${stored} cells of d:id, expected ${args.records}`);
  detail['stored'] = stored;
}
if (sink.startsWith('rocketmq')) {
  // Read back: the topic's queues hold every record (exactly once with transactions; at least
  // once without, so a count above N would be replays, which a run without crashes has none of).
  const stored = await countMessages(rocketTopic);
  if (sink === 'rocketmq-tx' ? stored !== args.records : stored < args.records) throw new Error(`rocketmq topic holds ${stored} messages, expected ${args.records}`);
  detail['stored'] = stored;
  detail['stored'] = stored;
}
if (cassandra) {
  // Read back: one row per record (keyed by id).
  const stored = await countRowsAndDrop(cassandra, cassandraTable);
  await cassandra.shutdown();
  if (stored !== args.records) throw new Error(`cassandra table holds ${stored} rows, expected ${args.records}`);
  detail['stored'] = stored;
  detail['layout'] = LAYOUT;
}
if (mysql) {
  // Read back: the table must hold every record exactly once.
  const stored = await countAndDrop(mysql, mysqlTable, `bench-${sink}`);
  await mysql.end();
  if (stored !== args.records) throw new Error(`mysql table holds ${stored} rows, expected ${args.records}`);
  detail['stored'] = stored;
}
emitResult({
  records: sink === 'null' ? counter.records : pipeline.handled,
  firstAtMs: firstAt,
  measuredMs: lastAt - firstAt,
  stopMs: performance.now() - stopping,
  vmHwmKb: peakRssKb(),
  detail,
});
process.exit(0);

/** Records a read_committed consumer sees in `topic` (kcat prints one byte per record). */
function countCommitted(broker: string, topic: string): number {
  return execFileSync('kcat', ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '.'], { maxBuffer: 1 << 30 }).length;
}

/** Polls `pipeline.handled` every 2 ms: when the first records and the N-th were written. */
function handledReached(target: number): Promise<{ firstAt: number; lastAt: number }> {
  return new Promise((resolve) => {
    let first = 0;
    const timer = setInterval(() => {
      if (first === 0 && pipeline.handled > 0) first = performance.now();
      if (pipeline.handled >= target) {
        clearInterval(timer);
        resolve({ firstAt: first, lastAt: performance.now() });
      }
    }, 2);
  });
}
