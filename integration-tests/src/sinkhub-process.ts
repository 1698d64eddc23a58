/** A `sinkhub run` child process, as a user or a supervisor would start, kill and restart it. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../core/dist/src/cli.js', import.meta.url));

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Children still running; killed when this process exits, so no failed run leaves one behind. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class SinkhubProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  stdout = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  private constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        this.stderr.push(line);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          // not a log line (a crash trace, a config error): kept in `stderr`
        }
      }
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    live.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        live.delete(this.child);
        resolve(code);
      }),
    );
  }

  /** Writes `yaml` to a temp file and runs it. */
  static run(yaml: string, env: NodeJS.ProcessEnv = {}): SinkhubProcess {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-test-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, yaml);
    return SinkhubProcess.runFile(file, env);
  }

  static runFile(file: string, env: NodeJS.ProcessEnv = {}): SinkhubProcess {
    return new SinkhubProcess(['run', file, '--shutdown-timeout', '20000'], env);
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits for a log line matching `predicate`; fails with the recent log when it never comes. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${this.stderr.slice(-15).join('\n')}`);
      if (this.child.exitCode !== null) throw new Error(`sinkhub exited (${this.child.exitCode}) before the log line; last lines:\n${this.stderr.slice(-15).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for exit; SIGKILLs and fails when it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs = 30_000): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs `yaml` until `done`, then stops it gracefully and expects exit 0. If `done` never comes,
 * the process is killed and the error carries its last log lines.
 */
export async function runUntil(yaml: string, done: () => boolean | Promise<boolean>, what: string, timeoutMs = 45_000): Promise<SinkhubProcess> {
  const proc = SinkhubProcess.run(yaml);
  try {
    await eventually(done, timeoutMs, what);
  } catch (error) {
    proc.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; last log lines:\n${proc.stderr.slice(-10).join('\n')}`);
  }
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return proc;
}

/**
 * Runs `yaml` and checks the start fails as a user needs it to: exit 1 within 20 s (never a
 * hang), the `could not start` error matching `expected` (the server named), and none of
 * `secrets` anywhere in the logs.
 */
export async function expectStartFailure(yaml: string, expected: RegExp, secrets: readonly string[] = []): Promise<void> {
  const started = Date.now();
  const proc = SinkhubProcess.run(yaml);
  assert.equal(await proc.waitForExit(30_000), 1);
  assert.ok(Date.now() - started < 20_000, `no hang (${Date.now() - started} ms)`);
  assert.match(String(proc.logs.find((l) => l.msg === 'could not start')?.['err']), expected);
  for (const secret of secrets) assert.ok(!proc.stderr.some((l) => l.includes(secret)), 'no secret in the logs');
}

/** Writes `yaml` to a pipeline file and runs `sinkhub validate` on it, as a user would. */
export function validateYaml(yaml: string): { file: string; status: number | null; stderr: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'sinkhub-validate-')), 'pipeline.yaml');
  writeFileSync(file, yaml);
  const result = spawnSync(process.execPath, [CLI, 'validate', file], { encoding: 'utf8' });
  return { file, status: result.status, stderr: result.stderr };
}
