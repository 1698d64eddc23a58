/**
 * Reading Flume back in the suites: the agent's file_roll sinks (services/flume.sh) write each
 * event as a `{k=v, k2=v2} body` line (the header_and_text serializer), one file per agent run.
 * An output follows its directory, reading only what was appended since the last look.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FLUME_URL, hostPort } from './env.js';

export const flumeServer = { name: 'Flume', address: hostPort(FLUME_URL), service: 'flume' };

export interface FlumeLine {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Files untouched since before this process started belong to earlier runs: not read. */
const STARTED = Date.now() - 5000;

export class FlumeOutput {
  private readonly read = new Map<string, number>();
  private readonly byTopic = new Map<string, FlumeLine[]>();

  constructor(readonly dir: string) {}

  /** Events that carry `topic` as their `topic` header, in the order written (replays included). */
  async events(topic: string): Promise<FlumeLine[]> {
    await this.refresh();
    return this.byTopic.get(topic) ?? [];
  }

  /** The JSON bodies' `id`s of `topic`'s events, one per event written. */
  async ids(topic: string): Promise<number[]> {
    return (await this.events(topic)).map((e) => Number((JSON.parse(e.body) as { id: number }).id));
  }

  /** Every byte the sink wrote in this run's files (for bodies that are not UTF-8). */
  async bytes(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (const file of await this.files()) {
      const handle = await open(file);
      try {
        parts.push(await handle.readFile());
      } finally {
        await handle.close();
      }
    }
    return Buffer.concat(parts);
  }

  private async files(): Promise<string[]> {
    const names = (await readdir(this.dir)).sort();
    const files: string[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if ((await stat(path)).mtimeMs >= STARTED || this.read.has(path)) files.push(path);
    }
    return files;
  }

  private async refresh(): Promise<void> {
    for (const file of await this.files()) {
      const from = this.read.get(file) ?? 0;
      const size = (await stat(file)).size;
      if (size <= from) continue;
      const handle = await open(file);
      let chunk: Buffer;
      try {
        chunk = Buffer.alloc(size - from);
        await handle.read(chunk, 0, chunk.length, from);
      } finally {
        await handle.close();
      }
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) continue;
      this.read.set(file, from + end + 1);
      for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
        const event = parseLine(line);
        const topic = event?.headers['topic'];
        if (!event || topic === undefined) continue;
        const list = this.byTopic.get(topic);
        if (list) list.push(event);
        else this.byTopic.set(topic, [event]);
      }
    }
  }
}

/** `{a=1, b=2} body` → headers and body (header values in the suites hold no `, ` or `}`). */
export function parseLine(line: string): FlumeLine | undefined {
  if (!line.startsWith('{')) return undefined;
  const end = line.indexOf('} ');
  if (end < 0) return undefined;
  const headers: Record<string, string> = {};
  const inner = line.slice(1, end);
  if (inner !== '') {
    for (const pair of inner.split(', ')) {
      const eq = pair.indexOf('=');
      headers[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { headers, body: line.slice(end + 2) };
}
