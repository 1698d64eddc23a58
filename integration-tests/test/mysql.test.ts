/**
 * The mysql connector against a real MariaDB/MySQL: each mode and option family, rows the server
 * refuses going to the dead-letter topic with its reason, fencing of a second writer, bad
 * options refused at validation, and an unreachable or misconfigured server named at start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KAFKA_BROKERS, MYSQL_TLS_CA, MYSQL_TLS_USER, MYSQL_URL, requireServer } from '../src/env.js';
import { createTopic, produce, produceOverTime, jsonEvents, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { closeDb, mysqlServer, rows } from '../src/mysql.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(mysqlServer.name, mysqlServer.address);
});
after(closeDb);

const orders = (n: number, from = 0): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: String(from + i), value: JSON.stringify({ id: from + i, customer: { name: `c${(from + i) % 7}` }, total: (from + i) * 1.25, status: 'new' }) }));

const exists = async (table: string) => (await rows(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`, [table])).length > 0;
/** Rows in `table`; 0 while it does not exist yet. */
const count = async (table: string) => ((await exists(table)) ? Number((await rows<{ n: number }>(`SELECT COUNT(*) AS n FROM \`${table}\``))[0]!.n) : 0);

/** Runs `sink` over `messages` until `done` holds, then stops it gracefully. */
async function runSink(sink: string, messages: TestMessage[], done: (topic: string) => Promise<boolean>, extra: { dlq?: boolean; delivery?: 'exactly-once' | 'at-least-once'; maxRecords?: number } = {}) {
  const topic = uniqueName('mysql');
  await createTopic(topic, 1);
  await produce(topic, messages);
  const proc = SinkhubProcess.run(
    pipelineYaml({ name: topic, topic, sink: sink.replaceAll('TOPIC', topic), delivery: extra.delivery ?? 'exactly-once', maxRecords: extra.maxRecords ?? 100, ...(extra.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) }),
  );
  await eventually(() => done(topic), 30_000, 'the rows in MySQL');
  proc.kill('SIGTERM');
  assert.equal(await proc.waitForExit(), 0);
  return topic;
}

describe('mysql connector', () => {
  it('upsert from declared columns; later records update, tombstones delete', { timeout: 60_000 }, async () => {
    const changes: TestMessage[] = [...orders(20), { key: '3', value: JSON.stringify({ id: 3, customer: { name: 'zed' }, total: 99, status: 'paid' }) }, { key: '4', value: null }, { key: '5', value: null }];
    const sink = `type: mysql\nurl: ${MYSQL_URL}\ntable: TOPIC\nmode: upsert\nkey: [id]\nauto_create: true\ncolumns:\n  id: { from: id, type: BIGINT }\n  customer: customer.name\n  total: { from: total, type: "DECIMAL(10,2)" }\n  status: { from: status, type: "VARCHAR(16)" }\n  kafka_offset: $offset`;
    const topic = await runSink(sink, changes, async (t) => (await count(t)) === 18);
    const got = await rows<{ id: number; customer: string; total: string; status: string; kafka_offset: number }>(`SELECT * FROM \`${topic}\` WHERE id IN (2, 3, 4) ORDER BY id`);
    assert.deepEqual(got.map((r) => [r.id, r.customer, r.total, r.status, Number(r.kafka_offset)]), [[2, 'c2', '2.50', 'new', 2], [3, 'zed', '99.00', 'paid', 20]]);
    const types = await rows<{ c: string; t: string; k: string }>(`SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [topic]);
    assert.deepEqual(types.map((r) => [r.c, r.t, r.k]), [['id', 'bigint(20)', 'PRI'], ['customer', 'text', ''], ['total', 'decimal(10,2)', ''], ['status', 'varchar(16)', ''], ['kafka_offset', 'bigint(20)', '']]);
  });

  it('insert of every field into an existing table; unknown fields ignored or dead-lettered', { timeout: 90_000 }, async () => {
    const table = uniqueName('mysql-existing');
    await rows(`CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, status VARCHAR(16), total DOUBLE)`);
    const ignored = await runSink(`type: mysql\nurl: ${MYSQL_URL}\ntable: "${table}"`, orders(30), async () => (await count(table)) === 30);
    assert.ok(ignored);
    assert.deepEqual(await rows(`SELECT id, status, total FROM \`${table}\` WHERE id = 4`), [{ id: 4, status: 'new', total: 5 }]);

    const strict = uniqueName('mysql-strict');
    await rows(`CREATE TABLE \`${strict}\` (id BIGINT PRIMARY KEY, status VARCHAR(16), total DOUBLE)`);
    const messages = orders(10).map((m, i) => (i % 3 === 0 ? { key: m.key, value: JSON.stringify({ id: i, status: 'new', total: i }) } : m));
    const topic = await runSink(`type: mysql\nurl: ${MYSQL_URL}\ntable: "${strict}"\nunknown_fields: error`, messages, async () => (await count(strict)) === 4, { dlq: true });
    const letters = await readTopic(`${topic}-dlq`, 6);
    assert.deepEqual(letters.map((l) => l.key).sort(), ['1', '2', '4', '5', '7', '8']);
    assert.match(letters[0]!.headers['sinkhub.error.message']!, /has no column for field\(s\) customer/);
  });

  it('rows the server refuses go to the dead-letter topic with its reason; the rest are written once', { timeout: 90_000 }, async () => {
    for (const delivery of ['exactly-once', 'at-least-once'] as const) {
      const table = uniqueName('mysql-refused');
      await rows(`CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, status VARCHAR(4) NOT NULL, total DOUBLE)`);
      const messages = orders(300).map((m, i) => {
        if (i === 10) return { key: m.key, value: JSON.stringify({ id: i, status: 'much too long', total: 1 }) };
        if (i === 20) return { key: m.key, value: JSON.stringify({ id: i, status: null, total: 1 }) };
        if (i === 30) return { key: m.key, value: JSON.stringify({ id: 5, status: 'dup', total: 1 }) };
        return { key: m.key, value: JSON.stringify({ id: i, status: 'ok', total: i }) };
      });
      const topic = await runSink(`type: mysql\nurl: ${MYSQL_URL}\ntable: "${table}"`, messages, async () => (await count(table)) === 297, { dlq: true, delivery });
      const letters = await readTopic(`${topic}-dlq`, 3);
      assert.deepEqual(
        letters.map((l) => [l.key, l.headers['sinkhub.error.stage'], l.headers['sinkhub.source.offset']]).sort(),
        [['10', 'write', '10'], ['20', 'write', '20'], ['30', 'write', '30']],
        delivery,
      );
      const reasons = letters.map((l) => l.headers['sinkhub.error.message']).sort();
      assert.match(reasons.join('\n'), /Data too long for column 'status'/);
      assert.match(reasons.join('\n'), /cannot be null/);
      assert.match(reasons.join('\n'), /Duplicate entry '5'/);
      assert.equal(await count(table), 297, `${delivery}: every other row exactly once`);
    }
  });

  it('table from a record field, auto-created with inferred types; big batches split under the size limit', { timeout: 90_000 }, async () => {
    const prefix = uniqueName('mysql-route').replaceAll('-', '_');
    const messages = Array.from({ length: 2000 }, (_, i) => ({ key: String(i), value: JSON.stringify({ id: i, kind: i % 2 ? 'odd' : 'even', score: i + 0.5, ok: i % 3 === 0, tags: ['a', i], note: 'n'.repeat(200) }) }));
    const sink = `type: mysql\nurl: ${MYSQL_URL}\ntable: "${prefix}_{{ kind }}"\nauto_create: true\nmax_statement_bytes: 20000`;
    const proc = await runSinkUntil(sink, messages, async () => (await count(`${prefix}_odd`)) + (await count(`${prefix}_even`)) === 2000, 1000);
    const types = await rows<{ c: string; t: string }>(`SELECT COLUMN_NAME AS c, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [`${prefix}_odd`]);
    assert.deepEqual(types.map((r) => `${r.c} ${r.t}`), ['id bigint', 'kind text', 'score double', 'ok tinyint', 'tags longtext', 'note text']);
    assert.deepEqual(await rows(`SELECT id, ok, JSON_UNQUOTE(JSON_EXTRACT(tags, '$[0]')) AS first FROM \`${prefix}_odd\` WHERE id = 3`), [{ id: 3, ok: 1, first: 'a' }]);
    assert.ok(proc.logs.filter((l) => l.msg === 'created table').length === 2);
  });

  it('two processes in one group split the partitions and survive a SIGKILL of one: each row exactly once', { timeout: 150_000 }, async () => {
    const RECORDS = 20_000;
    const topic = uniqueName('mysql-group');
    await createTopic(topic, 4);
    const yaml = pipelineYaml({ name: topic, topic, sink: `type: mysql\nurl: ${MYSQL_URL}\ntable: "{{ $topic }}"\nauto_create: true`, delivery: 'exactly-once', maxRecords: 200 });
    const assigned = (p: SinkhubProcess) => (p.logs.filter((l) => l.msg === 'partitions assigned').pop()?.['assigned'] as string[] | undefined) ?? [];
    const a = SinkhubProcess.run(yaml);
    await a.waitForLog((l) => l.msg === 'partitions opened', 60_000);
    const producing = produceOverTime(topic, jsonEvents(RECORDS), 4, 15_000);
    await eventually(async () => (await count(topic)) >= 2000, 60_000, 'a writing');
    const b = SinkhubProcess.run(yaml);
    await eventually(() => assigned(a).length === 2 && assigned(b).length === 2, 60_000, 'a 2 + 2 split');
    const before = await count(topic);
    await eventually(async () => (await count(topic)) >= before + 2000, 60_000, 'both writing');
    b.kill('SIGKILL');
    await b.waitForExit();
    await eventually(() => assigned(a).length === 4, 60_000, 'a takes all 4 partitions');
    await producing;
    await eventually(async () => (await count(topic)) >= RECORDS, 60_000, 'every row');
    a.kill('SIGTERM');
    assert.equal(await a.waitForExit(25_000), 0);
    const [stats] = await rows<{ n: number; d: number }>(`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM \`${topic}\``);
    assert.deepEqual([Number(stats!.n), Number(stats!.d)], [RECORDS, RECORDS]);
  });

  it('a second writer that moves the stored offsets fences the pipeline: it stops, committing nothing more', { timeout: 90_000 }, async () => {
    const topic = uniqueName('mysql-fence');
    await createTopic(topic, 1);
    const producing = produceOverTime(topic, jsonEvents(5000), 1, 8000);
    const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink: `type: mysql\nurl: ${MYSQL_URL}\ntable: "{{ $topic }}"\nauto_create: true`, delivery: 'exactly-once' }));
    await eventually(async () => (await count(topic)) > 200, 30_000, 'rows flowing');
    await rows('UPDATE sinkhub_offsets SET next_offset = next_offset + 100000 WHERE pipeline = ?', [topic]);
    assert.equal(await proc.waitForExit(30_000), 1);
    assert.match(String(proc.logs.find((l) => /fenced|another writer/.test(String(l['err'] ?? l.msg)))?.['err']), /another writer owns the partition/);
    await producing;
  });

  it('TLS with a CA file, a user and a password from a file; a user that requires TLS is refused without it', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-mysql-'));
    writeFileSync(join(dir, 'password'), `${decodeURIComponent(new URL(MYSQL_URL).password)}\n`);
    const url = new URL(MYSQL_URL);
    const base = `url: mysql://${url.host}${url.pathname}\nuser: ${MYSQL_TLS_USER}\npassword: "\${file:${join(dir, 'password')}}"\ntable: TOPIC\nauto_create: true`;
    const topic = await runSink(`type: mysql\n${base}\ntls: { ca_file: ${MYSQL_TLS_CA} }`, orders(10), async (t) => (await count(t)) === 10);
    assert.equal(await count(topic), 10);

    const refused = uniqueName('mysql-notls');
    await createTopic(refused, 1);
    await expectStartFailure(pipelineYaml({ name: refused, topic: refused, sink: `type: mysql\n${base.replace('TOPIC', refused)}` }), new RegExp(`mysql at ${url.host}${url.pathname}: Access denied for user '${MYSQL_TLS_USER}'`));
  });

  it('a wrong password, a missing table or an unreachable server stop the start quickly, naming the server', { timeout: 90_000 }, async () => {
    const topic = uniqueName('mysql-start');
    await createTopic(topic, 1);
    const url = new URL(MYSQL_URL);
    const cases: [string, RegExp][] = [
      [`url: mysql://sinkhub:wrong-secret@${url.host}${url.pathname}\ntable: t`, new RegExp(`mysql at ${url.host}${url.pathname}: Access denied for user 'sinkhub'`)],
      [`url: ${MYSQL_URL}\ntable: no_such_table`, /table `no_such_table` does not exist \(create it, or set auto_create\)/],
      ['url: mysql://sinkhub:sinkhub@127.0.0.1:1/sinkhub\nconnect_timeout_ms: 2000\ntable: t', /mysql at 127\.0\.0\.1:1\/sinkhub: .*ECONNREFUSED/],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink: `type: mysql\n${sink}` }), expected, ['wrong-secret']);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: mysql
      table: orders
      mode: merge
  - name: q
    source: { topics: [t] }
    sink: { type: mysql, table: orders, pool_size: many }
  - name: u
    source: { topics: [t] }
    sink: { type: mysql, table: orders, mode: upsert }
  - name: r
    source: { topics: [t] }
    sink:
      type: mysql
      table: orders
      columns: { "id; DROP TABLE orders": id }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:8:13: pipelines\\[0\\]\\.sink\\.mode: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:11:52: pipelines\\[1\\]\\.sink\\.pool_size: .*expected number`));
    assert.match(result.stderr, new RegExp(`${file}:14:11: pipelines\\[2\\]\\.sink\\.key: upsert needs the key columns`));
    assert.match(result.stderr, new RegExp(`${file}:20:\\d+: pipelines\\[3\\]\\.sink\\.columns\\.id; DROP TABLE orders: a column name`));
  });
});

/** Like runSink, returning the stopped process so its logs can be checked. */
async function runSinkUntil(sink: string, messages: TestMessage[], done: () => Promise<boolean>, maxRecords: number) {
  const topic = uniqueName('mysql');
  await createTopic(topic, 1);
  await produce(topic, messages);
  return runUntil(pipelineYaml({ name: topic, topic, sink, delivery: 'exactly-once', maxRecords }), done, 'the rows in MySQL', 30_000);
}
