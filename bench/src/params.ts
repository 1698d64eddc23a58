/**
 * The benchmark's parameters, all from the environment so that `npm run bench` needs no
 * arguments: the size of the data set, the broker, and which cases run.
 */
/**
 * a kcat, b kafkajs, b2 @confluentinc/kafka-javascript, c sinkhub → null, d sinkhub → file,
 * r-raw ioredis pipelining into Redis without Kafka, r sinkhub → Redis,
 * m-raw mysql2 multi-row INSERTs without Kafka, m sinkhub → MySQL,
 * d-value sinkhub → file writing values only, k Kafka Connect's FileStreamSink (its peer),
 * i-raw InfluxDB v1 writes without Kafka, i sinkhub → InfluxDB,
 * e-raw Elasticsearch bulk requests without Kafka, e sinkhub → Elasticsearch,
 * f-raw Flume HTTP source requests without Kafka, f sinkhub → Flume,
 * h-raw WebHDFS CREATE + RENAME without Kafka, h sinkhub → HDFS,
 * hb-raw HBase REST multi-row puts without Kafka, hb sinkhub → HBase (REST),
 * q-raw amqplib publishing with confirms into RabbitMQ without Kafka, q sinkhub → RabbitMQ,
 * rq-raw rocketmq-client-nodejs sends without Kafka, rq sinkhub → RocketMQ (at-least-once),
 * rq-tx sinkhub → RocketMQ with transactional messages (exactly-once),
 * cs-raw cassandra-driver prepared INSERTs without Kafka, cs sinkhub → Cassandra,
 * x-raw kcat -P producing the data set again without consuming, x sinkhub → Kafka (same
 * cluster, exactly-once), x-mm2 MirrorMaker 2 copying the topic (its peer),
 * m-peer, q-peer, e-peer, i-peer, r-peer: Kafka Connect sink connectors into the same servers;
 * b-json and c-bytes are diagnostics that put the JSON decoding on both sides or neither.
 */
export const CASE_IDS = ['a', 'b', 'b-json', 'b2', 'c', 'c-bytes', 'd', 'r-raw', 'r', 'm-raw', 'm', 'd-value', 'k', 'i-raw', 'i', 'e-raw', 'e', 'f-raw', 'f', 'h-raw', 'h', 'q-raw', 'q', 'm-peer', 'q-peer', 'e-peer', 'i-peer', 'r-peer', 'x-raw', 'x', 'x-mm2', 'hb-raw', 'hb', 'rq-raw', 'rq', 'rq-tx', 'cs-raw', 'cs'] as const;
export type CaseId = (typeof CASE_IDS)[number];

export interface BenchParams {
  /** Records in the data set (BENCH_RECORDS). */
  readonly records: number;
  /** Bytes of each record value, JSON (BENCH_RECORD_BYTES). */
  readonly recordBytes: number;
  /** Partitions of the topic (BENCH_PARTITIONS). */
  readonly partitions: number;
  /** Bootstrap broker (KAFKA_BROKERS, first entry). */
  readonly broker: string;
  /** Cases to run, in order (BENCH_CASES, comma separated; default every available case). */
  readonly cases: readonly CaseId[];
  /** Reuse this topic instead of producing a new one (BENCH_TOPIC); it must hold `records`. */
  readonly topic: string | undefined;
  /** Keep the produced topic after the run (BENCH_KEEP_TOPIC=1), e.g. to profile a case on it. */
  readonly keepTopic: boolean;
}

export function paramsFromEnv(env: NodeJS.ProcessEnv = process.env): BenchParams {
  const cases = (env['BENCH_CASES'] ?? CASE_IDS.join(',')).split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of cases) if (!(CASE_IDS as readonly string[]).includes(c)) throw new Error(`BENCH_CASES: unknown case "${c}" (cases: ${CASE_IDS.join(', ')})`);
  return {
    records: positiveInt(env, 'BENCH_RECORDS', 1_000_000),
    recordBytes: positiveInt(env, 'BENCH_RECORD_BYTES', 200),
    partitions: positiveInt(env, 'BENCH_PARTITIONS', 4),
    broker: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',')[0]!,
    cases: cases as CaseId[],
    topic: env['BENCH_TOPIC'] || undefined,
    keepTopic: env['BENCH_KEEP_TOPIC'] === '1',
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}
