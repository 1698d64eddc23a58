/** Golden line protocol: exactly what records become, per option family. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { influxdbOptions } from '../src/options.js';
import { PointBuilder } from '../src/points.js';

const rec = (value: unknown, timestamp = 1_700_000_000_123): SinkRecord => ({ topic: 'cpu metrics', partition: 0, offset: 7, timestamp, key: null, value, headers: {}, size: 1 });
const v1 = { api: 'v1', database: 'db' };
async function lines(options: Record<string, unknown>, ...values: unknown[]) {
  const t = await new PointBuilder(influxdbOptions.parse({ ...v1, ...options })).build(values.map((v) => rec(v)));
  return { lines: t.lines.map((l) => l.line), failures: t.failures.map((f) => [f.index, f.error.message]) };
}

describe('points', () => {
  it('default fields: every top-level number and boolean (sorted, as the client writes them); tags escaped; Kafka timestamp', async () => {
    const out = await lines({ measurement: '{{ $topic }}', tags: ['host', 'meta.region'] }, { host: 'web 1,a=b', meta: { region: 'eu' }, load: 0.5, cores: 4, up: true, note: 'skipped' });
    assert.deepEqual(out.lines, ['cpu\\ metrics,host=web\\ 1\\,a\\=b,region=eu cores=4,load=0.5,up=T 1700000000123']);
  });

  it('listed fields (with names), a timestamp field in each precision', async () => {
    const value = { t: 1_700_000_000, sensor: { temp: 21.5, id: 'x"1' } };
    const out = await lines({ measurement: 'm', fields: { temperature: 'sensor.temp', sid: 'sensor.id' }, timestamp_field: 't', precision: 's' }, value);
    assert.deepEqual(out.lines, ['m sid="x\\"1",temperature=21.5 1700000000']);
    const iso = await lines({ measurement: 'm', fields: ['v'], timestamp_field: 'at', precision: 'ns' }, { v: 1, at: '2023-11-14T22:13:20.123Z' });
    assert.deepEqual(iso.lines, ['m v=1 1700000000123000000']);
    const us = await lines({ measurement: 'm', fields: ['v'], precision: 'us' }, { v: 1 });
    assert.deepEqual(us.lines, ['m v=1 1700000000123000']);
  });

  it('server_time leaves the timestamp out', async () => {
    const out = await lines({ measurement: 'm', server_time: true }, { v: 2 });
    assert.deepEqual(out.lines, ['m v=2']);
  });

  it('records that cannot become points are failures; tombstones are skipped or failures', async () => {
    const out = await lines({ measurement: 'm', timestamp_field: 'ts' }, { note: 'no numbers', ts: 1 }, { v: 1, ts: 'soon' }, [1, 2], { v: 1 }, null);
    assert.deepEqual(out.failures, [
      [0, 'no field to write (the value has no number or boolean)'],
      [1, 'timestamp field ts is not a time: "soon"'],
      [2, 'the value is not a JSON object'],
      [3, 'timestamp field ts is missing'],
    ]);
    const strict = await lines({ measurement: 'm', tombstones: 'error' }, null);
    assert.deepEqual(strict.failures, [[0, 'a tombstone (null value) has no point to write']]);
  });

  it('options name the API they belong to', () => {
    const problems = (o: Record<string, unknown>) => (influxdbOptions.safeParse({ measurement: 'm', ...o }).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.deepEqual(problems({}), ['org: the v2 API needs an org', 'bucket: the v2 API needs a bucket']);
    assert.deepEqual(problems({ api: 'v1', database: 'd', token: 't' }), ['token: token is for the v2 API (api: v2)']);
    assert.deepEqual(problems({ api: 'v1' }), ['database: the v1 API needs a database']);
    assert.match(problems({ api: 'v3' })[0]!, /^api: /);
  });
});
