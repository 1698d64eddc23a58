/**
 * Cases (c) and (d): a sinkhub pipeline run through the library API, from a fresh group.
 * Values are decoded as JSON (the default `format`) unless `--format bytes` (case c-bytes).
 *   --sink null   (c) into the `null` connector, at-least-once, until it counted N records;
 *   --sink file   (d) into the built-in `file` sink under --dir, exactly-once, until the
 *                 pipeline handled N records; the graceful stop then publishes the rest;
 *   --sink <connector>: into that connector's server (see pipeline-targets.ts for each one's
 *                 options and guarantee), until the pipeline handled N records; then the
 *                 target is read back and must hold every record.
 */
import { Hub } from '@sinkhub/core';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { WriteCounter } from './null-sink.js';
import { SINKS, pipelineTarget, type SinkName } from './pipeline-targets.js';

const args = caseArgs();
const sink = args.sink as SinkName;
if (!SINKS.includes(sink)) throw new Error(`--sink ${SINKS.join('|')}`);
const counter = new WriteCounter();
const target = pipelineTarget(sink, args, counter);
const sinkOptions = await target.prepare();
deadline(600_000, `pipeline case (${sink})`);
/** The target's batching, with `BENCH_MAX_RECORDS` (trying other batch sizes) over it. */
const maxRecords = process.env['BENCH_MAX_RECORDS'];
const batching = maxRecords ? { ...target.batching, max_records: Number(maxRecords), max_bytes: 64 * 1024 * 1024 } : target.batching;

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
        sink: sinkOptions,
        ...(batching && { batching }),
        delivery: target.delivery,
      },
    ],
  },
  target.connector ? [target.connector] : [],
);

const hub = await Hub.start(file, { registry });
const pipeline = hub.pipelines[0]!;
let firstAt: number;
let lastAt: number;
let handledAtFirst = 0;
if (sink === 'null') {
  await counter.reached(args.records);
  firstAt = counter.firstAt;
  lastAt = counter.reachedAt;
} else {
  // The file sink is the built-in one, unwrapped: watch the pipeline's handled count instead.
  ({ firstAt, lastAt, handledAtFirst } = await handledReached(args.records));
}
const stopping = performance.now();
await hub.stop();
await hub.done;
const stopMs = performance.now() - stopping;
if (target.publishedByStop) lastAt = performance.now();
const detail = await target.readBack();
emitResult({
  records: sink === 'null' ? counter.records : pipeline.handled,
  firstAtMs: firstAt,
  measuredMs: lastAt - firstAt,
  // Seen once written: the first batch is before `firstAt`, outside the measured interval.
  ...(sink !== 'null' && { measuredRecords: args.records - handledAtFirst }),
  stopMs,
  vmHwmKb: peakRssKb(),
  detail,
});
process.exit(0);

/** Polls `pipeline.handled` every 2 ms: when the first records and the N-th were written, and how many the first were. */
function handledReached(target: number): Promise<{ firstAt: number; lastAt: number; handledAtFirst: number }> {
  return new Promise((resolve) => {
    let first = 0;
    let atFirst = 0;
    const timer = setInterval(() => {
      if (first === 0 && pipeline.handled > 0) {
        first = performance.now();
        atFirst = pipeline.handled;
      }
      if (pipeline.handled >= target) {
        clearInterval(timer);
        resolve({ firstAt: first, lastAt: performance.now(), handledAtFirst: atFirst });
      }
    }, 2);
  });
}
