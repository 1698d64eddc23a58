/** Name templates and JSONata expressions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, compileTemplate, type RecordView } from '../src/template.js';

const record: RecordView = {
  topic: 'orders',
  partition: 3,
  offset: 42,
  timestamp: Date.UTC(2026, 10, 24, 12),
  key: 'k1',
  value: { user: { id: 7, name: 'ada' }, ts: Date.UTC(2026, 0, 2), kind: 'click' },
  headers: { source: 'web' },
};

describe('templates', () => {
  it('a template with no parts is constant', async () => {
    const t = compileTemplate('events');
    assert.equal(t.constant, 'events');
    assert.equal(await t.render(record), 'events');
  });

  it('renders bindings, field paths and JSONata', async () => {
    assert.equal(await compileTemplate('{{ $topic }}-{{ $partition }}').render(record), 'orders-3');
    assert.equal(await compileTemplate('users:{{ user.id }}').render(record), 'users:7');
    assert.equal(await compileTemplate("logs-{{ $fromMillis(ts, '[Y0001].[M01].[D01]') }}").render(record), 'logs-2026.01.02');
    assert.equal(await compileTemplate("{{ $uppercase(kind) }}/{{ $headers.source }}").render(record), 'CLICK/web');
  });

  it('an empty part fails for that record', async () => {
    await assert.rejects(compileTemplate('x-{{ missing.field }}').render(record), /part 1 is empty/);
  });

  it('bad templates are refused when compiled', () => {
    assert.throws(() => compileTemplate('x-{{ $topic '), /unbalanced/);
    assert.throws(() => compileTemplate('x-{{ }}'), /empty/);
    assert.throws(() => compileTemplate('x-{{ a = = b }}'), /at character/);
  });

  it('expressions see the value as input and the record as bindings', async () => {
    assert.equal(await compileExpression("kind = 'click' and $partition = 3")(record), true);
    assert.deepEqual({ ...((await compileExpression("{ 'id': user.id, 'k': $key }")(record)) as object) }, { id: 7, k: 'k1' });
  });
});
