/**
 * Case r-raw: Redis's bulk ceiling on this machine, no Kafka. The data set's values are RPUSHed
 * straight from memory with ioredis, in pipelines of the connector's default batch (2000),
 * one after another as the sink does.
 */
import { Redis } from 'ioredis';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';

const BATCH = 2000;
const args = caseArgs();
deadline(600_000, 'redis raw case');
const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const key = `bench:raw:${args.group}`;
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const values = Array.from({ length: args.records }, (_, i) => recordValue(i, bytes));

const firstAt = performance.now();
for (let i = 0; i < values.length; i += BATCH) {
  const pipeline = redis.pipeline();
  for (const value of values.slice(i, i + BATCH)) pipeline.rpush(key, value);
  await pipeline.exec();
}
const lastAt = performance.now();
const stored = await redis.llen(key);
await redis.del(key);
await redis.quit();
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { batch: BATCH } });
