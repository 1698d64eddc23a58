/** Golden records of the offsets topic (exactly-once to another cluster): what is stored and what is read back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barrierRecord, offsetRecord, parseOffsetRecord } from '../src/offsets.js';

describe('offsets topic records', () => {
  it('key names the group, topic and partition; value the next offset', () => {
    assert.deepEqual(offsetRecord('sinkhub-mirror', { topic: 'orders', partition: 3 }, 1200), { key: '["sinkhub-mirror","orders",3]', value: '{"next":1200}' });
  });

  it('reads back its own group’s records only; barriers and foreign records are not offsets', () => {
    const { key, value } = offsetRecord('g', { topic: 'a.b', partition: 0 }, 5);
    assert.deepEqual(parseOffsetRecord('g', Buffer.from(key), Buffer.from(value)), { tp: { topic: 'a.b', partition: 0 }, next: 5 });
    assert.equal(parseOffsetRecord('other', Buffer.from(key), Buffer.from(value)), undefined);
    const barrier = barrierRecord('g', 'x');
    assert.deepEqual(barrier, { key: '["barrier","g"]', value: '{"barrier":"x"}' });
    assert.equal(parseOffsetRecord('g', Buffer.from(barrier.key), Buffer.from(barrier.value)), undefined);
    assert.equal(parseOffsetRecord('g', Buffer.from('not json'), Buffer.from('{}')), undefined);
    assert.equal(parseOffsetRecord('g', null, null), undefined);
  });
});
