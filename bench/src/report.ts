/** The benchmark's result: its JSON shape, the ratios between cases, and the Markdown table. */
import type { Dataset } from './dataset.js';
import type { MachineSample } from './measure.js';
import type { BenchParams, CaseId } from './params.js';

export interface CaseResult {
  readonly id: CaseId;
  readonly title: string;
  /** The command the case process ran (under `/usr/bin/time -v`). */
  readonly command: readonly string[];
  readonly records: number;
  /** First record to the N-th, ms. */
  readonly measuredMs: number;
  readonly recordsPerSec: number;
  /** Value bytes per second, in MB (10^6 bytes). */
  readonly mbPerSec: number;
  /** Process start to exit, ms: startup, group join, the measured interval and the stop. */
  readonly wallMs: number;
  /** Process start to the first record, ms. */
  readonly firstAtMs: number;
  /** N-th record to a stopped process, ms (null for kcat, which just exits). */
  readonly stopMs: number | null;
  readonly peakRssKb: number;
  readonly cpuUserS: number;
  readonly cpuSysS: number;
  readonly machine: MachineSample;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface Ratio {
  readonly name: string;
  readonly value: number;
  readonly meaning: string;
}

export interface BenchResult {
  readonly startedAt: string;
  readonly params: BenchParams;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly dataset: Dataset;
  readonly cases: readonly CaseResult[];
  readonly ratios: readonly Ratio[];
  readonly skipped: readonly { id: CaseId; reason: string }[];
}

const RATIOS: readonly [CaseId, CaseId, string][] = [
  ['c', 'b', 'sinkhub (null sink) against a plain kafkajs consumer: the core’s overhead; target ≥ 0.85'],
  ['c', 'b-json', 'the same, with JSON decoding on both sides: the core’s own overhead'],
  ['c-bytes', 'b', 'the same, with decoding on neither side'],
  ['b', 'a', 'kafkajs against librdkafka (kcat): the client’s cost'],
  ['d', 'b', 'sinkhub into files, exactly-once, against a plain kafkajs consumer'],
  ['d', 'c', 'the file sink against the null sink: the cost of writing, fsync and publishing'],
  ['b2', 'b', '@confluentinc/kafka-javascript against kafkajs'],
  ['b2', 'a', '@confluentinc/kafka-javascript against kcat'],
  ['r', 'r-raw', 'sinkhub → Redis (RPUSH, exactly-once) against RPUSH pipelines driven directly, no Kafka'],
  ['r', 'b-json', 'sinkhub → Redis against consuming and decoding alone'],
  ['d-value', 'k', 'sinkhub → file, values only (exactly-once) against Kafka Connect’s FileStreamSink (at-least-once): the peer, same output'],
  ['d', 'k', 'sinkhub → file with record metadata on each line against Kafka Connect’s FileStreamSink'],
  ['m', 'm-raw', 'sinkhub → MySQL (insert, exactly-once) against multi-row INSERTs driven directly, no Kafka'],
  ['m', 'b-json', 'sinkhub → MySQL against consuming and decoding alone'],
  ['i', 'i-raw', 'sinkhub → InfluxDB (v1, exactly-once by idempotence) against line-protocol writes driven directly, no Kafka'],
  ['i', 'b-json', 'sinkhub → InfluxDB against consuming and decoding alone'],
  ['e', 'e-raw', 'sinkhub → Elasticsearch (offset ids, exactly-once) against bulk requests driven directly, no Kafka'],
  ['e', 'b-json', 'sinkhub → Elasticsearch against consuming and decoding alone'],
  ['q', 'q-raw', 'sinkhub → RabbitMQ (publisher confirms, at-least-once) against confirmed publishing driven directly, no Kafka'],
  ['q', 'b-json', 'sinkhub → RabbitMQ against consuming and decoding alone'],
  ['m', 'm-peer', 'sinkhub → MySQL (exactly-once) against Kafka Connect with Debezium’s JDBC sink (insert, at-least-once)'],
  ['q', 'q-peer', 'sinkhub → RabbitMQ against Kafka Connect with Camel’s rabbitmq component (both at-least-once, confirmed)'],
  ['e', 'e-peer', 'sinkhub → Elasticsearch (exactly-once by offset ids) against Kafka Connect with Camel’s elasticsearch component (auto ids, aggregated bulks)'],
  ['i', 'i-peer', 'sinkhub → InfluxDB against Kafka Connect with Camel’s influxdb component (a write per point)'],
  ['r', 'r-peer', 'sinkhub → Redis (exactly-once) against Kafka Connect with Camel’s spring-redis component (at-least-once)'],
  ['x', 'x-raw', 'sinkhub → Kafka (transactions, exactly-once) against kcat producing the same records, no consuming'],
  ['x', 'x-mm2', 'sinkhub → Kafka (exactly-once) against MirrorMaker 2 (at-least-once), both consuming and producing'],
  ['x', 'b-json', 'sinkhub → Kafka against consuming and decoding alone'],
  ['f', 'f-raw', 'sinkhub → Flume (at-least-once) against the same requests driven directly, no Kafka'],
  ['h', 'h-raw', 'sinkhub → HDFS (exactly-once, two-phase) against CREATE + RENAME of the same bytes, no Kafka'],
  ['hb', 'hb-raw', 'sinkhub → HBase REST (exactly-once by cell timestamps) against multi-row puts driven directly, no Kafka'],
  ['rq', 'rq-raw', 'sinkhub → RocketMQ (at-least-once) against the client sending directly, no Kafka'],
  ['rq-tx', 'rq-raw', 'sinkhub → RocketMQ with transactional messages (exactly-once) against the client sending directly'],
  ['cs', 'cs-raw', 'sinkhub → Cassandra (exactly-once by idempotence) against prepared INSERTs driven directly, no Kafka'],
  ['cs', 'b-json', 'sinkhub → Cassandra against consuming and decoding alone'],
];

export function ratios(cases: readonly CaseResult[]): Ratio[] {
  const rate = new Map(cases.map((c) => [c.id, c.recordsPerSec]));
  const out: Ratio[] = [];
  for (const [top, bottom, meaning] of RATIOS) {
    const t = rate.get(top);
    const b = rate.get(bottom);
    if (t !== undefined && b !== undefined && b > 0) out.push({ name: `${top}/${bottom}`, value: t / b, meaning });
  }
  return out;
}

export function markdown(result: BenchResult): string {
  const { dataset } = result;
  const lines = [
    `${dataset.records.toLocaleString('en-US')} records, ${(dataset.valueBytes / 1e6).toFixed(1)} MB of values, ` +
      `${dataset.partitions} partitions, topic \`${dataset.topic}\`` +
      (dataset.produceMs === null ? ' (reused)' : ` (produced in ${(dataset.produceMs / 1000).toFixed(1)} s)`),
    '',
    '| case | records/s | MB/s | measured s | wall s | to 1st record s | stop s | peak RSS MB | CPU s | case CPU % | broker CPU % | machine busy % |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of result.cases) {
    lines.push(
      `| ${c.id} ${c.title} | ${Math.round(c.recordsPerSec).toLocaleString('en-US')} | ${c.mbPerSec.toFixed(1)} | ${s(c.measuredMs)} | ${s(c.wallMs)} | ` +
        `${s(c.firstAtMs)} | ${c.stopMs === null ? '–' : s(c.stopMs)} | ${(c.peakRssKb / 1024).toFixed(0)} | ` +
        `${(c.cpuUserS + c.cpuSysS).toFixed(1)} | ${pct(c.machine.caseCpuPct)} | ${pct(c.machine.brokerCpuPct)} | ${pct(c.machine.busyPct)} |`,
    );
  }
  if (result.ratios.length > 0) {
    lines.push('', '| ratio (records/s) | value | what it says |', '| --- | ---: | --- |');
    for (const r of result.ratios) lines.push(`| ${r.name} | ${r.value.toFixed(2)} | ${r.meaning} |`);
  }
  for (const skip of result.skipped) lines.push('', `Case ${skip.id} skipped: ${skip.reason}`);
  return lines.join('\n');
}

function pct(value: number | null): string {
  return value === null ? '–' : value.toFixed(0);
}

function s(ms: number): string {
  return (ms / 1000).toFixed(2);
}
