/**
 * Test endpoints come from the environment with localhost defaults, so the same suites run
 * against the provisioned local servers or a user's docker compose stack.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

/** True when something accepts TCP connections at `host:port`. */
export function reachable(hostPort: string, timeoutMs = 2000): Promise<boolean> {
  const at = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)), timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Fails (never skips) when a suite's server is missing: the run scripts start every server the
 * suites need, so a missing one is a broken setup that must be seen.
 */
export async function requireServer(name: string, hostPort: string): Promise<void> {
  if (!(await reachable(hostPort))) {
    throw new Error(`${name} is not reachable at ${hostPort}: start it with integration-tests/services/ (or set its address in the environment)`);
  }
}

/** SASL_PLAINTEXT listener (services/kafka.sh: the broker port + 2), users sinkhub/sinkhub-secret. */
export const KAFKA_SASL_BROKERS = (process.env['KAFKA_SASL_BROKERS'] ?? portPlus(2)).split(',');
export const KAFKA_SASL_USER = process.env['KAFKA_SASL_USER'] ?? 'sinkhub';
export const KAFKA_SASL_PASSWORD = process.env['KAFKA_SASL_PASSWORD'] ?? 'sinkhub-secret';

/** SSL listener (services/kafka.sh: the broker port + 3) and the CA that signed its certificate. */
export const KAFKA_TLS_BROKERS = (process.env['KAFKA_TLS_BROKERS'] ?? portPlus(3)).split(',');
export const KAFKA_TLS_CA = process.env['KAFKA_TLS_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/kafka/tls/ca.pem`;

function portPlus(n: number): string {
  const first = KAFKA_BROKERS[0]!;
  const at = first.lastIndexOf(':');
  return `${first.slice(0, at)}:${Number(first.slice(at + 1)) + n}`;
}

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** `host:port` of a redis:// URL. */
export function hostPort(url: string): string {
  return new URL(url).host;
}

/** MariaDB or MySQL (services/mariadb.sh, docker/mariadb.yml): database and user `sinkhub`. */
export const MYSQL_URL = process.env['MYSQL_URL'] ?? 'mysql://sinkhub:sinkhub@127.0.0.1:3306/sinkhub';
/** The CA of the server's certificate (services/mariadb.sh), and a user that must use TLS. */
export const MYSQL_TLS_CA = process.env['MYSQL_TLS_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/mariadb/tls/ca.pem`;
export const MYSQL_TLS_USER = process.env['MYSQL_TLS_USER'] ?? 'sinkhub_tls';

/** Redis topologies (services/redis-topologies.sh): cluster seeds, a sentinel, a TLS-only server. */
export const REDIS_CLUSTER_NODES = (process.env['REDIS_CLUSTER_NODES'] ?? '127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003').split(',');
export const REDIS_SENTINELS = (process.env['REDIS_SENTINELS'] ?? '127.0.0.1:17011').split(',');
export const REDIS_SENTINEL_MASTER = process.env['REDIS_SENTINEL_MASTER'] ?? 'sinkhub-master';
export const REDIS_TLS_URL = process.env['REDIS_TLS_URL'] ?? 'rediss://127.0.0.1:17020';
export const REDIS_TLS_CA = process.env['REDIS_TLS_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/redis-tls/ca.pem`;

/** InfluxDB 1.x (services/influxdb.sh): the v1 API, user sinkhub/sinkhub-secret, database `sinkhub`. */
export const INFLUXDB_URL = process.env['INFLUXDB_URL'] ?? 'http://127.0.0.1:8086';
export const INFLUXDB_USER = process.env['INFLUXDB_USER'] ?? 'sinkhub';
export const INFLUXDB_PASSWORD = process.env['INFLUXDB_PASSWORD'] ?? 'sinkhub-secret';
export const INFLUXDB_DATABASE = process.env['INFLUXDB_DATABASE'] ?? 'sinkhub';

/** QuestDB (services/questdb.sh): InfluxDB line protocol at /api/v2/write, SQL at /exec. */
export const QUESTDB_URL = process.env['QUESTDB_URL'] ?? 'http://127.0.0.1:9000';

/** Elasticsearch (services/elasticsearch.sh, docker/elasticsearch.yml): plain HTTP, security off. */
export const ELASTICSEARCH_URL = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
/** The secured Elasticsearch (services/elasticsearch-secure.sh): HTTPS with its CA, basic auth. */
export const ELASTICSEARCH_SECURE_URL = process.env['ELASTICSEARCH_SECURE_URL'] ?? 'https://127.0.0.1:9210';
export const ELASTICSEARCH_SECURE_CA = process.env['ELASTICSEARCH_SECURE_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/elasticsearch-secure/config/certs/ca.pem`;
export const ELASTICSEARCH_USER = process.env['ELASTICSEARCH_USER_NAME'] ?? 'sinkhub';
export const ELASTICSEARCH_PASSWORD = process.env['ELASTICSEARCH_PASSWORD'] ?? 'sinkhub-secret';

/** RabbitMQ (services/rabbitmq.sh, docker/rabbitmq.yml): user sinkhub/sinkhub-secret on vhost `/`. */
export const RABBITMQ_URL = process.env['RABBITMQ_URL'] ?? 'amqp://127.0.0.1:5672';
export const RABBITMQ_USER = process.env['RABBITMQ_USER'] ?? 'sinkhub';
export const RABBITMQ_PASSWORD = process.env['RABBITMQ_PASSWORD'] ?? 'sinkhub-secret';

/** Flume agent (services/flume.sh): HTTP sources with JSONHandler and their file_roll outputs. */
const FLUME_STATE = `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/flume`;
export const FLUME_URL = process.env['FLUME_URL'] ?? 'http://127.0.0.1:5140';
export const FLUME_OUTPUT_DIR = process.env['FLUME_OUTPUT_DIR'] ?? `${FLUME_STATE}/out/main`;
/** A source whose handler refuses requests holding an event with a `refuse` header, into a memory channel of transactionCapacity 20. */
export const FLUME_STRICT_URL = process.env['FLUME_STRICT_URL'] ?? 'http://127.0.0.1:5141';
export const FLUME_STRICT_OUTPUT_DIR = process.env['FLUME_STRICT_OUTPUT_DIR'] ?? `${FLUME_STATE}/out/strict`;
/** The HTTPS source (into the same channel and output as FLUME_URL) and the CA of its certificate. */
export const FLUME_TLS_URL = process.env['FLUME_TLS_URL'] ?? 'https://127.0.0.1:5142';
export const FLUME_TLS_CA = process.env['FLUME_TLS_CA'] ?? `${FLUME_STATE}/tls/ca.pem`;
/** HDFS (services/hdfs.sh, docker/hdfs.yml): WebHDFS on the NameNode; `sinkhub` writes, the superuser sets up. */
export const HDFS_URL = process.env['HDFS_URL'] ?? 'http://127.0.0.1:9870';
export const HDFS_USER = process.env['HDFS_USER'] ?? 'sinkhub';
/** The user that started the NameNode is its superuser (services/hdfs.sh: whoever runs the suites). */
export const HDFS_SUPERUSER = process.env['HDFS_SUPERUSER'] ?? (process.env['USER'] || 'root');
/** A second Kafka cluster (services/kafka-target.sh, docker/kafka-target.yml): the kafka connector's other cluster. */
export const KAFKA_TARGET_BROKERS = (process.env['KAFKA_TARGET_BROKERS'] ?? '127.0.0.1:9192').split(',');
/** HBase (services/hbase.sh, docker/hbase.yml): the REST gateway, and ZooKeeper for native RPC. */
export const HBASE_REST_URL = process.env['HBASE_REST_URL'] ?? 'http://127.0.0.1:8070';
export const HBASE_ZOOKEEPER = process.env['HBASE_ZOOKEEPER'] ?? '127.0.0.1:2181';
/** The HTTPS REST gateway (services/hbase-rest-tls.sh): its port is picked at start and written to a file. */
export const HBASE_REST_TLS_CA = process.env['HBASE_REST_TLS_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/hbase/tls/ca.pem`;
export function hbaseRestTlsUrl(): string {
  const state = process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname;
  if (process.env['HBASE_REST_TLS_URL']) return process.env['HBASE_REST_TLS_URL'];
  try {
    return `https://127.0.0.1:${readFileSync(`${state}/hbase-rest-tls.port`, 'utf8').trim()}`;
  } catch {
    throw new Error('the HTTPS HBase REST gateway is not running: start it with integration-tests/services/hbase-rest-tls.sh (or set HBASE_REST_TLS_URL)');
  }
}
/** RocketMQ 5 (services/rocketmq.sh, docker/rocketmq.yml): the proxy's gRPC port and the name server. */
export const ROCKETMQ_ENDPOINTS = process.env['ROCKETMQ_ENDPOINTS'] ?? '127.0.0.1:8081';
export const ROCKETMQ_NAMESRV = process.env['ROCKETMQ_NAMESRV'] ?? '127.0.0.1:9876';
/** Cassandra (services/cassandra.sh, docker/cassandra.yml): PasswordAuthenticator, superuser cassandra/cassandra. */
export const CASSANDRA_CONTACT_POINTS = (process.env['CASSANDRA_CONTACT_POINTS'] ?? '127.0.0.1:9042').split(',');
export const CASSANDRA_DATA_CENTER = process.env['CASSANDRA_DATA_CENTER'] ?? 'datacenter1';
export const CASSANDRA_USER = process.env['CASSANDRA_USER'] ?? 'cassandra';
export const CASSANDRA_PASSWORD = process.env['CASSANDRA_PASSWORD'] ?? 'cassandra';
/** The CA of the server's certificate (services/cassandra.sh: TLS is optional on the same port). */
export const CASSANDRA_TLS_CA = process.env['CASSANDRA_TLS_CA'] ?? `${process.env['SINKHUB_STATE'] ?? new URL('../../../.services', import.meta.url).pathname}/cassandra/tls/ca.pem`;
