/** Halving a refused multi-record request down to the refused records. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sendFindingRefused } from '../src/refused.js';

class Refusal extends Error {}

/** A target that refuses any request holding a bad item, and records what it was sent. */
function target(bad: ReadonlySet<number>) {
  const requests: number[][] = [];
  const send = async (items: readonly number[]) => {
    requests.push([...items]);
    const found = items.find((i) => bad.has(i));
    if (found !== undefined) throw new Refusal(`item ${found} is bad`);
  };
  return { requests, send };
}

describe('sendFindingRefused', () => {
  it('sends everything in one request when nothing is refused', async () => {
    const t = target(new Set());
    const refused: number[] = [];
    await sendFindingRefused([1, 2, 3, 4], t.send, (e) => e instanceof Refusal, (i) => refused.push(i));
    assert.deepEqual(t.requests, [[1, 2, 3, 4]]);
    assert.deepEqual(refused, []);
  });

  it('halves until each refused item stands alone, with the error that refused it', async () => {
    const t = target(new Set([2, 7]));
    const refused: [number, string][] = [];
    await sendFindingRefused([0, 1, 2, 3, 4, 5, 6, 7], t.send, (e) => e instanceof Refusal, (i, e) => refused.push([i, (e as Error).message]));
    assert.deepEqual(refused, [
      [2, 'item 2 is bad'],
      [7, 'item 7 is bad'],
    ]);
    assert.deepEqual(t.requests, [[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [0, 1], [2, 3], [2], [3], [4, 5, 6, 7], [4, 5], [6, 7], [6], [7]]);
  });

  it('throws errors that are not refusals at once, without splitting', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('connection refused');
    };
    await assert.rejects(sendFindingRefused([1, 2, 3], failing, (e) => e instanceof Refusal, () => assert.fail('no record is refused')), /connection refused/);
    assert.equal(calls, 1);
  });

  it('sends nothing for no items', async () => {
    await sendFindingRefused([], () => assert.fail('no request'), () => true, () => undefined);
  });
});
