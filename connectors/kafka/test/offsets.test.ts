/** Where the offsets of an exactly-once pipeline are committed: group, topic and partition, per source partition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otherClusterLocation, sameClusterLocation } from '../src/offsets.js';

describe('offset locations', () => {
  it('same cluster: the source group, for the source partition itself', () => {
    assert.deepEqual(sameClusterLocation('sinkhub-mirror')({ topic: 'orders', partition: 3 }), { groupId: 'sinkhub-mirror', topic: 'orders', partition: 3 });
  });

  it('another cluster: a group per source topic, for that partition number of the offsets topic', () => {
    const locate = otherClusterLocation('sinkhub-mirror', '__sinkhub_offsets');
    assert.deepEqual(locate({ topic: 'orders', partition: 3 }), { groupId: 'sinkhub-offsets/sinkhub-mirror/orders', topic: '__sinkhub_offsets', partition: 3 });
    // A group id with a slash cannot collide with another topic: topic names hold none.
    assert.notEqual(otherClusterLocation('a/b', 't')({ topic: 'c', partition: 0 }).groupId, otherClusterLocation('a', 't')({ topic: 'b.c', partition: 0 }).groupId);
  });
});
