/**
 * The benchmark's Flume agent (services/flume.sh): its bench source (JSONHandler → a file channel
 * of its own → file_roll), and counting the events of a topic back from that sink's output.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FLUME_BENCH_URL = process.env['FLUME_BENCH_URL'] ?? 'http://127.0.0.1:5143';
const STATE = process.env['SINKHUB_STATE'] ?? fileURLToPath(new URL('../../../.services', import.meta.url));
export const FLUME_BENCH_OUTPUT = process.env['FLUME_BENCH_OUTPUT'] ?? join(STATE, 'flume/out/bench');

/**
 * Posts 20 requests of 1000 small events under a topic of their own, so the agent's JVM has
 * compiled its request path before a case measures it (whichever case runs first).
 */
export async function warmUp(): Promise<void> {
  const topic = `warmup-${Date.now()}`;
  const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ headers: { topic, offset: String(i) }, body: `{"id":${i}}` })));
  for (let i = 0; i < 20; i++) {
    const response = await fetch(FLUME_BENCH_URL, { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body });
    await response.text();
    if (response.status !== 200) throw new Error(`flume warm-up: HTTP ${response.status}`);
  }
}

/** Lines of the sink's output whose headers name `topic` (`{…topic=<topic>, …} body`). */
async function countLines(topic: string): Promise<number> {
  const needle = Buffer.from(`topic=${topic}`);
  let count = 0;
  for (const name of await readdir(FLUME_BENCH_OUTPUT)) {
    let tail = Buffer.alloc(0);
    for await (const chunk of createReadStream(join(FLUME_BENCH_OUTPUT, name)) as AsyncIterable<Buffer>) {
      const data = Buffer.concat([tail, chunk]);
      let at = data.indexOf(needle);
      let last = 0;
      for (; at >= 0; at = data.indexOf(needle, at + needle.length)) {
        const after = data[at + needle.length];
        if (after === undefined) break;
        if (after === 0x2c || after === 0x7d) count++;
        last = at + needle.length;
      }
      tail = data.subarray(Math.max(last, data.length - needle.length));
    }
  }
  return count;
}

/**
 * Waits for the agent's sink to drain `topic`'s events into its output (the source acknowledged
 * them into the channel; the sink writes them out after): their count once `expected` is reached
 * or the count stops growing for 10 s.
 */
export async function countEvents(topic: string, expected: number): Promise<number> {
  let count = 0;
  let since = Date.now();
  for (;;) {
    const now = await countLines(topic);
    if (now >= expected) return now;
    if (now > count) since = Date.now();
    else if (Date.now() - since > 10_000) return now;
    count = now;
    await new Promise((r) => setTimeout(r, 500));
  }
}
