/** Finding refused records by splitting: the requests sent, what is refused, what is left unsent. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isolateRefused } from '../src/refused.js';

class Refusal extends Error {}

/** A target that refuses any request holding a bad item, and records the requests it saw. */
function target(bad: ReadonlySet<number>, failAt?: number) {
  const requests: number[][] = [];
  const accepted: number[] = [];
  const send = async (items: readonly number[]) => {
    requests.push([...items]);
    if (failAt !== undefined && requests.length === failAt) throw new Error('connection reset');
    const refused = items.filter((i) => bad.has(i));
    if (refused.length > 0) throw new Refusal(`bad item ${refused[0]}`);
    accepted.push(...items);
  };
  const refusal = (error: unknown) => (error instanceof Refusal ? new Error(`refused: ${error.message}`) : undefined);
  return { requests, accepted, send, refusal };
}

describe('isolateRefused', () => {
  it('one request when nothing is refused; none for no items', async () => {
    const t = target(new Set());
    assert.deepEqual(await isolateRefused([1, 2, 3], t.send, t.refusal), { refused: [] });
    assert.deepEqual(t.requests, [[1, 2, 3]]);
    assert.deepEqual(await isolateRefused([], t.send, t.refusal), { refused: [] });
    assert.equal(t.requests.length, 1);
  });

  it('halves a refused request until the refused items are alone, writing the rest once', async () => {
    const t = target(new Set([2, 7]));
    const result = await isolateRefused([0, 1, 2, 3, 4, 5, 6, 7], t.send, t.refusal);
    assert.deepEqual(result.refused.map((r) => [r.item, r.error.message]), [
      [2, 'refused: bad item 2'],
      [7, 'refused: bad item 7'],
    ]);
    assert.equal(result.unsent, undefined);
    assert.deepEqual(t.accepted, [0, 1, 3, 4, 5, 6]);
    assert.deepEqual(t.requests, [[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [0, 1], [2, 3], [2], [3], [4, 5, 6, 7], [4, 5], [6, 7], [6], [7]]);
  });

  it('another error stops the sending and returns what is left, in order', async () => {
    const t = target(new Set([1]), 3);
    const result = await isolateRefused([0, 1, 2, 3, 4, 5], t.send, t.refusal);
    // Requests: [0..5] refused, [0,1,2] refused, [0,1] fails with a reset.
    assert.deepEqual(result.refused, []);
    assert.deepEqual(result.unsent?.items, [0, 1, 2, 3, 4, 5]);
    assert.equal((result.unsent?.error as Error).message, 'connection reset');

    const later = target(new Set([0]), 4);
    const after = await isolateRefused([0, 1, 2, 3], later.send, later.refusal);
    // [0..3] refused, [0,1] refused, [0] refused alone, [1] fails: 1, 2 and 3 are left.
    assert.deepEqual(after.refused.map((r) => r.item), [0]);
    assert.deepEqual(after.unsent?.items, [1, 2, 3]);
  });
});
