/**
 * Case i-raw: InfluxDB's write ceiling on this machine (v1 API), no Kafka. The data set's records,
 * parsed in memory, become the points the connector writes (measurement, tag `type`, fields `id`
 * and `ts`, the record's `ts` as time), built by the client's `Point` and written in batches of
 * 5000 (the connector's default), one after another as the sink does.
 */
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { caseArgs, deadline, emitResult, peakRssKb } from './case-report.js';
import { recordValue } from './dataset.js';
import { INFLUX, countAndDrop, influxHeaders } from './influxdb-target.js';

const BATCH = 5000;
const args = caseArgs();
deadline(600_000, 'influxdb raw case');
const bytes = Number(process.env['BENCH_RECORD_BYTES'] ?? 200);
const values = Array.from({ length: args.records }, (_, i) => JSON.parse(recordValue(i, bytes)) as { id: number; type: string; ts: number });
const measurement = `raw_${args.group.replaceAll('-', '_')}`;
const transport = new InfluxDB({ url: INFLUX.url }).transport;
const path = `/write?db=${INFLUX.database}&precision=ms`;

const firstAt = performance.now();
for (let i = 0; i < values.length; i += BATCH) {
  const lines = values.slice(i, i + BATCH).map((v) => new Point(measurement).tag('type', v.type).floatField('id', v.id).floatField('ts', v.ts).timestamp(String(v.ts)).toLineProtocol({ convertTime: (t) => t as string })!);
  await transport.request(path, lines.join('\n'), { method: 'POST', headers: influxHeaders() });
}
const lastAt = performance.now();
const stored = await countAndDrop(measurement);
if (stored !== args.records) throw new Error(`stored ${stored} of ${args.records}`);
emitResult({ records: stored, firstAtMs: firstAt, measuredMs: lastAt - firstAt, stopMs: 0, vmHwmKb: peakRssKb(), detail: { batch: BATCH } });
