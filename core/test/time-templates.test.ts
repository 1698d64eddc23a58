/** `$fromMillis` in templates: the fast path gives exactly what JSONata gives, and is taken. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, compileTemplate, compileTimeFormat, type RecordView } from '../src/template.js';

const view = (value: unknown, timestamp = 0): RecordView => ({ topic: 'ev', partition: 0, offset: 0, timestamp, key: null, value, headers: {} });

const EXPRESSIONS = [
  "$fromMillis(ts, '[Y0001]-[M01]-[D01]')",
  "$fromMillis(ts, '[H01]')",
  "$fromMillis(ts,'[Y0001].[M01].[D01]T[H01]:[m01]:[s01].[f001]')",
  "$fromMillis($timestamp, 'dt=[Y0001]-[M01]-[D01]/hour=[H01]')",
  '$fromMillis(ts)',
  "$fromMillis(event.at, '[Y0001][M01]')",
];
const VALUES = [0, 1, 86_399_999, 1_700_000_000_000, 1_709_251_199_999, 951_782_400_000, 4_102_444_800_000, -1, -30_610_224_000_000, 253_402_300_800_000, 1.5, '2024', null, undefined];

async function outcome(f: () => unknown): Promise<{ ok: unknown } | { error: string }> {
  try {
    return { ok: await f() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('time templates', () => {
  it('give the same results as JSONata for every supported picture and for values it does not take', async () => {
    for (const expression of EXPRESSIONS) {
      const fast = compileTimeFormat(expression);
      assert.ok(fast, `fast path for ${expression}`);
      const jsonata = compileExpression(expression);
      for (const v of VALUES) {
        const record = view({ ts: v, event: { at: v } }, typeof v === 'number' ? v : 0);
        assert.deepEqual(await outcome(() => fast(record)), await outcome(() => jsonata(record)), `${expression} with ${String(v)}`);
      }
    }
  });

  it('leave other expressions and pictures to JSONata', () => {
    for (const expression of ["$fromMillis(ts, '[Y]-[M]')", "$fromMillis(ts, '[Y0001]', '+0100')", "$fromMillis(ts, '[[Y0001]]')", "$fromMillis(ts + 1, '[Y0001]')", "$fromMillis(ts, '[FNn]')"]) {
      assert.equal(compileTimeFormat(expression), undefined, expression);
    }
  });

  it('render a dt=/hour= template through the fast path', async () => {
    // Its cost (about 1 µs a record against JSONata's 50) is measured in bench/, not here.
    const source = "{{ $topic }}/dt={{ $fromMillis(ts, '[Y0001]-[M01]-[D01]') }}/hour={{ $fromMillis(ts, '[H01]') }}";
    for (const part of ["$fromMillis(ts, '[Y0001]-[M01]-[D01]')", "$fromMillis(ts, '[H01]')"]) assert.ok(compileTimeFormat(part), part);
    const t = compileTemplate(source);
    assert.equal(await t.render(view({ ts: 1_700_000_000_000 })), 'ev/dt=2023-11-14/hour=22');
    assert.equal(await t.render(view({ ts: 1_700_000_000_000 + 3_600_000 })), 'ev/dt=2023-11-14/hour=23');
    assert.equal(await t.render(view({ ts: 1_700_000_000_000 + 7_200_000 })), 'ev/dt=2023-11-15/hour=00');
  });
});
