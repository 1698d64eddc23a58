/** Records into file lines: CSV cells quoted and cast exactly, bad records named, JSON lines as the core writes them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { CsvEncoder, RecordEncodingError, encoderFor, hdfsOptions } from '../src/index.js';

const rec = (value: unknown, offset = 7): SinkRecord => ({ topic: 'orders', partition: 2, offset, timestamp: 1_700_000_000_000, key: 'k1', value, headers: {}, size: 10 });
const csv = (columns: string[], extra: Record<string, unknown> = {}) =>
  encoderFor(hdfsOptions.parse({ path: '/data', format: 'csv', csv: { columns, ...extra } })) as CsvEncoder;

describe('CSV records', () => {
  it('writes the declared columns in order, quoting what needs it', () => {
    const e = csv(['id', 'user.name', 'note', 'amount', 'paid', 'missing', '$offset', '$timestamp', '$topic', '$key']);
    assert.equal(e.extension, 'csv');
    assert.equal(e.header, 'id,user.name,note,amount,paid,missing,offset,timestamp,topic,key\n');
    const line = e.encode(rec({ id: 1, user: { name: 'Ann "the" Bee' }, note: 'a, b\nc', amount: 12.5, paid: false, missing: null }));
    assert.equal(line, '1,"Ann ""the"" Bee","a, b\nc",12.5,false,,7,1700000000000,orders,k1\n');
  });

  it('takes another delimiter and can leave the header out', () => {
    const e = csv(['a', 'b'], { delimiter: ';', header: false });
    assert.equal(e.header, undefined);
    assert.equal(e.encode(rec({ a: 'x;y', b: true })), '"x;y";true\n');
  });

  it('refuses, per record, values CSV cannot hold as declared', () => {
    const e = csv(['id', 'tags']);
    for (const [value, reason] of [
      [{ id: 1, tags: ['a'] }, /column tags holds an array/],
      [{ id: 1, tags: { a: 1 } }, /column tags holds an object/],
      ['just text', /needs an object value.*a string/],
      [null, /needs an object value.*null/],
      [[1, 2], /an array/],
    ] as const) {
      const out = e.encode(rec(value));
      assert.ok(out instanceof RecordEncodingError, `${JSON.stringify(value)} refused`);
      assert.match(out.message, reason);
    }
  });

  it('writes bytes keys as base64', () => {
    assert.equal(csv(['$key', 'id']).encode({ ...rec({ id: 3 }), key: Buffer.from('hi') }), 'aGk=,3\n');
  });
});

describe('JSON lines', () => {
  it('writes the value by default, the whole record with content: record', () => {
    assert.equal(encoderFor(hdfsOptions.parse({ path: '/data' })).encode(rec({ id: 1 })), '{"id":1}\n');
    assert.equal(
      encoderFor(hdfsOptions.parse({ path: '/data', content: 'record' })).encode(rec({ id: 1 })),
      '{"topic":"orders","partition":2,"offset":7,"timestamp":1700000000000,"key":"k1","headers":{},"value":{"id":1}}\n',
    );
  });
});

describe('options', () => {
  it('refuse what cannot work, naming the field', () => {
    const problems = (o: Record<string, unknown>) => hdfsOptions.safeParse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(problems({ path: 'relative/dir' }), ['path: an absolute HDFS path like /data/events']);
    assert.deepEqual(problems({ path: '/d', format: 'csv' }), ['csv: format: csv needs csv.columns']);
    assert.deepEqual(problems({ path: '/d', csv: { columns: ['a'] } }), ['csv: csv options need format: csv']);
    assert.match(problems({ path: '/d', format: 'csv', csv: { columns: ['a b'] } })[0]!, /^csv\.columns\.0: a field path/);
    assert.match(problems({ path: '/d', url: 'namenode:9870' })[0]!, /^url: an http:\/\/host:port URL/);
    assert.match(problems({ path: '/d', format: 'parquet' })[0]!, /^format: /);
    assert.match(problems({ path: '/d', directory: '{{ $fromMillis(ts, }}' })[0]!, /^directory: invalid template/);
    assert.deepEqual(problems({ path: '/d', roll: { max_bytes: 0 } }).length, 1);
  });

  it('default to files of one HDFS block, ten minutes at most', () => {
    const o = hdfsOptions.parse({ path: '/d' });
    assert.deepEqual(o.roll, { max_records: 10_000_000, max_bytes: 128 * 1024 * 1024, max_age_ms: 600_000 });
    assert.equal(o.directory, '{{ $topic }}');
    assert.equal(o.compression, 'none');
  });
});
