/** The ledger's decisions: which half messages a transaction check commits, rolls back or leaves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HISTORY_LIMIT, advance, decodeEntry, encodeMetadata, resolve, type LedgerEntry } from '../src/ledger.js';

const foreign = { inFlight: false, ownEpoch: false };
const own = { inFlight: false, ownEpoch: true };

describe('ledger', () => {
  it('entries advance within an epoch and keep where earlier epochs stopped', () => {
    const a1 = advance(undefined, 'a', 100);
    assert.deepEqual(a1, { next: 100, epoch: 'a', history: [] });
    const a2 = advance(a1, 'a', 250);
    assert.deepEqual(a2, { next: 250, epoch: 'a', history: [] });
    const b1 = advance(a2, 'b', 300);
    assert.deepEqual(b1, { next: 300, epoch: 'b', history: [['a', 250]] });
    let entry: LedgerEntry = b1;
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) entry = advance(entry, `e${i}`, 300 + i);
    assert.equal(entry.history.length, HISTORY_LIMIT);
    assert.deepEqual(entry.history.at(-1), [`e${HISTORY_LIMIT + 3}`, 300 + HISTORY_LIMIT + 3]);
  });

  it('metadata round-trips; anything else is no entry', () => {
    const entry = advance(advance(undefined, 'a', 10), 'b', 20);
    assert.equal(encodeMetadata(entry), '{"v":1,"e":"b","h":[["a",10]]}');
    assert.deepEqual(decodeEntry('20', encodeMetadata(entry)), entry);
    assert.equal(decodeEntry('-1', ''), undefined);
    assert.equal(decodeEntry('20', null), undefined);
    assert.equal(decodeEntry('20', 'written by someone else'), undefined);
  });

  it('the current epoch: below next commits; at or past it waits for a live owner, and is rolled back by its own process', () => {
    const entry = advance(undefined, 'a', 100);
    assert.equal(resolve(entry, { epoch: 'a', offset: 99 }, foreign), 'commit');
    assert.equal(resolve(entry, { epoch: 'a', offset: 100 }, foreign), 'unknown');
    assert.equal(resolve(entry, { epoch: 'a', offset: 100 }, own), 'rollback');
    assert.equal(resolve(entry, { epoch: 'a', offset: 100 }, { inFlight: true, ownEpoch: true }), 'unknown');
    assert.equal(resolve(entry, { epoch: 'a', offset: 5 }, { inFlight: true, ownEpoch: true }), 'unknown');
  });

  it('an ended epoch: what it decided commits, the rest (sent again by the next owner) rolls back', () => {
    const entry = advance(advance(undefined, 'a', 100), 'b', 180);
    assert.equal(resolve(entry, { epoch: 'a', offset: 99 }, foreign), 'commit');
    assert.equal(resolve(entry, { epoch: 'a', offset: 100 }, foreign), 'rollback');
    assert.equal(resolve(entry, { epoch: 'a', offset: 150 }, foreign), 'rollback');
    assert.equal(resolve(entry, { epoch: 'b', offset: 150 }, foreign), 'commit');
  });

  it('an epoch the ledger never saw: its own process knows it decided nothing; others leave it to the broker', () => {
    const entry = advance(undefined, 'a', 100);
    assert.equal(resolve(entry, { epoch: 'z', offset: 5 }, own), 'rollback');
    assert.equal(resolve(entry, { epoch: 'z', offset: 5 }, foreign), 'unknown');
    assert.equal(resolve(undefined, { epoch: 'z', offset: 5 }, own), 'rollback');
    assert.equal(resolve(undefined, { epoch: 'z', offset: 5 }, foreign), 'unknown');
  });
});
