/**
 * What a sinkhub pipeline case writes to, one entry per `--sink`: the connector, its options,
 * what is created before the run, and how the target is read back after it. Every read-back
 * must find every record (exactly once, unless the case is at-least-once and may see more).
 */
import { execFileSync } from 'node:child_process';
import type { ConnectorDefinition } from '@sinkhub/core';
import { Client } from '@elastic/elasticsearch';
import cassandraSink from '@sinkhub/cassandra';
import elasticsearchSink from '@sinkhub/elasticsearch';
import flumeSink from '@sinkhub/flume';
import hbaseSink from '@sinkhub/hbase';
import hdfsSink from '@sinkhub/hdfs';
import influxdbSink from '@sinkhub/influxdb';
import kafkaSink from '@sinkhub/kafka';
import mysqlSink from '@sinkhub/mysql';
import rabbitmqSink from '@sinkhub/rabbitmq';
import redisSink from '@sinkhub/redis';
import rocketmqSink from '@sinkhub/rocketmq';
import { Redis } from 'ioredis';
import type { CaseArgs } from './case-report.js';
import { CASSANDRA, LAYOUT, benchClient, countAndDrop as countRowsAndDrop, createBenchTable as createCassandraTable } from './cassandra-target.js';
import { createTopic, deleteTopic } from './dataset.js';
import { ELASTICSEARCH_URL, countAndDrop as countDocumentsAndDrop } from './elasticsearch-target.js';
import { FLUME_BENCH_URL, countEvents, warmUp } from './flume-target.js';
import { HBASE_REST_URL, countAndDrop as countCellsAndDrop, createBenchTable as createHbaseTable } from './hbase-target.js';
import { HDFS, filesAndDelete } from './hdfs-target.js';
import { INFLUX, countAndDrop as countPointsAndDrop } from './influxdb-target.js';
import { MYSQL_URL, benchPool, countAndDrop, createBenchTable } from './mysql-table.js';
import { WriteCounter, nullConnector } from './null-sink.js';
import { RABBITMQ, countAndDelete as countMessagesAndDelete, createQueue } from './rabbitmq-target.js';
import { ROCKETMQ_ENDPOINTS, countMessages, createRocketTopic } from './rocketmq-target.js';

type Detail = Record<string, unknown>;

export interface PipelineTarget {
  /** Omitted for the built-in file sink. */
  readonly connector?: ConnectorDefinition;
  readonly delivery: 'at-least-once' | 'exactly-once';
  readonly batching?: Readonly<Record<string, number>>;
  /** The stop publishes what the sink stages: the measured interval runs until it returned. */
  readonly publishedByStop?: boolean;
  /** Creates what the sink writes into; resolves with the `sink:` options. */
  prepare(): Promise<Record<string, unknown>>;
  /** Reads the target back (throws unless it holds every record), cleans up, says what it saw. */
  readBack(): Promise<Detail>;
}

export const SINKS = ['null', 'file', 'file-value', 'redis', 'mysql', 'influxdb', 'elasticsearch', 'flume', 'hdfs', 'rabbitmq', 'kafka', 'hbase', 'rocketmq', 'rocketmq-tx', 'cassandra'] as const;
export type SinkName = (typeof SINKS)[number];

/** The target of `--sink name`; `counter` counts what the null sink receives. */
export function pipelineTarget(name: SinkName, args: CaseArgs, counter: WriteCounter): PipelineTarget {
  const records = args.records;
  const group = args.group;
  const underscored = group.replaceAll('-', '_');
  /** Read-back for targets that count what they hold: exactly `records`, or at least as many. */
  const expect = (what: string, stored: number, atLeast = false): Detail => {
    if (atLeast ? stored < records : stored !== records) throw new Error(`${what} holds ${stored}, expected ${atLeast ? 'at least ' : ''}${records}`);
    return { stored };
  };
  switch (name) {
    case 'null':
      return {
        connector: nullConnector(counter),
        delivery: 'at-least-once',
        prepare: async () => ({ type: 'null' }),
        readBack: async () => ({ batches: counter.batches, meanBatch: Math.round(counter.records / counter.batches) }),
      };
    case 'file':
    case 'file-value': {
      // The orchestrator reads the published files back.
      if (!args.dir) throw new Error('--sink file needs --dir');
      const dir = args.dir;
      return { delivery: 'exactly-once', prepare: async () => ({ type: 'file', path: dir, ...(name === 'file-value' && { content: 'value' }) }), readBack: async () => ({}) };
    }
    case 'redis': {
      const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
      const key = `bench:sinkhub:${group}`;
      return {
        connector: redisSink,
        delivery: 'exactly-once',
        prepare: async () => ({ type: 'redis', url, command: 'RPUSH', key }),
        readBack: async () => {
          const redis = new Redis(url);
          const stored = await redis.llen(key);
          await redis.del(key, 'sinkhub:offsets:bench-redis');
          await redis.quit();
          return expect(`redis list ${key}`, stored);
        },
      };
    }
    case 'mysql': {
      const table = `bench_sinkhub_${underscored}`;
      const pool = benchPool();
      return {
        connector: mysqlSink,
        delivery: 'exactly-once',
        prepare: async () => {
          await createBenchTable(pool, table);
          return { type: 'mysql', url: MYSQL_URL, table };
        },
        readBack: async () => {
          const stored = await countAndDrop(pool, table, 'bench-mysql');
          await pool.end();
          return expect(`mysql table ${table}`, stored);
        },
      };
    }
    case 'influxdb': {
      const measurement = `sinkhub_${underscored}`;
      return {
        connector: influxdbSink,
        delivery: 'exactly-once',
        prepare: async () => ({ type: 'influxdb', api: 'v1', url: INFLUX.url, database: INFLUX.database, username: INFLUX.user, password: INFLUX.password, measurement, tags: ['type'], fields: ['id', 'ts'], timestamp_field: 'ts' }),
        // One point per record: series `type`, time `ts`, all distinct in the data set.
        readBack: async () => expect(`influxdb measurement ${measurement}`, await countPointsAndDrop(measurement)),
      };
    }
    case 'elasticsearch': {
      const index = `bench-sinkhub-${group}`;
      return {
        connector: elasticsearchSink,
        delivery: 'exactly-once',
        prepare: async () => ({ type: 'elasticsearch', nodes: [ELASTICSEARCH_URL], index, id: 'offset' }),
        readBack: async () => {
          const client = new Client({ node: ELASTICSEARCH_URL });
          const stored = await countDocumentsAndDrop(client, index);
          await client.close();
          return expect(`elasticsearch index ${index}`, stored);
        },
      };
    }
    case 'flume':
      return {
        connector: flumeSink,
        delivery: 'at-least-once',
        batching: { max_records: 4000 },
        prepare: async () => {
          await warmUp();
          return { type: 'flume', url: FLUME_BENCH_URL, max_events_per_request: 1000, concurrent_requests: 4 };
        },
        // Counted in the agent's output; a run without crashes has no replays.
        readBack: async () => expect('the flume agent’s output', await countEvents(args.topic, records)),
      };
    case 'hdfs': {
      const path = `/bench/sinkhub-${group}`;
      return {
        connector: hdfsSink,
        delivery: 'exactly-once',
        // Files of the default roll (128 MB, 10 min) are published by the stop.
        publishedByStop: true,
        prepare: async () => ({ type: 'hdfs', url: HDFS.url, user: HDFS.user, path, content: 'value' }),
        // The orchestrator checks the bytes against the data set.
        readBack: async () => {
          const files = await filesAndDelete(path);
          return { files: files.length, storedBytes: files.reduce((n, f) => n + f.length, 0) };
        },
      };
    }
    case 'rabbitmq': {
      const queue = `bench-sinkhub-${group}`;
      return {
        connector: rabbitmqSink,
        delivery: 'at-least-once',
        prepare: async () => {
          await createQueue(queue);
          return { type: 'rabbitmq', url: RABBITMQ.url, username: RABBITMQ.user, password: RABBITMQ.password, queue };
        },
        // The queue's depth (nothing consumes it); a run without crashes has no replays.
        readBack: async () => expect(`rabbitmq queue ${queue}`, await countMessagesAndDelete(queue)),
      };
    }
    case 'kafka': {
      const copy = `${args.topic}-copy-${group}`;
      return {
        connector: kafkaSink,
        delivery: 'exactly-once',
        prepare: async () => {
          await createTopic(args.broker, copy, Number(process.env['BENCH_PARTITIONS'] ?? 4));
          return { type: 'kafka', topic: copy };
        },
        readBack: async () => {
          const stored = countCommitted(args.broker, copy);
          await deleteTopic(args.broker, copy);
          return expect(`topic ${copy} (read_committed)`, stored);
        },
      };
    }
    case 'hbase': {
      const table = `bench_sinkhub_${underscored}`;
      return {
        connector: hbaseSink,
        delivery: 'exactly-once',
        prepare: async () => {
          await createHbaseTable(table);
          return { type: 'hbase', url: HBASE_REST_URL, table, row_key: '{{ $topic }}-{{ $partition }}-{{ $offset }}', family: 'd', timestamp_field: 'ts', concurrent_requests: 4 };
        },
        // One d:id cell per record (rows keyed by topic-partition-offset, one version).
        readBack: async () => expect(`hbase table ${table} (d:id cells)`, await countCellsAndDrop(table)),
      };
    }
    case 'rocketmq':
    case 'rocketmq-tx': {
      const topic = `bench-sinkhub-${group}`;
      const transactional = name === 'rocketmq-tx';
      return {
        connector: rocketmqSink,
        delivery: transactional ? 'exactly-once' : 'at-least-once',
        prepare: async () => {
          await createRocketTopic(topic, transactional ? 'TRANSACTION' : 'NORMAL');
          return { type: 'rocketmq', endpoints: ROCKETMQ_ENDPOINTS, topic };
        },
        readBack: async () => expect(`rocketmq topic ${topic}`, await countMessages(topic), !transactional),
      };
    }
    case 'cassandra': {
      const table = `sinkhub_${underscored}`.slice(0, 48);
      const client = benchClient();
      const mode = process.env['BENCH_CASSANDRA_MODE'];
      return {
        connector: cassandraSink,
        delivery: 'exactly-once',
        prepare: async () => {
          await createCassandraTable(client, table, LAYOUT);
          return {
            type: 'cassandra', contact_points: CASSANDRA.contactPoints, local_data_center: CASSANDRA.dataCenter, username: CASSANDRA.user, password: CASSANDRA.password,
            keyspace: CASSANDRA.keyspace, table,
            ...(LAYOUT === 'bucket' && { columns: { bucket: '$floor(id / 100)', id: 'id', type: 'type', user: 'user', ts: 'ts', pad: 'pad' } }),
            ...(mode && { unlogged_batches: mode === 'batches' }),
          };
        },
        readBack: async () => {
          const stored = await countRowsAndDrop(client, table);
          await client.shutdown();
          return { ...expect(`cassandra table ${table}`, stored), layout: LAYOUT };
        },
      };
    }
  }
}

/** Records a read_committed consumer sees in `topic` (kcat prints one byte per record). */
function countCommitted(broker: string, topic: string): number {
  return execFileSync('kcat', ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '.'], { maxBuffer: 1 << 30 }).length;
}
