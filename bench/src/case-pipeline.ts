/**
 * Cases (c) and (d): a sinkhub pipeline run through the library API, from a fresh group.
 * Values are decoded as JSON (the default `format`) unless `--format bytes` (case c-bytes).
 *   --sink null   (c) into the `null` connector, at-least-once, until it counted N records;
 *   --sink file   (d) into the built-in `file` sink under --dir, exactly-once, until the
 *                 pipeline handled N records; the graceful stop then publishes the rest.
 */
import { Hub } from '@sinkhub/core';
import { Client } from '@elastic/elasticsearch';
import elasticsearchSink from '@sinkhub/elasticsearch';
import influxdbSink from '@sinkhub/influxdb';
import mysqlSink from '@sinkhub/mysql';
import cassandraSink from '@sinkhub/cassandra';
import redisSink from '@sinkhub/redis';
import { Redis } from 'ioredis';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { ELASTICSEARCH_URL, countAndDrop as countDocumentsAndDrop } from './elasticsearch-target.js';
import { INFLUX, countAndDrop as countPointsAndDrop } from './influxdb-target.js';
import { benchPool, countAndDrop, createBenchTable } from './mysql-table.js';
import { CASSANDRA, LAYOUT, benchClient, countAndDrop as countRowsAndDrop, createBenchTable as createCassandraTable } from './cassandra-target.js';
import { WriteCounter, nullConnector } from './null-sink.js';

const args = caseArgs();
const SINKS = ['null', 'file', 'file-value', 'redis', 'mysql', 'influxdb', 'elasticsearch', 'cassandra'] as const;
const sink = args.sink as (typeof SINKS)[number];
if (!SINKS.includes(sink)) throw new Error(`--sink ${SINKS.join('|')}`);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const redisKey = `bench:sinkhub:${args.group}`;
const esIndex = `bench-sinkhub-${args.group}`;
const influxMeasurement = `sinkhub_${args.group.replaceAll('-', '_')}`;
const mysqlTable = `bench_sinkhub_${args.group.replaceAll('-', '_')}`;
const mysql = sink === 'mysql' ? benchPool() : undefined;
if (mysql) await createBenchTable(mysql, mysqlTable);
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
          : sink === 'elasticsearch' ? { type: 'elasticsearch', nodes: [ELASTICSEARCH_URL], index: esIndex, id: 'offset' }
          : sink === 'influxdb' ? { type: 'influxdb', api: 'v1', url: INFLUX.url, database: INFLUX.database, username: INFLUX.user, password: INFLUX.password, measurement: influxMeasurement, tags: ['type'], fields: ['id', 'ts'], timestamp_field: 'ts' }
          : sink === 'cassandra' ? {
              type: 'cassandra', contact_points: CASSANDRA.contactPoints, local_data_center: CASSANDRA.dataCenter, username: CASSANDRA.user, password: CASSANDRA.password,
              keyspace: CASSANDRA.keyspace, table: cassandraTable,
              ...(LAYOUT === 'bucket' && { columns: { bucket: '$floor(id / 100)', id: 'id', type: 'type', user: 'user', ts: 'ts', pad: 'pad' } }),
              ...(process.env['BENCH_CASSANDRA_MODE'] && { unlogged_batches: process.env['BENCH_CASSANDRA_MODE'] === 'batches' }),
            }
          : sink === 'mysql' ? { type: 'mysql', url: process.env['MYSQL_URL'] ?? 'mysql://sinkhub:sinkhub@127.0.0.1:3306/sinkhub', table: mysqlTable }
          : sink === 'file-value' ? { type: 'file', path: args.dir, content: 'value' }
          : { type: 'file', path: args.dir },
        delivery: sink === 'null' ? 'at-least-once' : 'exactly-once',
      },
    ],
  },
  [nullConnector(counter), redisSink, mysqlSink, influxdbSink, elasticsearchSink, cassandraSink],
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
if (sink === 'influxdb') {
  // Read back: one point per record (series `type`, time `ts`: all distinct in the data set).
  const stored = await countPointsAndDrop(influxMeasurement);
  if (stored !== args.records) throw new Error(`influxdb holds ${stored} points, expected ${args.records}`);
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
