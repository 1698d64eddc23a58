/**
 * The quickstart's main job (`npm run quickstart`, after scripts/quickstart.sh made sure a
 * Kafka answers): produce sample events, run examples/quickstart.yaml until they are handled,
 * stop it gracefully, and show what was written and where.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafka, produce, readTopic, type TestMessage } from './kafka.js';
import { SinkhubProcess, eventually } from './sinkhub-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOPIC = 'quickstart-events';
const DLQ = 'quickstart-dlq';
const OUT_DIR = resolve(process.env['OUT_DIR'] ?? resolve(ROOT, 'out/quickstart'));

function sampleEvents(count: number, runId: number): TestMessage[] {
  const types = ['click', 'view', 'purchase'];
  const messages: TestMessage[] = [];
  for (let i = 0; i < count; i++) {
    const event = { id: `${runId}-${i}`, type: types[i % 3], user: `user-${i % 17}`, amount: i % 3 === 2 ? (i % 50) + 0.99 : undefined, ts: Date.now() };
    messages.push({ key: event.user, value: JSON.stringify(event) });
    if (i % 250 === 0) messages.push({ key: 'system', value: JSON.stringify({ type: 'heartbeat', ts: Date.now() }) });
    if (i % 400 === 399) messages.push({ key: 'broken', value: `{"id": "${runId}-${i}", oops` });
  }
  return messages;
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  if (!(await admin.listTopics()).includes(TOPIC)) await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 4 }], waitForLeaders: true });
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics;
  await admin.disconnect();

  const events = sampleEvents(1000, Date.now());
  await produce(TOPIC, events, metadata!.partitions.length);
  const poison = events.filter((m) => String(m.value).includes('oops')).length;
  console.log(`produced ${events.length} sample events to ${TOPIC} (${poison} of them malformed, some heartbeats to filter out)`);

  const run = SinkhubProcess.runFile(resolve(ROOT, 'examples/quickstart.yaml'), { OUT_DIR, SINKHUB_HTTP_PORT: process.env['SINKHUB_HTTP_PORT'] ?? '0' });
  const up = await run.waitForLog((l) => l.msg === 'metrics and health endpoint up');
  const metricsUrl = String(up['url']);
  console.log(`sinkhub is running examples/quickstart.yaml (metrics: ${metricsUrl})`);
  await eventually(async () => {
    const body = await (await fetch(metricsUrl)).text();
    const consumed = Number(/^sinkhub_records_consumed_total\{[^}]*\} (\d+)/m.exec(body)?.[1] ?? 0);
    return consumed >= events.length;
  }, 60_000, 'the sample events to be consumed');
  run.kill('SIGTERM');
  const code = await run.waitForExit(30_000);
  if (code !== 0) throw new Error(`sinkhub exited with ${code}:\n${run.stderr.slice(-20).join('\n')}`);

  const files = readdirSync(OUT_DIR).filter((f) => f.endsWith('.jsonl')).sort();
  const lines = files.reduce((n, f) => n + readFileSync(resolve(OUT_DIR, f), 'utf8').split('\n').filter(Boolean).length, 0);
  const letters = await readTopic(DLQ, poison, 10_000);
  console.log(`\nwrote ${lines} records in ${files.length} files under ${OUT_DIR} (all runs so far):`);
  for (const f of files.slice(-6)) console.log(`  ${f}`);
  if (files.length > 6) console.log(`  … and ${files.length - 6} more`);
  console.log(`first record: ${readFileSync(resolve(OUT_DIR, files[0]!), 'utf8').split('\n')[0]}`);
  console.log(`dead-letter topic ${DLQ}: ${letters.length} malformed record(s), e.g. headers ${JSON.stringify(letters[0]?.headers ?? {})}`);
  console.log('\nrun it yourself: npx sinkhub run examples/quickstart.yaml   (Ctrl-C stops it gracefully)');
}

main().catch((error: unknown) => {
  console.error(`quickstart failed: ${(error as Error).message}`);
  process.exit(1);
});
