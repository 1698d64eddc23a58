/**
 * The hbase connector against a real standalone HBase 2.6, through both transports (the REST
 * gateway and native RPC): default and explicit column mapping, encodings, timestamps from the
 * record, tables created at start or per record, replays adding no version, server time adding
 * one, tombstones deleting rows, refused rows going to the dead-letter topic with the server's
 * reason, HTTPS with a private CA, bad options at validation, and an unreachable server or a
 * missing table named at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HBASE_REST_TLS_CA, HBASE_REST_URL, HBASE_ZOOKEEPER, KAFKA_BROKERS, hbaseRestTlsUrl, hostPort, requireServer } from '../src/env.js';
import { dropTable, hbaseServer, createTable as makeTable, putCell, readRow, scanCells, tableExists, tableFamilies, tableFor, type StoredCell } from '../src/hbase.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, validateYaml } from '../src/sinkhub-process.js';

// Every table a case makes (or has the sink make) is dropped at the end: HBase reopens them all on a restart.
const tables = new Set<string>();
const createTable = (table: string, families: readonly string[], versions?: number) => {
  tables.add(table);
  return makeTable(table, families, versions);
};
after(async () => {
  for (const table of tables) await dropTable(table);
});

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(hbaseServer.name, hbaseServer.address);
  await requireServer('HBase ZooKeeper', HBASE_ZOOKEEPER);
});

const TRANSPORTS = {
  rest: `type: hbase\nurl: ${HBASE_REST_URL}`,
  rpc: `type: hbase\ntransport: rpc\nzookeeper_quorum: ${HBASE_ZOOKEEPER}`,
} as const;
const BASE = 1_700_000_000_000;
const users = (n: number, from = 0): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `u${from + i}`, value: JSON.stringify({ id: from + i, name: `user ${from + i}`, score: (from + i) / 2, vip: (from + i) % 2 === 0, at: BASE + (from + i) * 1000 }) }));
const utf8 = (c: StoredCell) => c.value.toString('utf8');
const byColumn = (cells: StoredCell[]) => Object.fromEntries(cells.map((c) => [c.column, utf8(c)]));

/** Produces `messages` to a new topic and runs `sink` (TOPIC and TABLE replaced) until `done`. */
async function runSink(sink: string, messages: TestMessage[], done: (table: string) => Promise<boolean>, extra: { topic?: string; table?: string; dlq?: boolean; delivery?: 'exactly-once' | 'at-least-once'; name?: string; handled?: number } = {}) {
  const topic = extra.topic ?? uniqueName('hbase');
  const table = extra.table ?? tableFor(topic);
  if (!extra.topic) await createTopic(topic, 1);
  if (messages.length > 0) await produce(topic, messages);
  const yaml = pipelineYaml({
    name: extra.name ?? topic,
    topic,
    sink: sink.replaceAll('TOPIC', topic).replaceAll('TABLE', table),
    delivery: extra.delivery ?? 'exactly-once',
    ...(extra.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }),
  });
  const proc = SinkhubProcess.run(yaml);
  await eventually(() => done(table), 45_000, 'the rows in HBase');
  // A replay changes nothing to wait for in HBase: wait until the pipeline says it wrote them.
  if (extra.handled !== undefined) await proc.waitForLog((l) => l.msg === 'progress' && Number(l['records_total']) >= extra.handled!, 45_000);
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return { topic, table };
}

for (const [transport, base] of Object.entries(TRANSPORTS)) {
  describe(`hbase connector (${transport})`, () => {
    it('every field into the family, row keys from a template, the Kafka timestamp; a replay adds no version', { timeout: 120_000 }, async () => {
      const topic = uniqueName(`hbase-${transport}`);
      const table = tableFor(topic);
      await createTopic(topic, 1);
      await createTable(table, ['d'], 5);
      const sink = `${base}\ntable: TABLE\nrow_key: "user#{{ id }}"\nfamily: d`;
      await runSink(sink, users(20), async (t) => new Set((await scanCells(t)).map((c) => c.row)).size === 20, { topic });
      const cells = await scanCells(table);
      assert.equal(cells.length, 20 * 5);
      const row = cells.filter((c) => c.row === 'user#3');
      assert.deepEqual(byColumn(row), { 'd:id': '3', 'd:name': 'user 3', 'd:score': '1.5', 'd:vip': 'false', 'd:at': String(BASE + 3000) });
      const stamps = new Set(row.map((c) => c.timestamp));
      assert.equal(stamps.size, 1);
      assert.ok(Math.abs([...stamps][0]! - Date.now()) < 120_000, 'the Kafka timestamp (produced just now)');
      // Everything again from the start, as after a crash: the same cells, no new version.
      await runSink(sink, [], async () => true, { topic, table, name: `${topic}-replay`, handled: 20 });
      assert.deepEqual((await scanCells(table)).map((c) => [c.row, c.column, c.timestamp, utf8(c)]), cells.map((c) => [c.row, c.column, c.timestamp, utf8(c)]));
    });

    it('columns mapping across families, binary encoding, the whole value, a timestamp field; tombstones delete up to their timestamp', { timeout: 90_000 }, async () => {
      const topic = uniqueName(`hbase-${transport}`);
      const table = tableFor(topic);
      await createTopic(topic, 1);
      await createTable(table, ['d', 'm'], 3);
      // A cell stamped later than the tombstone (its Kafka timestamp, now) survives it.
      await putCell(table, 'u1', 'd:later', 'kept', Date.now() + 3_600_000);
      const messages: TestMessage[] = [...users(4), { key: 'u1', value: null }];
      const sink = `${base}\ntable: TABLE\nrow_key: "{{ $key }}"\ncolumns:\n  d:id: id\n  d:score: score\n  vip: vip\n  m:doc: $\n  m:topic: $topic\nfamily: d\nencoding: binary\ntimestamp_field: at`;
      await runSink(sink, messages, async (t) => {
        const rows = new Set((await scanCells(t)).map((c) => c.row));
        return rows.size === 4 && (await scanCells(t)).filter((c) => c.row === 'u1').length === 1;
      }, { topic });
      const cells = await scanCells(table);
      const u2 = cells.filter((c) => c.row === 'u2');
      const hex = Object.fromEntries(u2.map((c) => [c.column, c.column === 'm:doc' || c.column === 'm:topic' ? utf8(c) : c.value.toString('hex')]));
      assert.deepEqual(hex, {
        'd:id': '0000000000000002',
        'd:score': '0000000000000001',
        'd:vip': 'ff',
        'm:doc': JSON.stringify(JSON.parse(String(users(4)[2]!.value))),
        'm:topic': topic,
      });
      assert.deepEqual([...new Set(u2.map((c) => c.timestamp))], [BASE + 2000], 'stamped with the timestamp field');
      assert.equal(cells.filter((c) => c.row === 'u3' && c.column === 'd:score')[0]!.value.readDoubleBE(), 1.5);
      // u1's tombstone removed its cells at BASE + 1000, not the later one.
      assert.deepEqual(cells.filter((c) => c.row === 'u1').map((c) => [c.column, utf8(c)]), [['d:later', 'kept']]);
    });

    it('rows the server refuses go to the dead-letter topic with its reason; the rest are written', { timeout: 90_000 }, async () => {
      const topic = uniqueName(`hbase-${transport}`);
      const good = `${tableFor(topic)}_good`;
      const nofamily = `${tableFor(topic)}_nofamily`;
      await createTopic(topic, 1);
      await createTable(good, ['d'], 1);
      await createTable(nofamily, ['other'], 1);
      // Records route by `kind`: to a table without family d, to a table that does not exist,
      // with no row key field, or with a cell over the server's 512 KiB limit (services/hbase.sh).
      const messages = users(40).map((m, i) => {
        const value = JSON.parse(String(m.value)) as Record<string, unknown>;
        const kind = i === 5 ? 'nofamily' : i === 11 ? 'missing' : 'good';
        if (i === 17) delete value['id'];
        if (i === 23) value['name'] = 'x'.repeat(600_000);
        return { key: m.key, value: JSON.stringify({ ...value, kind }) };
      });
      const sink = `${base}\ntable: "${tableFor(topic)}_{{ kind }}"\nrow_key: "{{ id }}"\ncolumns: { d:name: name }`;
      await runSink(sink, messages, async () => (await scanCells(good)).length === 36, { topic, dlq: true });
      const letters = await readTopic(`${topic}-dlq`, 4);
      const reasons = Object.fromEntries(letters.map((l) => [Number(l.headers['sinkhub.source.offset']), l.headers['sinkhub.error.message']!]));
      assert.deepEqual(Object.keys(reasons).map(Number).sort((a, b) => a - b), [5, 11, 17, 23]);
      assert.match(reasons[5]!, /NoSuchColumnFamilyException: Column family d does not exist/);
      assert.match(reasons[11]!, new RegExp(`table ${tableFor(topic)}_missing.*(TableNotFoundException|does not exist)`));
      assert.match(reasons[17]!, /template "\{\{ id \}\}": part 1 is empty/);
      assert.match(reasons[23]!, transport === 'rest' ? /HTTP 400: IllegalArgumentException: KeyValue size too large/ : /(DoNotRetryIOException|KeyValue size too large|Cell .* too large|larger than maximum)/i);
      assert.equal(await tableExists(`${tableFor(topic)}_missing`), false);
      assert.equal(await scanCells(nofamily).then((c) => c.length), 0);
    });
  });
}

describe('hbase connector (rest only)', () => {
  it('create_table makes each templated table with the mapping’s families and VERSIONS', { timeout: 60_000 }, async () => {
    const topic = uniqueName('hbase-create');
    const prefix = tableFor(topic);
    tables.add(`${prefix}_0`).add(`${prefix}_1`);
    const messages = users(6).map((m, i) => ({ key: m.key, value: JSON.stringify({ ...(JSON.parse(String(m.value)) as object), part: i % 2 }) }));
    await runSink(`${TRANSPORTS.rest}\ntable: "${prefix}_{{ part }}"\nrow_key: "{{ $key }}"\ncolumns: { d:name: name, m:score: score }\ncreate_table: { versions: 4 }`, messages, async () => (await tableExists(`${prefix}_0`)) && (await tableExists(`${prefix}_1`)) && (await scanCells(`${prefix}_1`)).length === 6);
    assert.deepEqual(await tableFamilies(`${prefix}_0`), { d: 4, m: 4 });
    assert.deepEqual(new Set((await scanCells(`${prefix}_0`)).map((c) => c.row)), new Set(['u0', 'u2', 'u4']));
  });

  it('server time is at-least-once: refused for exactly-once; a replay adds a version of each cell', { timeout: 90_000 }, async () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }\npipelines:\n  - name: p\n    source: { topics: [t] }\n    sink: { type: hbase, table: t, row_key: "{{ $key }}", family: d, server_time: true }\n    delivery: exactly-once\n`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pipelines\[0\]\.delivery: exactly-once is not available: with server_time a replayed record writes a new version of each cell/);
    const topic = uniqueName('hbase-servertime');
    const table = tableFor(topic);
    await createTopic(topic, 1);
    await createTable(table, ['d'], 3);
    const sink = `${TRANSPORTS.rest}\ntable: TABLE\nrow_key: "{{ $key }}"\ncolumns: { d:name: name }\nserver_time: true`;
    const before = Date.now();
    await runSink(sink, users(5), async (t) => (await scanCells(t)).length === 5, { topic, delivery: 'at-least-once' });
    await runSink(sink, [], async (t) => (await scanCells(t)).length === 10, { topic, table, delivery: 'at-least-once', name: `${topic}-replay` });
    const cells = await scanCells(table);
    assert.ok(cells.every((c) => c.timestamp >= before - 5000), 'stamped by the region server, now');
    assert.deepEqual(cells.filter((c) => c.row === 'u0').map(utf8), ['user 0', 'user 0'], 'two versions of one cell');
  });
});

describe('hbase connector (rest over https)', () => {
  it('HTTPS with the gateway’s CA in tls.ca_file; without it the start fails, naming the gateway', { timeout: 90_000 }, async () => {
    const url = hbaseRestTlsUrl();
    await requireServer('HBase REST gateway (HTTPS)', hostPort(url));
    const topic = uniqueName('hbase-tls');
    const table = tableFor(topic);
    await createTopic(topic, 1);
    await createTable(table, ['d'], 1);
    await runSink(`type: hbase\nurl: ${url}\ntls: { ca_file: ${HBASE_REST_TLS_CA} }\ntable: TABLE\nrow_key: "{{ $key }}"\ncolumns: { d:name: name }`, users(5), async (t) => (await scanCells(t)).length === 5, { topic });
    assert.equal(utf8((await readRow(table, 'u4'))[0]!), 'user 4');
    await expectStartFailure(pipelineYaml({ name: topic, topic, sink: `type: hbase\nurl: ${url}\ntable: ${table}\nrow_key: k\nfamily: d` }), new RegExp(`hbase at ${hostPort(url).replaceAll('.', '\\.')}: .*(self-signed certificate|unable to verify|SELF_SIGNED)`, 'i'));
  });
});

describe('hbase connector: start failures and bad options', () => {
  it('an unreachable gateway or ZooKeeper, a missing table or family stop the start quickly, naming the server', { timeout: 120_000 }, async () => {
    const topic = uniqueName('hbase-start');
    await createTopic(topic, 1);
    const table = `${tableFor(topic)}_t`;
    await createTable(table, ['d'], 1);
    const host = hostPort(HBASE_REST_URL);
    const cases: [string, RegExp][] = [
      ['type: hbase\nurl: http://127.0.0.1:1\ntable: t\nrow_key: k\nfamily: d', /hbase at 127\.0\.0\.1:1: .*ECONNREFUSED/],
      [`${TRANSPORTS.rest}\ntable: nosuch_${table}\nrow_key: k\nfamily: d`, new RegExp(`hbase at ${host}: table nosuch_${table} does not exist`)],
      [`${TRANSPORTS.rest}\ntable: ${table}\nrow_key: k\ncolumns: { d:a: a, x:b: b }`, new RegExp(`hbase at ${host}: table ${table} has no column family x \\(it has d\\)`)],
      ['type: hbase\ntransport: rpc\nzookeeper_quorum: 127.0.0.1:1\ntable: t\nrow_key: k\nfamily: d\nrequest_timeout_ms: 5000', /hbase at zookeeper 127\.0\.0\.1:1: ZooKeeper: .*(no answer within 5000 ms|Failed to connect to zookeeper)/],
      [`${TRANSPORTS.rpc}\ntable: nosuch_${table}\nrow_key: k\nfamily: d`, new RegExp(`hbase at zookeeper ${HBASE_ZOOKEEPER}: table nosuch_${table} does not exist`)],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink }), expected);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: hbase
      transport: thrift
      table: t
      row_key: k
      family: d
  - name: q
    source: { topics: [t] }
    sink:
      type: hbase
      table: t
      row_key: "{{ id"
      columns: { qualifier_only: a }
      max_request_rows: many
  - name: r
    source: { topics: [t] }
    sink: { type: hbase, transport: rpc, table: t, row_key: k, family: d, create_table: { versions: 2 } }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:18: pipelines\\[0\\]\\.sink\\.transport: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:16:\\d+: pipelines\\[1\\]\\.sink\\.row_key: invalid template`));
    assert.match(result.stderr, new RegExp(`${file}:18:\\d+: pipelines\\[1\\]\\.sink\\.max_request_rows: Invalid input: expected number, received string`));
    assert.match(result.stderr, new RegExp(`${file}:21:\\d+: pipelines\\[2\\]\\.sink\\.create_table: create_table needs the REST transport`));
  });
});
