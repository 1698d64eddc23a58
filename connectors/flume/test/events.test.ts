/** Golden requests: exactly what records become — the JSON body Flume's JSONHandler reads, per option family. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkRecord } from '@sinkhub/core';
import { EventBuilder, requestBody, requests } from '../src/events.js';
import { flumeOptions } from '../src/options.js';

const rec = (value: unknown, extra: Partial<SinkRecord> = {}): SinkRecord => ({
  topic: 'clicks',
  partition: 3,
  offset: 41,
  timestamp: 1_700_000_000_999,
  key: 'user-7',
  value,
  headers: { trace: 'abc', topic: 'from-kafka-header' },
  size: 1,
  ...extra,
});
async function body(options: Record<string, unknown>, ...records: SinkRecord[]) {
  const o = flumeOptions.parse(options);
  const t = await new EventBuilder(o).build(records);
  return { text: requestBody(t.events, o.charset).toString('utf8'), failures: t.failures.map((f) => [f.index, f.error.message]) };
}

describe('events', () => {
  it('default: Kafka headers, then the metadata headers (which win), and the consumed bytes as the body', async () => {
    const raw = Buffer.from('{"id": 1,  "page":"/é"}');
    const out = await body({}, rec({ id: 1, page: '/é' }, { rawValue: raw }));
    assert.deepEqual(out.failures, []);
    assert.equal(
      out.text,
      '[{"headers":{"trace":"abc","topic":"clicks","partition":"3","offset":"41","timestamp":"1700000000999","key":"user-7"},"body":"{\\"id\\": 1,  \\"page\\":\\"/é\\"}"}]',
    );
  });

  it('a body template and header templates (fields, bindings, Kafka headers); no Kafka or metadata headers', async () => {
    const out = await body(
      { body: '{{ level }}: {{ msg }}', headers: { level: '{{ level }}', src: '{{ $topic }}-{{ $partition }}', trace: '{{ $headers.trace }}' }, kafka_headers: false, metadata_headers: false },
      rec({ level: 'warn', msg: 'disk "full"' }),
    );
    assert.equal(out.text, '[{"headers":{"level":"warn","src":"clicks-3","trace":"abc"},"body":"warn: disk \\"full\\""}]');
  });

  it('transformed values as JSON, text as is, keys as text, base64 or JSON; base64 bodies', async () => {
    const noKafka = { kafka_headers: false };
    const out = await body(noKafka, rec({ a: 1 }, { key: null }), rec('plain', { key: Buffer.from([1, 2]) }), rec(Buffer.from([0xff, 0x00]), { key: { k: 1 } }, ));
    assert.deepEqual(out.failures, [[2, 'the value is not UTF-8 text (body_encoding: base64 sends any bytes)']]);
    const events = JSON.parse(out.text) as { headers: Record<string, string>; body: string }[];
    assert.deepEqual(events.map((e) => [e.body, e.headers['key'] ?? null]), [
      ['{"a":1}', null],
      ['plain', 'AQI='],
    ]);
    const b64 = await body({ ...noKafka, metadata_headers: false, body_encoding: 'base64' }, rec(Buffer.from([0xff, 0x00])));
    assert.equal(b64.text, '[{"headers":{},"body":"/wA="}]');
  });

  it('tombstones are skipped, sent with an empty body, or failures; a template with nothing to render is a failure', async () => {
    assert.equal((await body({}, rec(null))).text, '[]');
    assert.equal((await body({ tombstones: 'empty', kafka_headers: false, metadata_headers: false }, rec(null))).text, '[{"headers":{},"body":""}]');
    const failed = await body({ tombstones: 'error', headers: { host: '{{ host }}' } }, rec(null), rec({ other: 1 }));
    assert.deepEqual(failed.failures, [
      [0, 'a tombstone (null value) has no event body (tombstones: error)'],
      [1, 'template "{{ host }}": part 1 is empty for this record'],
    ]);
  });

  it('UTF-16 and UTF-32 requests are big-endian without a BOM; requests are cut by count', async () => {
    const o = flumeOptions.parse({ kafka_headers: false, metadata_headers: false });
    const t = await new EventBuilder(o).build([rec('é😀')]);
    const text = '[{"headers":{},"body":"é😀"}]';
    assert.deepEqual(requestBody(t.events, 'UTF-16'), Buffer.from(text, 'utf16le').swap16());
    const utf32 = requestBody(t.events, 'UTF-32');
    assert.equal(utf32.length, [...text].length * 4);
    assert.equal(utf32.readUInt32BE(utf32.length - 16), 0x1f600);
    assert.deepEqual(requests([1, 2, 3, 4, 5].map((index) => ({ index, json: '' })), 2).map((r) => r.map((e) => e.index)), [[1, 2], [3, 4], [5]]);
  });

  it('options: a URL, TLS only with https, known charsets', () => {
    const problems = (o: Record<string, unknown>) => flumeOptions.safeParse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.deepEqual(problems({}), []);
    assert.deepEqual(problems({ url: 'tcp://127.0.0.1:5140' }), ['url: an http:// or https:// URL']);
    assert.deepEqual(problems({ tls: { ca_file: '/ca.pem' } }), ['tls: TLS needs an https:// url']);
    assert.match(problems({ charset: 'latin1' })[0]!, /^charset: /);
    assert.match(problems({ headers: { h: '{{ unclosed' } })[0]!, /^headers\.h: invalid template/);
    assert.match(problems({ concurrent_requests: 0 })[0]!, /^concurrent_requests: /);
  });
});
