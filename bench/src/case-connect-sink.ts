/**
 * Cases m-peer, q-peer, e-peer, i-peer, r-peer: the Kafka Connect peers of the sinkhub cases — a
 * standalone worker (connect-worker.ts) running a sink connector from Maven Central into the same
 * server the sinkhub case writes to, read back from that server until it holds all N records
 * (measured from the first read that sees records to the read that sees them all), then counted
 * exactly and cleaned up. `--sink` picks the system:
 *   mysql          Debezium's JDBC sink (insert mode) into the bench table; it needs
 *                  schema-carrying records, so it reads the data set's schema'd twin topic
 *                  (--topic is that topic).
 *   rabbitmq       Camel Kafka Connector's CamelSinkConnector with Camel's rabbitmq component,
 *                  publisher acknowledgements on, persistent messages, into a durable queue.
 *   elasticsearch  CamelSinkConnector with Camel's elasticsearch component, bulk requests of
 *                  1000 records gathered by Camel's aggregator.
 *   influxdb       CamelSinkConnector with Camel's influxdb component, one write per point.
 *   redis          CamelSinkConnector with Camel's spring-redis component, RPUSH per record.
 * Versions, and why these: integration-tests/services/kafka-connect-<system>/pom.xml.
 * Needs BENCH_CONNECT_LIB and BENCH_CONNECT_<SYSTEM>_LIB (bench/run.sh fetches them).
 */
import { Client } from '@elastic/elasticsearch';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { caseArgs, deadline, emitResult } from './case-report.js';
import { runConnectPeer, type ConnectPeer } from './connect-worker.js';
import { ELASTICSEARCH_URL, countAndDrop as countDocumentsAndDrop } from './elasticsearch-target.js';
import { INFLUX, countAndDrop as countPointsAndDrop, countPoints } from './influxdb-target.js';
import { MYSQL_URL, benchPool, countAndDrop as countRowsAndDrop, createBenchTable } from './mysql-table.js';
import { RABBITMQ, countAndDelete, createQueue, rabbitmqUrl } from './rabbitmq-target.js';

const args = caseArgs();
if (!args.dir) throw new Error('a connect peer case needs --dir');
// Some peers write one record per request: BENCH_PEER_TIMEOUT_S gives them longer than 10 min.
deadline(Number(process.env['BENCH_PEER_TIMEOUT_S'] ?? 600) * 1000, `kafka connect peer (${args.sink})`);
const dir = args.dir;
const safeName = args.group.replaceAll('-', '_');

/** One system's peer: the connector, how to count the target, how to check and clean it after. */
interface Peer {
  readonly pluginLib: string;
  readonly worker?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly connector: Record<string, string>;
  readonly pollMs: number;
  readonly count: () => Promise<number>;
  /** The exact count once the worker stopped; the target is dropped. */
  readonly finish: () => Promise<number>;
  readonly detail: Record<string, unknown>;
}

function pluginLib(system: string): string {
  const name = `BENCH_CONNECT_${system.toUpperCase()}_LIB`;
  const lib = process.env[name];
  if (!lib) throw new Error(`${name}: the ${system} connector plugin (bench/run.sh fetches it)`);
  return lib;
}

async function mysqlPeer(): Promise<Peer> {
  const table = `bench_peer_${safeName}`;
  const pool = benchPool();
  await createBenchTable(pool, table);
  const url = new URL(MYSQL_URL);
  return {
    pluginLib: pluginLib('mysql'),
    worker: { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'true' },
    connector: {
      'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
      topics: args.topic,
      'connection.url': `jdbc:mariadb://${url.host}${url.pathname}`,
      'connection.username': decodeURIComponent(url.username),
      'connection.password': decodeURIComponent(url.password),
      'table.name.format': table,
      // Its defaults, spelled out: plain INSERTs of the record's fields, no key, no DDL.
      'insert.mode': 'insert',
      'primary.key.mode': 'none',
      'schema.evolution': 'none',
    },
    pollMs: 250,
    count: async () => {
      const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number((rows as { n: number }[])[0]!.n);
    },
    finish: async () => {
      const stored = await countRowsAndDrop(pool, table);
      await pool.end();
      return stored;
    },
    detail: { table, connector: 'io.debezium:debezium-connector-jdbc:3.5.0.Final', insertMode: 'insert' },
  };
}

async function rabbitmqPeer(): Promise<Peer> {
  const queue = `bench-peer-${args.group}`;
  await createQueue(queue);
  const model = await amqp.connect(rabbitmqUrl());
  const channel = await model.createChannel();
  // Camel's producer needs a named exchange: amq.direct (built in) routes by the queue's name.
  await channel.bindQueue(queue, 'amq.direct', queue);
  const url = new URL(RABBITMQ.url);
  const options = new URLSearchParams({
    addresses: url.host,
    username: RABBITMQ.user,
    password: RABBITMQ.password,
    routingKey: queue,
    // The exchange and queue exist: declaring would also bind and check them on every start.
    declare: 'false',
    // The same guarantee as sinkhub's: a record counts as written when the broker confirmed it.
    publisherAcknowledgements: 'true',
    publisherAcknowledgementsTimeout: '30000',
  });
  return {
    pluginLib: pluginLib('rabbitmq'),
    connector: {
      'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
      topics: args.topic,
      'camel.sink.url': `rabbitmq:amq.direct?${options.toString()}`,
      // Persistent messages (delivery mode 2), as sinkhub sends by default: Kafka headers named
      // CamelHeader.* become Camel headers, and this one sets the message's delivery mode.
      transforms: 'persistent',
      'transforms.persistent.type': 'org.apache.kafka.connect.transforms.InsertHeader',
      'transforms.persistent.header': 'CamelHeader.CamelRabbitmqDeliveryMode',
      'transforms.persistent.value.literal': '2',
    },
    pollMs: 50,
    count: async () => (await channel.checkQueue(queue)).messageCount,
    finish: async () => {
      await model.close();
      return countAndDelete(queue);
    },
    detail: { queue, connector: 'org.apache.camel.kafkaconnector:camel-kafka-connector:0.11.0 + org.apache.camel:camel-rabbitmq:3.11.1' },
  };
}

async function elasticsearchPeer(): Promise<Peer> {
  const index = `bench-peer-${args.group}`;
  const client = new Client({ node: ELASTICSEARCH_URL });
  const options = new URLSearchParams({ hostAddresses: new URL(ELASTICSEARCH_URL).host, operation: 'Bulk', indexName: index });
  return {
    pluginLib: pluginLib('elasticsearch'),
    connector: {
      'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
      topics: args.topic,
      'camel.sink.url': `elasticsearch://bench?${options.toString()}`,
      // One index request per record otherwise: gather 1000 values (sinkhub's bulk size) into
      // one bulk request, or whatever arrived within 500 ms.
      'camel.beans.aggregate': '#class:org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy',
      'camel.aggregation.size': '1000',
      'camel.aggregation.timeout': '500',
      'camel.error.handler': 'no',
    },
    pollMs: 100,
    // Documents indexed so far, without a refresh (which would slow the indexing it watches).
    count: async () => {
      try {
        const stats = await client.indices.stats({ index, metric: 'indexing' });
        return stats._all.primaries?.indexing?.index_total ?? 0;
      } catch (error) {
        if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return 0;
        throw error;
      }
    },
    finish: async () => {
      const stored = await countDocumentsAndDrop(client, index);
      await client.close();
      return stored;
    },
    detail: { index, connector: 'org.apache.camel.kafkaconnector:camel-kafka-connector:0.11.0 + org.apache.camel:camel-elasticsearch:3.21.5 (Camel raised from 3.11.1)', bulk: 1000 },
  };
}

async function influxdbPeer(): Promise<Peer> {
  const measurement = `peer_${safeName}`;
  const quote = (v: string) => `'${v.replaceAll("'", "\\'")}'`;
  return {
    pluginLib: pluginLib('influxdb'),
    // Camel turns a Map into a point (a String it cannot): values as schemaless JSON maps.
    worker: { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false' },
    connector: {
      'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
      topics: args.topic,
      'camel.beans.influx': `#class:org.influxdb.InfluxDBFactory#connect(${[INFLUX.url, INFLUX.user, INFLUX.password].map(quote).join(', ')})`,
      'camel.sink.url': `influxdb:influx?databaseName=${encodeURIComponent(INFLUX.database)}&retentionPolicy=autogen`,
      // Camel's Map → Point converter takes the measurement from this key, the fields from the rest.
      transforms: 'measurement',
      'transforms.measurement.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.measurement.static.field': 'camelInfluxDB.MeasurementName',
      'transforms.measurement.static.value': measurement,
    },
    pollMs: 500,
    count: () => countPoints(measurement),
    finish: () => countPointsAndDrop(measurement),
    detail: { measurement, connector: 'org.apache.camel.kafkaconnector:camel-kafka-connector:0.11.0 + org.apache.camel:camel-influxdb:3.11.1' },
  };
}

async function redisPeer(): Promise<Peer> {
  const key = `bench:peer:${args.group}`;
  const url = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const redis = new Redis(url.toString());
  return {
    pluginLib: pluginLib('redis'),
    connector: {
      'connector.class': 'org.apache.camel.kafkaconnector.CamelSinkConnector',
      topics: args.topic,
      // Plain strings in Redis (the component's default serializer is Java serialization).
      'camel.sink.url': `spring-redis://${url.host}?command=RPUSH&serializer=%23class:org.springframework.data.redis.serializer.StringRedisSerializer`,
      // The component takes the key and the value from message headers, not from the body;
      // Kafka headers named CamelHeader.* become Camel headers.
      transforms: 'key,value',
      'transforms.key.type': 'org.apache.kafka.connect.transforms.InsertHeader',
      'transforms.key.header': 'CamelHeader.CamelRedis.Key',
      'transforms.key.value.literal': key,
      'transforms.value.type': 'org.apache.camel.kafkaconnector.transforms.FieldsToHeadersTransform$Value',
      'transforms.value.fields': '',
      'transforms.value.headers': 'CamelHeader.CamelRedis.Value',
    },
    pollMs: 50,
    count: () => redis.llen(key),
    finish: async () => {
      const stored = await redis.llen(key);
      // The values must be the records' JSON as they were, not serialised Java strings.
      const first = await redis.lindex(key, 0);
      if (!first?.startsWith('{"id":')) throw new Error(`the redis peer stored ${JSON.stringify(first?.slice(0, 40))}, not the record's JSON`);
      await redis.del(key);
      await redis.quit();
      return stored;
    },
    detail: { key, connector: 'org.apache.camel.kafkaconnector:camel-kafka-connector:0.11.0 + org.apache.camel:camel-spring-redis:3.11.0' },
  };
}

const PEERS: Record<string, () => Promise<Peer>> = { mysql: mysqlPeer, rabbitmq: rabbitmqPeer, elasticsearch: elasticsearchPeer, influxdb: influxdbPeer, redis: redisPeer };
const make = PEERS[args.sink ?? ''];
if (!make) throw new Error(`--sink ${Object.keys(PEERS).join('|')}`);
const peer = await make();
const run: ConnectPeer = {
  dir,
  broker: args.broker,
  name: args.group,
  pluginLib: peer.pluginLib,
  worker: peer.worker,
  env: peer.env,
  connector: peer.connector,
  progress: peer.count,
  target: args.records,
  pollMs: peer.pollMs,
};
const timing = await runConnectPeer(run);
const stored = await peer.finish();
if (stored !== args.records) throw new Error(`the ${args.sink} peer left ${stored} records in the target, expected ${args.records}`);
emitResult({
  records: stored,
  firstAtMs: timing.firstAt,
  measuredMs: timing.lastAt - timing.firstAt,
  stopMs: timing.stopMs,
  vmHwmKb: 0,
  detail: { ...peer.detail, stored, polls: timing.polls, pollMs: peer.pollMs },
});
process.exit(0);
