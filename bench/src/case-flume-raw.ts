/**
 * Case f-raw: a Flume agent's HTTP source ceiling on this machine, no Kafka. The data set's
 * values become the events the connector sends (the same headers and body, built by its
 * EventBuilder), posted from memory in requests of 1000 events, 4 in flight (1 and 2 were slower
 * here, 8 and 16 no faster) — until the source acknowledged all of them (each request once
 * its file channel committed it); then they are counted back from the agent's file_roll output.
 * The agent is warmed up first (`warmUp`), as in case f.
 */
import { EventBuilder, flumeOptions, requestBody } from '@sinkhub/flume';
import type { SinkRecord } from '@sinkhub/core';
import { Pool } from 'undici';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { FLUME_BENCH_URL, countEvents, warmUp } from './flume-target.js';

const EVENTS = 1000;
const IN_FLIGHT = 4;
const PARTITIONS = 4;
const args = caseArgs();
deadline(600_000, 'flume raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const topic = `${args.topic}-raw-${args.group}`;
const records: SinkRecord[] = Array.from({ length: args.records }, (_, i) => {
  const value = recordValue(i, bytes);
  return { topic, partition: i % PARTITIONS, offset: Math.floor(i / PARTITIONS), timestamp: 1_700_000_000_000 + i, key: String(i), value: JSON.parse(value), rawValue: Buffer.from(value), headers: {}, size: value.length };
});
const { events } = await new EventBuilder(flumeOptions.parse({})).build(records);
const bodies: Buffer[] = [];
for (let i = 0; i < events.length; i += EVENTS) bodies.push(requestBody(events.slice(i, i + EVENTS), 'UTF-8'));
records.length = 0;

await warmUp();
const pool = new Pool(FLUME_BENCH_URL, { connections: IN_FLIGHT });
let next = 0;
const firstAt = performance.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    for (let body = bodies[next++]; body; body = bodies[next++]) {
      const response = await pool.request({ path: '/', method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
    }
  }),
);
const lastAt = performance.now();
await pool.close();
const stored = await countEvents(topic, args.records);
if (stored !== args.records) throw new Error(`the agent wrote ${stored} events of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { eventsPerRequest: EVENTS, inFlight: IN_FLIGHT, stored } });
