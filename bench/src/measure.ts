/**
 * Runs one case in a fresh process under `/usr/bin/time -v` (peak RSS, CPU time) and samples
 * what the machine did meanwhile: the CPU of the case, of the broker and of all cores.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseResult, type CaseTiming } from './case-report.js';

/** What `/usr/bin/time -v` says about the process it ran. */
export interface ProcessUsage {
  readonly peakRssKb: number;
  readonly userS: number;
  readonly sysS: number;
}

/** What happened on the machine while a case ran, sampled every 50 ms from /proc. */
export interface MachineSample {
  readonly load1Before: number;
  /** Over the measured interval: busy share of all cores (100 = every core busy). */
  readonly busyPct: number;
  /** Over the measured interval: CPU of the case process, 100 = one core. */
  readonly caseCpuPct: number | null;
  /** Over the measured interval: CPU of the broker process, 100 = one core (null: PID unknown). */
  readonly brokerCpuPct: number | null;
  /** CPU seconds of the broker over the whole run of the case (null: PID unknown). */
  readonly brokerCpuS: number | null;
}

export interface Run {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  readonly usage: ProcessUsage | undefined;
  /** What the machine did between `firstAtMs` and `firstAtMs + measuredMs` after the spawn. */
  readonly window: (firstAtMs: number, measuredMs: number) => MachineSample;
}

export interface ChunkTiming {
  /** Bytes read from the child's standard output. */
  readonly bytes: number;
  /** Milliseconds after spawn of the first and of the last chunk of standard output. */
  readonly firstAtMs: number;
  readonly lastAtMs: number;
}

/**
 * Runs `command` under `/usr/bin/time -v`. With `countStdout`, standard output is only counted
 * and timed (for kcat, whose output is one byte per record), not kept.
 */
export async function runMeasured(
  command: readonly string[],
  options: { brokerPid?: number | undefined; countStdout?: boolean } = {},
): Promise<Run & { chunks: ChunkTiming }> {
  const load1Before = loadavg()[0]!;
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const samples: Sample[] = [];
  const sample = () => samples.push(takeSample(performance.now() - started, options.brokerPid, child.pid));
  sample();
  const sampler = setInterval(sample, 50);
  let stdout = '';
  let stderr = '';
  let bytes = 0;
  let firstAt = 0;
  let lastAt = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const now = performance.now() - started;
    if (bytes === 0) firstAt = now;
    lastAt = now;
    bytes += chunk.length;
    if (!options.countStdout) stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  clearInterval(sampler);
  sample();
  const wallMs = performance.now() - started;
  const whole = between(samples, 0, wallMs);
  return {
    exitCode,
    stdout,
    stderr,
    wallMs,
    usage: parseTimeOutput(stderr),
    chunks: { bytes, firstAtMs: firstAt, lastAtMs: lastAt },
    window: (firstAtMs, measuredMs) => {
      const w = between(samples, firstAtMs, firstAtMs + measuredMs);
      return { load1Before, busyPct: w.busyPct, caseCpuPct: w.casePct, brokerCpuPct: w.brokerPct, brokerCpuS: whole.brokerS };
    },
  };
}

/** The case's own timing line, or an error carrying its output when it failed. */
export function caseTiming(run: Run, what: string): CaseTiming {
  const timing = parseResult(run.stdout);
  if (run.exitCode !== 0 || !timing) {
    throw new Error(`${what} failed (exit ${run.exitCode}):\n${(run.stdout + run.stderr).split('\n').slice(-40).join('\n')}`);
  }
  return timing;
}

export function parseTimeOutput(stderr: string): ProcessUsage | undefined {
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  if (!rss || !user || !sys) return undefined;
  return { peakRssKb: Number(rss[1]), userS: Number(user[1]), sysS: Number(sys[1]) };
}

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every mainstream Linux. */
const CLOCK_TICKS = 100;

interface Sample {
  /** ms since spawn */
  readonly at: number;
  readonly busy: number;
  readonly total: number;
  readonly broker: number | undefined;
  /** CPU ticks of the case process (the child of /usr/bin/time). */
  readonly case: number | undefined;
}

function takeSample(at: number, brokerPid: number | undefined, timePid: number | undefined): Sample {
  const machine = machineTicks();
  return { at, busy: machine?.busy ?? 0, total: machine?.total ?? 0, broker: processTicks(brokerPid), case: processTicks(childOf(timePid)) };
}

/** Rates between the last sample at or before `from` and the first at or after `to`. */
function between(samples: readonly Sample[], from: number, to: number): { busyPct: number; casePct: number | null; brokerPct: number | null; brokerS: number | null } {
  const first = samples.filter((s) => s.at <= from).at(-1) ?? samples[0]!;
  const last = samples.find((s) => s.at >= to) ?? samples.at(-1)!;
  const seconds = Math.max(0.001, (last.at - first.at) / 1000);
  const pct = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? (100 * (b - a)) / CLOCK_TICKS / seconds : null);
  // The case process is gone at the last sample: take the last one that saw it.
  const lastCase = [...samples].reverse().find((s) => s.case !== undefined && s.at <= last.at);
  const firstCase = samples.find((s) => s.case !== undefined && s.at >= first.at);
  const caseSeconds = firstCase && lastCase ? Math.max(0.001, (lastCase.at - firstCase.at) / 1000) : 0;
  return {
    busyPct: (100 * (last.busy - first.busy)) / Math.max(1, last.total - first.total),
    casePct: firstCase && lastCase && caseSeconds > 0 ? (100 * (lastCase.case! - firstCase.case!)) / CLOCK_TICKS / caseSeconds : null,
    brokerPct: pct(first.broker, last.broker),
    brokerS: first.broker !== undefined && last.broker !== undefined ? (last.broker - first.broker) / CLOCK_TICKS : null,
  };
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

function childOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : undefined;
  } catch {
    return undefined;
  }
}

function processTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
