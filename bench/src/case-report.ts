/**
 * How a case process tells the orchestrator what it measured: one marker line on standard
 * output. Times are `performance.now()` readings, i.e. milliseconds since the process started.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const RESULT_MARKER = 'BENCH_RESULT ';

export interface CaseTiming {
  /** Records seen by the case's own code (consumed, or written by the sink). */
  readonly records: number;
  /** Process start to the first record reaching the case's code: startup and group join. */
  readonly firstAtMs: number;
  /** First record to the N-th: the measured interval. */
  readonly measuredMs: number;
  /**
   * Records written within the measured interval, when the case can only see the first records
   * once their batch was written (that batch is then outside the interval): the rate is these
   * over `measuredMs`. Omitted: all N.
   */
  readonly measuredRecords?: number;
  /** N-th record to a graceful stop (commit, publish, leave the group). */
  readonly stopMs: number;
  /** Peak resident set of this process (VmHWM), kB. */
  readonly vmHwmKb: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export function emitResult(timing: CaseTiming): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(timing)}\n`);
}

export function parseResult(stdout: string): CaseTiming | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  return line ? (JSON.parse(line.slice(RESULT_MARKER.length)) as CaseTiming) : undefined;
}

/** Peak resident set size of this process in kB, from /proc/self/status (0 off Linux). */
export function peakRssKb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface CaseArgs {
  readonly broker: string;
  readonly topic: string;
  readonly records: number;
  readonly group: string;
  /** How values are decoded: `json` or `bytes` (left as they are); each case has its default. */
  readonly format: 'json' | 'bytes' | undefined;
  /** Which sink a pipeline case writes to. */
  readonly sink: string | undefined;
  /** Output directory (file sink only). */
  readonly dir: string | undefined;
}

/** `--broker --topic --records --group [--format] [--sink] [--dir]`, the same for every case process. */
export function caseArgs(argv: readonly string[] = process.argv.slice(2)): CaseArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      broker: { type: 'string', default: '127.0.0.1:9092' },
      topic: { type: 'string' },
      records: { type: 'string' },
      group: { type: 'string' },
      format: { type: 'string' },
      sink: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  if (!values.topic || !values.records) throw new Error('usage: --topic T --records N [--broker H:P] [--group G] [--format json|bytes] [--sink S] [--dir D]');
  return {
    broker: values.broker,
    topic: values.topic,
    records: Number(values.records),
    group: values.group ?? `bench-${process.pid}-${Date.now()}`,
    format: values.format === undefined ? undefined : formatOf(values.format),
    sink: values.sink,
    dir: values.dir,
  };
}

/** Fails the process if the case has not finished in time (a stuck consumer must not hang the run). */
export function deadline(ms: number, what: string): NodeJS.Timeout {
  const timer = setTimeout(() => {
    process.stderr.write(`${what}: not done after ${ms / 1000} s\n`);
    process.exit(2);
  }, ms);
  timer.unref();
  return timer;
}

function formatOf(format: string): 'json' | 'bytes' {
  if (format !== 'json' && format !== 'bytes') throw new Error(`--format json|bytes, not ${format}`);
  return format;
}

/** The part of a KafkaJS-style consumer (kafkajs, or confluent's KafkaJS API) the cases use. */
export interface BatchConsumer {
  run(options: { eachBatch(payload: { batch: { messages: readonly { value: Buffer | null }[] } }): Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Consumes until `target` records arrived, calling `onBatch` on each batch, then disconnects
 * and reports the timing: from the first record to the N-th, and the stop.
 */
export async function consumeAndReport(
  consumer: BatchConsumer,
  target: number,
  onBatch: (messages: readonly { value: Buffer | null }[]) => void,
  detail: () => Record<string, unknown>,
): Promise<never> {
  let count = 0;
  let batches = 0;
  let firstAt = 0;
  let lastAt = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (count === 0) firstAt = performance.now();
        batches++;
        onBatch(batch.messages);
        count += batch.messages.length;
        if (count >= target && lastAt === 0) {
          lastAt = performance.now();
          resolve();
        }
      },
    });
  });
  const stopping = performance.now();
  await consumer.disconnect();
  emitResult({ records: count, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: performance.now() - stopping, vmHwmKb: peakRssKb(), detail: { batches, ...detail() } });
  process.exit(0);
}
