/** RecordPreparer: formats, decode and transform failures with their stage, filters and maps. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PipelineConfig } from '../src/config/schema.js';
import { PartitionState } from '../src/partition-state.js';
import { PendingRecord } from '../src/pending-record.js';
import { RecordPreparer } from '../src/record-preparer.js';
import { rawJsonLine } from '../src/message-bytes.js';
import type { SourceMessage } from '../src/source/source.js';

const source = (format: 'json' | 'string' | 'bytes', key_format: 'string' | 'json' | 'bytes' = 'string'): PipelineConfig['source'] => ({
  format,
  key_format,
  topics: ['t'],
  group_id: 'g',
  start_from: 'earliest',
  session_timeout_ms: 30_000,
});
const state = new PartitionState('t', 0);
const pending = (value: string | null, key: string | null = 'k', headers = {}) =>
  new PendingRecord(state, { topic: 't', partition: 0, offset: 1, timestamp: 5, key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers } as SourceMessage);

async function prepared(preparer: RecordPreparer, ...records: PendingRecord[]) {
  await preparer.prepare(records);
  return records;
}

describe('decoding and transforms', () => {
  it('decodes json, string and bytes values and keys', async () => {
    const [j] = await prepared(new RecordPreparer(source('json', 'json'), []), pending('{"a":1}', '{"k":2}'));
    assert.deepEqual([j!.status, j!.key, j!.value], ['record', { k: 2 }, { a: 1 }]);
    assert.equal(j!.rawValue?.toString(), '{"a":1}', 'an untransformed value keeps its consumed bytes');
    assert.equal(j!.rawValueIsJson, true);
    const [s] = await prepared(new RecordPreparer(source('string'), []), pending('plain'));
    assert.deepEqual([s!.key, s!.value], ['k', 'plain']);
    assert.equal(s!.rawValueIsJson, false, 'text is not JSON: a JSON sink must quote it');
    const [b] = await prepared(new RecordPreparer(source('bytes', 'bytes'), []), pending('raw'));
    assert.ok(Buffer.isBuffer(b!.value) && Buffer.isBuffer(b!.key));
    assert.equal(b!.size, 4);
  });

  it('a tombstone keeps a null value; headers become strings when read', async () => {
    const [t] = await prepared(new RecordPreparer(source('json'), []), pending(null, 'k', { h: Buffer.from('v'), many: ['a', Buffer.from('b')] }));
    assert.deepEqual([t!.status, t!.value, t!.headers], ['record', null, { h: 'v', many: 'a,b' }]);
  });

  it('undecodable values fail at stage decode, the rest of the batch goes on', async () => {
    const [bad, good] = await prepared(new RecordPreparer(source('json'), []), pending('{oops'), pending('{"ok":true}'));
    assert.deepEqual([bad!.status, bad!.stage], ['failed', 'decode']);
    assert.match(String(bad!.error), /JSON/);
    assert.equal(good!.status, 'record');
  });

  it('filters drop, maps replace, a map with no result fails at stage transform', async () => {
    const preparer = new RecordPreparer(source('json'), [{ filter: 'n > 1' }, { map: "{ 'double': n * 2, 'topic': $topic }" }]);
    const [dropped, kept] = await prepared(preparer, pending('{"n":1}'), pending('{"n":5}'));
    assert.equal(dropped!.status, 'filtered');
    assert.equal(kept!.rawValue, undefined, 'a mapped value no longer matches the consumed bytes');
    assert.equal(kept!.rawValueIsJson, false);
    assert.deepEqual({ ...(kept!.value as object) }, { double: 10, topic: 't' }, 'JSONata builds null-prototype objects; compared by content');
    const [failed] = await prepared(new RecordPreparer(source('json'), [{ map: 'missing' }]), pending('{"n":1}'));
    assert.deepEqual([failed!.status, failed!.stage], ['failed', 'transform']);
  });
});

describe('rawJsonLine', () => {
  const json = (text: string, rawValueIsJson = true) => ({ topic: 't', partition: 0, offset: 0, timestamp: 0, key: null, value: JSON.parse(text), headers: {}, size: text.length, rawValue: Buffer.from(text), rawValueIsJson });
  it('copies the consumed JSON text as it was, spacing and number spelling kept', () => {
    assert.equal(rawJsonLine(json('{"a": 1.50, "b":"\\u00e9"}')), '{"a": 1.50, "b":"\\u00e9"}');
  });
  it('not for text with a line break, nor for bytes that are not JSON text', () => {
    assert.equal(rawJsonLine(json('{"a":\n1}')), undefined);
    assert.equal(rawJsonLine(json('{"a":\r1}')), undefined);
    assert.equal(rawJsonLine(json('{"a":1}', false)), undefined);
  });
});
