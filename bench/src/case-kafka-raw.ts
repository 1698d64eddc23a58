/**
 * Case x-raw: producing into Kafka at this machine's ceiling, no consuming: the data set's
 * records (same keys, values and partitions) written into a new topic by one `kcat -P` per
 * partition (librdkafka, the fastest producer here), acks from all in-sync replicas and
 * idempotence on, no transactions. Timed from the start of the producers to their exit (kcat
 * exits once every message is acknowledged); then the topic must hold exactly N records.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { createTopic, deleteTopic, recordValue, topicCounts } from './dataset.js';

const args = caseArgs();
deadline(600_000, 'kafka raw case');
const partitions = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const target = `${args.topic}-raw-${args.group}`;
await createTopic(args.broker, target, partitions);
// The input is prepared before the clock starts, as the other raw cases hold theirs in memory.
const inputs = Array.from({ length: partitions }, (_, p) => {
  const lines: string[] = [];
  for (let i = p; i < args.records; i += partitions) lines.push(`${i}\t${recordValue(i, bytes)}\n`);
  return lines.join('');
});

const firstAt = performance.now();
await Promise.all(
  inputs.map(async (input, p) => {
    const kcat = spawn(
      'kcat',
      ['-P', '-b', args.broker, '-t', target, '-p', String(p), '-K', '\t', '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-X', 'queue.buffering.max.messages=1000000'],
      { stdio: ['pipe', 'inherit', 'inherit'] },
    );
    const exited = once(kcat, 'exit') as Promise<[number | null]>;
    kcat.stdin.end(input);
    const [code] = await exited;
    if (code !== 0) throw new Error(`kcat -P for partition ${p} exited with ${code}`);
  }),
);
const lastAt = performance.now();
const stored = (await topicCounts(args.broker, target)).reduce((a, b) => a + b, 0);
await deleteTopic(args.broker, target);
if (stored !== args.records) throw new Error(`the topic holds ${stored} records, expected ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { producers: partitions, stored } });
process.exit(0);
