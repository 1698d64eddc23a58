/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by package and by function, and
 * total time (self plus callees) by function; idle time left out.
 * Usage: node bench/dist/src/profile-summary.js FILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly pct: number;
}

interface ProfileSummary {
  /** Sampled time that was not idle, ms. */
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: readonly SelfTime[];
  readonly packages: readonly SelfTime[];
  /** Time with the function anywhere on the stack (counted once per sample). */
  readonly totals: readonly SelfTime[];
}

const [file, top] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.js FILE.cpuprofile [TOP]');
const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 25));
const row = (t: SelfTime) => `| ${t.name.replace(/\|/g, '\\|')} | ${t.ms.toFixed(0)} | ${t.pct.toFixed(1)} |`;
process.stdout.write(
  [
    `busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s`,
    '',
    '| package | self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...s.packages.map(row),
    '',
    '| function | self ms | % of busy |',
    '| --- | ---: | ---: |',
    ...s.functions.map(row),
    '',
    '| function (total: self and callees) | total ms | % of busy |',
    '| --- | ---: | ---: |',
    ...s.totals.map(row),
  ].join('\n') + '\n',
);

function summarise(profile: Profile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const fnMs = new Map<string, number>();
  const totalMs = new Map<string, number>();
  const pkgMs = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attribute it to the sample it leads to.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    const name = frameName(frame);
    fnMs.set(name, (fnMs.get(name) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(frameName(byId.get(at)!.callFrame));
    for (const f of onStack) totalMs.set(f, (totalMs.get(f) ?? 0) + ms);
    const pkg = packageOf(frame);
    pkgMs.set(pkg, (pkgMs.get(pkg) ?? 0) + ms);
  });
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({ name, ms, pct: (100 * ms) / busyMs }));
  const roots = new Set(['(root)', '(program)', '(garbage collector)']);
  for (const r of roots) totalMs.delete(r);
  return { busyMs, idleMs, functions: rank(fnMs, top), packages: rank(pkgMs, 20), totals: rank(totalMs, top) };
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`.trim();
}

/** Which package a frame belongs to: a node_modules package, sinkhub core, node itself or V8. */
function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.includes('/core/dist/')) return '@sinkhub/core';
  if (url.includes('/bench/dist/')) return '@sinkhub/bench';
  if (url.startsWith('node:')) return 'node';
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const core = url.indexOf('/core/dist/');
  if (core >= 0) return `core/${url.slice(core + '/core/dist/'.length)}`;
  return url.replace(/^file:\/\//, '');
}

