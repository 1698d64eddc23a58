/** Sending with a bound on messages in flight, FIFO groups in order and stopped at their first failure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutgoingMessage } from '../src/messages.js';
import { GroupBlockedError, sendAll } from '../src/send.js';

const msg = (index: number, messageGroup?: string): OutgoingMessage => ({ index, topic: 't', body: Buffer.from(String(index)), keys: [], properties: {}, ...(messageGroup && { messageGroup }) });

describe('sendAll', () => {
  it('keeps at most `limit` in flight and returns outcomes in batch order', async () => {
    let running = 0;
    let peak = 0;
    const outcomes = await sendAll([...Array(20).keys()].map((i) => msg(i)), 3, async (m) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 1 + (m.index % 4)));
      running--;
      if (m.index === 7) throw new Error('boom');
      return m.index * 10;
    });
    assert.equal(peak, 3);
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.receipt : 'failed')), [...Array(20).keys()].map((i) => (i === 7 ? 'failed' : i * 10)));
  });

  it('sends a FIFO group in order, one at a time, and not past its first failure', async () => {
    const order: number[] = [];
    const messages = [msg(0, 'a'), msg(1, 'b'), msg(2, 'a'), msg(3, 'a'), msg(4, 'b'), msg(5)];
    const outcomes = await sendAll(messages, 10, async (m) => {
      await new Promise((r) => setTimeout(r, 5 - m.index));
      order.push(m.index);
      if (m.index === 2) throw new Error('rejected');
      return m.index;
    });
    assert.deepEqual(order.filter((i) => messages[i]!.messageGroup === 'a'), [0, 2]);
    assert.deepEqual(order.filter((i) => messages[i]!.messageGroup === 'b'), [1, 4]);
    assert.deepEqual(outcomes.map((o) => o.ok), [true, true, false, false, true, true]);
    assert.ok(!outcomes[3]!.ok && outcomes[3]!.error instanceof GroupBlockedError);
  });
});
