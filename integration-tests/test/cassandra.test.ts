/**
 * The cassandra connector against a real Cassandra 5.0: the type mapping read back, partial
 * rows and cleared cells, tombstone deletes, TTL, write times that make replays converge,
 * auto-create from the declared schema, consistency levels, refused values to the dead-letter
 * topic with the server's reason (found inside a refused unlogged batch), counter tables
 * refused, bad credentials, a missing table or an unreachable host named at start, and bad
 * options refused at validation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYSPACE, cassandraServer, closeCassandra, connection, cql, tableFor, tempKeyspace } from '../src/cassandra.js';
import { CASSANDRA_CONTACT_POINTS, CASSANDRA_DATA_CENTER, CASSANDRA_PASSWORD, CASSANDRA_TLS_CA, CASSANDRA_USER, KAFKA_BROKERS, requireServer } from '../src/env.js';
import { committedOffsets, createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(cassandraServer.name, cassandraServer.address);
});
after(closeCassandra);

const json = (key: unknown, value: unknown, extra: Partial<TestMessage> = {}): TestMessage => ({ key: key === null ? null : typeof key === 'string' ? key : JSON.stringify(key), value: value === null ? null : JSON.stringify(value), ...extra });
const count = async (table: string) => Number((await cql(`SELECT COUNT(*) AS n FROM ${KEYSPACE}.${table}`))[0]!['n']);

interface RunOptions {
  dlq?: boolean;
  keyJson?: boolean;
  maxRecords?: number;
  name?: string;
  keyspace?: string;
  /** The `sink:` lines reaching the server, instead of the suites' `connection`. */
  connection?: string;
}

/** Runs `sink` over the topic's records until `done` holds, then stops it gracefully. */
async function runSink(topic: string, sink: string, done: () => Promise<boolean>, o: RunOptions = {}): Promise<SinkhubProcess> {
  let yaml = pipelineYaml({ name: o.name ?? topic, topic, sink: `type: cassandra\n${(o.connection ?? connection).replace(`keyspace: ${KEYSPACE}`, `keyspace: ${o.keyspace ?? KEYSPACE}`)}\n${sink}`, delivery: 'exactly-once', maxRecords: o.maxRecords ?? 100, ...(o.dlq && { tolerance: 'all', deadLetterTopic: `${topic}-dlq` }) });
  if (o.keyJson) yaml = yaml.replace('session_timeout_ms: 6000', 'session_timeout_ms: 6000\n      key_format: json');
  return runUntil(yaml, done, 'the rows in Cassandra');
}

async function topicWith(prefix: string, messages: TestMessage[]): Promise<{ topic: string; table: string }> {
  const topic = uniqueName(prefix);
  await createTopic(topic, 1);
  await produce(topic, messages);
  return { topic, table: tableFor(topic) };
}

describe('cassandra connector', () => {
  it('every field into the table’s columns, each JSON value as its CQL type; missing fields left, nulls cleared, tombstones delete', { timeout: 90_000 }, async () => {
    const uid = '3c1d5f3e-8d1f-4b7e-9a55-0d5a3c0f6b21';
    const { topic, table } = await topicWith('cass-types', [
      json('1', { id: 1, name: 'ada', big: '9007199254740993', score: 1.5, ok: true, at: '2024-01-02T03:04:05.678Z', uid, attrs: { a: 1, b: 2 }, tags: ['y', 'x', 'y'], seq: [3, 1], data: 'AAEC/w==', day: '2024-02-29', price: '19.99', pair: [7, 'seven'], extra: 'no such column' }),
      json('2', { id: 2, name: 'bob', score: 2 }),
      json('3', { id: 3, name: 'cy', score: 3 }),
      json('1', { id: 1, score: 9.25 }),
      json('2', { id: 2, name: null }),
      json('3', null),
    ]);
    await cql(
      `CREATE TABLE ${KEYSPACE}.${table} (id int PRIMARY KEY, name text, big bigint, score double, ok boolean, at timestamp, uid uuid, attrs map<text, int>, tags set<text>, seq list<bigint>, data blob, day date, price decimal, pair frozen<tuple<int, text>>)`,
    );
    await runSink(topic, `table: ${table}`, async () => (await count(table)) === 2 && (await cql(`SELECT score FROM ${KEYSPACE}.${table} WHERE id = 1`))[0]?.['score'] === 9.25);
    const [one] = await cql(`SELECT * FROM ${KEYSPACE}.${table} WHERE id = 1`);
    assert.deepEqual(
      {
        name: one!['name'],
        big: String(one!['big']),
        score: one!['score'],
        ok: one!['ok'],
        at: (one!['at'] as Date).toISOString(),
        uid: String(one!['uid']),
        attrs: Object.fromEntries(one!['attrs'] as Map<string, number>),
        tags: one!['tags'],
        seq: (one!['seq'] as unknown[]).map(String),
        data: (one!['data'] as Buffer).toString('hex'),
        day: String(one!['day']),
        price: String(one!['price']),
        pair: (one!['pair'] as { values(): unknown[] }).values(),
      },
      { name: 'ada', big: '9007199254740993', score: 9.25, ok: true, at: '2024-01-02T03:04:05.678Z', uid, attrs: { a: 1, b: 2 }, tags: ['x', 'y'], seq: ['3', '1'], data: '000102ff', day: '2024-02-29', price: '19.99', pair: [7, 'seven'] },
    );
    const [two] = await cql(`SELECT name, score FROM ${KEYSPACE}.${table} WHERE id = 2`);
    assert.deepEqual([two!['name'], two!['score']], [null, 2], 'a JSON null clears the cell, the rest stays');
    assert.equal((await cql(`SELECT id FROM ${KEYSPACE}.${table} WHERE id = 3`)).length, 0, 'the tombstone deleted row 3');
  });

  it('auto-create from the declared schema (keyspace and table, clustering key); tombstones with a JSON key delete one row', { timeout: 90_000 }, async () => {
    const keyspace = tempKeyspace('auto');
    const { topic, table } = await topicWith('cass-auto', [
      ...Array.from({ length: 30 }, (_, i) => json({ sensor: `s${i % 3}`, at: 1_700_000_000_000 + i }, { device: { id: `s${i % 3}` }, at: 1_700_000_000_000 + i, reading: i / 2, labels: { unit: 'C' } })),
      json({ sensor: 's0', at: 1_700_000_000_000 }, null),
    ]);
    const sink = [
      `table: ${table}`,
      'columns:',
      '  sensor: { from: device.id, type: text }',
      '  at: { from: at, type: timestamp }',
      '  reading: { from: reading, type: double }',
      '  labels: { from: labels, type: "frozen<map<text, text>>" }',
      '  src: { from: "$string($partition) & \'/\' & $string($offset)", type: text }',
      'auto_create:',
      '  partition_key: [sensor]',
      '  clustering_key: [at]',
    ].join('\n');
    const rows = async () => Number((await cql(`SELECT COUNT(*) AS n FROM ${keyspace}.${table}`).catch(() => [{ n: 0 }]))[0]!['n']);
    await runSink(topic, sink, async () => (await rows()) === 29, { keyJson: true, keyspace });
    const columns = await cql('SELECT column_name, kind, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [keyspace, table]);
    assert.deepEqual(
      columns.map((c) => `${c['column_name']} ${c['kind']} ${c['type']}`).sort(),
      ['at clustering timestamp', 'labels regular frozen<map<text, text>>', 'reading regular double', 'sensor partition_key text', 'src regular text'],
    );
    const [ks] = await cql('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace]);
    assert.equal((ks!['replication'] as Map<string, string>).get('replication_factor'), '1');
    assert.equal((await cql(`SELECT * FROM ${keyspace}.${table} WHERE sensor = 's0' AND at = 1700000000000`)).length, 0, 'the tombstone deleted that one row');
    assert.equal((await cql(`SELECT * FROM ${keyspace}.${table} WHERE sensor = 's0'`)).length, 9, 'and no other row of its partition');
  });

  it('TTL, fixed or per record; write times from a field make a replay converge and keep a newer row from an older record', { timeout: 120_000 }, async () => {
    const { topic, table } = await topicWith('cass-time', [
      json('1', { id: 1, v: 'new', sent: 2_000_000, keep: 600 }),
      json('1', { id: 1, v: 'old', sent: 1_000_000, keep: 600 }),
      json('2', { id: 2, v: 'two', sent: 1_000_000, keep: null }),
      json('3', { id: 3, v: 'three', sent: 1_000_000, keep: 60 }),
      json('3', null),
    ]);
    await cql(`CREATE TABLE ${KEYSPACE}.${table} (id int PRIMARY KEY, v text) WITH default_time_to_live = 86400`);
    const sink = `table: ${table}\ncolumns: { id: id, v: v }\nwrite_timestamp: sent\nttl: keep`;
    const rowsOf = async () => (await cql(`SELECT id, v, WRITETIME(v) AS wt, TTL(v) AS ttl FROM ${KEYSPACE}.${table}`)).map((r) => [r['id'], r['v'], String(r['wt']), r['ttl']]).sort();
    await runSink(topic, sink, async () => (await count(table)) === 2);
    const first = await rowsOf();
    const ttls = first.map((r) => r[3] as number);
    assert.deepEqual(first.map((r) => r.slice(0, 3)), [[1, 'new', '2000000000'], [2, 'two', '1000000000']], 'the older record did not overwrite the newer; the tombstone (Kafka time) deleted row 3');
    assert.ok(ttls[0]! > 500 && ttls[0]! <= 600, `the record's ttl (${ttls[0]})`);
    assert.ok(ttls[1]! > 86_000, `null: the table's default ttl (${ttls[1]})`);
    // A second pipeline (another consumer group) replays the whole topic: nothing changes.
    await runSink(topic, sink, async () => (await committedOffsets(`sinkhub-${topic}-replay`, topic)).get(0) === 5, { name: `${topic}-replay` });
    assert.deepEqual((await rowsOf()).map((r) => r.slice(0, 3)), first.map((r) => r.slice(0, 3)), 'the replay converged to the same rows and write times');

    const fixed = await topicWith('cass-ttl', [json('1', { id: 1, v: 'a' })]);
    await cql(`CREATE TABLE ${KEYSPACE}.${fixed.table} (id int PRIMARY KEY, v text)`);
    await runSink(fixed.topic, `table: ${fixed.table}\nttl: 120`, async () => (await count(fixed.table)) === 1);
    const [row] = await cql(`SELECT TTL(v) AS ttl, WRITETIME(v) AS wt FROM ${KEYSPACE}.${fixed.table} WHERE id = 1`);
    assert.ok((row!['ttl'] as number) > 60 && (row!['ttl'] as number) <= 120, `ttl ${row!['ttl']}`);
    const age = Date.now() * 1000 - Number(row!['wt']);
    assert.ok(age > 0 && age < 120_000_000, 'without write_timestamp, the time of writing');
  });

  it('refused values go to the dead-letter topic with the server’s reason, found inside refused unlogged batches; the rest are written', { timeout: 90_000 }, async () => {
    for (const unlogged of [true, false]) {
      const messages = Array.from({ length: 60 }, (_, i) => json(String(i), { p: `p${i % 3}`, c: i, n: i }));
      messages[10] = json('10', { p: 'p1', c: null, n: 10 });
      messages[20] = json('20', { p: null, c: 20, n: 20 });
      messages[30] = json('30', { p: 'k'.repeat(70_000), c: 30, n: 30 });
      messages[40] = json('40', { p: 'p1', c: 40, n: 1.5 });
      messages[50] = json('50', { p: '', c: 50, n: 50 });
      const { topic, table } = await topicWith('cass-refused', messages);
      await cql(`CREATE TABLE ${KEYSPACE}.${table} (p text, c int, n int, PRIMARY KEY (p, c))`);
      await runSink(topic, `table: ${table}\nunlogged_batches: ${unlogged}`, async () => (await count(table)) === 55, { dlq: true });
      const letters = await readTopic(`${topic}-dlq`, 5);
      const reasons = Object.fromEntries(letters.map((l) => [l.key, l.headers['sinkhub.error.message']]));
      assert.deepEqual(Object.keys(reasons).sort(), ['10', '20', '30', '40', '50']);
      assert.ok(letters.every((l) => l.headers['sinkhub.error.stage'] === 'write' && l.headers['sinkhub.source.topic'] === topic));
      assert.match(reasons['10']!, /Invalid null value in condition for column c/);
      assert.match(reasons['20']!, /Invalid null value in condition for column p/);
      assert.match(reasons['30']!, /Key length of 70000 is longer than maximum of 65535/);
      assert.equal(reasons['40'], 'column n (int): 1.5 is not an integer');
      assert.match(reasons['50']!, /Key may not be empty/);
      assert.equal(await count(table), 55, `unlogged_batches: ${unlogged}: every other row`);
    }
  });

  it('the consistency level is the option’s: THREE on one node is unavailable, so writes wait and retry; ALL goes through', { timeout: 90_000 }, async () => {
    const { topic, table } = await topicWith('cass-cl', [json('1', { id: 1, v: 'a' })]);
    await cql(`CREATE TABLE ${KEYSPACE}.${table} (id int PRIMARY KEY, v text)`);
    const proc = SinkhubProcess.run(pipelineYaml({ name: topic, topic, sink: `type: cassandra\n${connection}\ntable: ${table}\nconsistency: three` }));
    await proc.waitForLog((l) => l.msg === 'write failed; retrying', 45_000);
    const failure = proc.logs.find((l) => l.msg === 'write failed; retrying')!;
    assert.match(String(failure['err']), /Not enough replicas available for query at consistency THREE \(3 required but only 1 alive\)/);
    assert.equal(await count(table), 0);
    proc.kill('SIGKILL');
    await proc.waitForExit();
    await runSink(topic, `table: ${table}\nconsistency: all`, async () => (await count(table)) === 1, { name: `${topic}-all` });
  });

  it('TLS with the server’s CA and a password from a file; a server certificate no CA vouches for is refused', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinkhub-cassandra-'));
    writeFileSync(join(dir, 'password'), `${CASSANDRA_PASSWORD}\n`);
    const { topic, table } = await topicWith('cass-tls', [json('1', { id: 1, v: 'over tls' })]);
    await cql(`CREATE TABLE ${KEYSPACE}.${table} (id int PRIMARY KEY, v text)`);
    const withFile = connection.replace(`password: ${CASSANDRA_PASSWORD}`, `password: "\${file:${join(dir, 'password')}}"`);
    await runSink(topic, `table: ${table}\ntls: { ca_file: ${CASSANDRA_TLS_CA} }`, async () => (await count(table)) === 1, { connection: withFile });
    assert.equal((await cql(`SELECT v FROM ${KEYSPACE}.${table} WHERE id = 1`))[0]!['v'], 'over tls');
    await expectStartFailure(
      pipelineYaml({ name: `${topic}-noca`, topic, sink: `type: cassandra\n${connection}\ntable: ${table}\ntls: { enabled: true }\nconnect_timeout_ms: 3000` }),
      /cassandra at .*: no host available: .*(self[- ]signed certificate|unable to verify|unable to get local issuer)/i,
    );
  });

  it('a wrong password, a missing keyspace or table, a counter table or an unreachable host stop the start quickly, naming the server', { timeout: 120_000 }, async () => {
    const topic = uniqueName('cass-start');
    await createTopic(topic, 1);
    const counters = tableFor(topic, 'counters');
    await cql(`CREATE TABLE ${KEYSPACE}.${counters} (id text PRIMARY KEY, hits counter)`);
    const where = CASSANDRA_CONTACT_POINTS.join(',');
    const base = `contact_points: [${CASSANDRA_CONTACT_POINTS.join(', ')}]\nlocal_data_center: ${CASSANDRA_DATA_CENTER}\nusername: ${CASSANDRA_USER}`;
    const cases: [string, RegExp][] = [
      [`${base}\npassword: wrong-secret\nkeyspace: ${KEYSPACE}\ntable: t`, new RegExp(`cassandra at ${where}: no host available: ${where}: AuthenticationError: Provided username ${CASSANDRA_USER} and/or password are incorrect`)],
      [`${connection}\ntable: no_such_table`, new RegExp(`cassandra at ${where}: table ${KEYSPACE}\\.no_such_table does not exist \\(create it, or set auto_create\\)`)],
      [`${connection.replace(`keyspace: ${KEYSPACE}`, 'keyspace: no_such_keyspace')}\ntable: t`, /keyspace no_such_keyspace does not exist/],
      [`${connection}\ntable: ${counters}`, /has counter columns \(hits\): an increment replayed would count twice/],
      [`contact_points: [127.0.0.1:1]\nkeyspace: ${KEYSPACE}\ntable: t\nconnect_timeout_ms: 2000`, /cassandra at 127\.0\.0\.1:1: no host available: 127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1/],
    ];
    for (const [sink, expected] of cases) await expectStartFailure(pipelineYaml({ name: topic, topic, sink: `type: cassandra\n${sink}` }), expected, ['wrong-secret']);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: cassandra
      keyspace: shop
      table: orders
      consistency: most
  - name: q
    source: { topics: [t] }
    sink: { type: cassandra, keyspace: shop, table: orders, concurrency: lots }
  - name: r
    source: { topics: [t] }
    sink:
      type: cassandra
      keyspace: shop
      table: orders
      columns: { id: { from: id, type: "int, evil text" } }
  - name: s
    source: { topics: [t] }
    sink: { type: cassandra, keyspace: shop, table: orders, auto_create: { partition_key: [id] } }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:9:20: pipelines\\[0\\]\\.sink\\.consistency: Invalid option`));
    assert.match(result.stderr, new RegExp(`${file}:12:74: pipelines\\[1\\]\\.sink\\.concurrency: .*expected number`));
    assert.match(result.stderr, new RegExp(`${file}:19:\\d+: pipelines\\[2\\]\\.sink\\.columns\\.id\\.type: a CQL type`));
    assert.match(result.stderr, new RegExp(`${file}:22:\\d+: pipelines\\[3\\]\\.sink\\.auto_create: auto_create needs the declared \`columns\``));
  });
});
