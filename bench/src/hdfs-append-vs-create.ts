/**
 * Why the hdfs connector spools a file locally and uploads it with one CREATE instead of
 * APPENDing each batch: writes 64 MB of JSON lines both ways against the HDFS at HDFS_URL
 * (services/hdfs.sh) and prints the times. Not a benchmark case; run by hand:
 *   node bench/dist/src/hdfs-append-vs-create.js
 */
import { appendFile, createFile, filesAndDelete } from './hdfs-target.js';

const MB = 1024 * 1024;
const TOTAL = 64 * MB;
const line = Buffer.from(JSON.stringify({ id: 1, name: 'x'.repeat(80), ts: 1_700_000_000_000 }) + '\n');
const chunk = (size: number) => Buffer.concat(Array<Buffer>(Math.ceil(size / line.length)).fill(line)).subarray(0, size);
const base = `/bench/append-vs-create-${Date.now()}`;

async function time(what: string, write: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await write();
  const ms = performance.now() - started;
  console.log(`${what}: ${ms.toFixed(0)} ms, ${(TOTAL / MB / (ms / 1000)).toFixed(1)} MB/s`);
}

await time('one CREATE of 64 MB', () => createFile(`${base}/one`, chunk(TOTAL)));
for (const size of [8 * MB, MB, 256 * 1024]) {
  await time(`CREATE + ${TOTAL / size} APPENDs of ${size / 1024} KB`, async () => {
    await createFile(`${base}/append-${size}`, Buffer.alloc(0));
    const body = chunk(size);
    for (let i = 0; i < TOTAL / size; i++) await appendFile(`${base}/append-${size}`, body);
  });
}
const files = await filesAndDelete(base);
if (files.some((f) => f.length !== TOTAL)) throw new Error(`sizes: ${files.map((f) => f.length).join(', ')}`);
