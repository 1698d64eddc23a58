/**
 * The hdfs connector against a real NameNode and DataNode (WebHDFS): `dt=`/`hour=` directories
 * from a time field, CSV with gzip and unencodable records dead-lettered with their reason,
 * rolling by records, bytes and age, staging leftovers removed and an interrupted commit rolled
 * forward on start, bad options at validation, and an unreachable NameNode or a refused base
 * path named at start.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { HDFS_URL, KAFKA_BROKERS, requireServer } from '../src/env.js';
import { createFile, hdfsServer, hdfsSinkYaml, listFiles, listStatus, mkdirAs, readIds, readPublished } from '../src/hdfs.js';
import { createTopic, produce, readTopic, uniqueName, type TestMessage } from '../src/kafka.js';
import { pipelineYaml } from '../src/pipelines.js';
import { SinkhubProcess, eventually, expectStartFailure, runUntil, validateYaml } from '../src/sinkhub-process.js';

const root = `/hdfs-suite-${process.pid}`;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 31, 22, 30); // 2024-01-31 22:30 UTC: records cross an hour and a day

before(async () => {
  await requireServer('Kafka', KAFKA_BROKERS[0]!);
  await requireServer(hdfsServer.name, hdfsServer.address);
});

const events = (n: number, value: (i: number) => unknown = (i) => ({ id: i, ts: T0 + i * 60_000 })): TestMessage[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: JSON.stringify(value(i)) }));

/** Runs a pipeline until `done`, then stops it gracefully. */
async function run(topic: string, sink: string, done: () => Promise<boolean>, o: { dlq?: boolean; maxRecords?: number; name?: string } = {}) {
  return runUntil(pipelineYaml({ name: o.name ?? topic, topic, sink, maxRecords: o.maxRecords ?? 100, ...(o.dlq && { tolerance: 'all' as const, deadLetterTopic: `${topic}-dlq` }) }), done, 'the files in HDFS');
}

const published = async (path: string) => (await listFiles(path)).filter((f) => !f.path.includes('/.staging/'));
const lines = (text: string) => text.split('\n').filter((l) => l);

describe('hdfs connector', () => {
  it('writes each record under dt=/hour= directories from its time field, named by offset range', { timeout: 90_000 }, async () => {
    const topic = uniqueName('hdfs-dt');
    await createTopic(topic, 2);
    await produce(topic, events(180), 2); // 3 hours: 22:30 → 01:29 the next day
    const path = `${root}/${topic}`;
    const sink = `${hdfsSinkYaml}
path: ${path}
directory: "{{ $topic }}/dt={{ $fromMillis(ts, '[Y0001]-[M01]-[D01]') }}/hour={{ $fromMillis(ts, '[H01]') }}"
roll: { max_age_ms: 1000 }`;
    await run(topic, sink, async () => (await readIds(path)).length >= 180);
    const files = await readPublished(path);
    const dirs = new Set(files.map((f) => f.path.slice(path.length + 1, f.path.lastIndexOf('/'))));
    assert.deepEqual([...dirs].sort(), [`${topic}/dt=2024-01-31/hour=22`, `${topic}/dt=2024-01-31/hour=23`, `${topic}/dt=2024-02-01/hour=00`, `${topic}/dt=2024-02-01/hour=01`]);
    for (const f of files) {
      const [, hour] = /hour=(\d\d)/.exec(f.path)!;
      for (const line of lines(f.text)) assert.equal(new Date((JSON.parse(line) as { ts: number }).ts).getUTCHours(), Number(hour), `${line} in ${f.path}`);
      assert.match(f.path.slice(f.path.lastIndexOf('/') + 1), new RegExp(`^${topic}\\+[01]\\+\\d{10}\\+\\d{10}\\.jsonl$`));
    }
    assert.deepEqual((await readIds(path)).sort((a, b) => a - b), Array.from({ length: 180 }, (_, i) => i), 'each record once');
    assert.deepEqual(await listStatus(`${path}/.staging`), [], 'nothing left in staging');
  });

  it('writes CSV with a header, gzip-compressed; records CSV cannot hold go to the dead-letter topic with the reason', { timeout: 90_000 }, async () => {
    const topic = uniqueName('hdfs-csv');
    await createTopic(topic, 1);
    const value = (i: number) => (i % 25 === 24 ? { id: i, user: { name: ['not', 'a', 'cell'] } } : { id: i, user: { name: i % 2 ? `Ann "${i}"` : `b, ${i}` }, paid: i % 3 === 0 });
    await produce(topic, events(100, value));
    const path = `${root}/${topic}`;
    const sink = `${hdfsSinkYaml}
path: ${path}
format: csv
csv: { columns: [id, user.name, paid, $offset] }
compression: gzip
roll: { max_age_ms: 1000 }`;
    await run(topic, sink, async () => (await readPublished(path)).reduce((n, f) => n + lines(f.text).length - 1, 0) >= 96, { dlq: true });
    const files = await readPublished(path);
    assert.ok(files.length >= 1 && files.every((f) => f.path.endsWith('.csv.gz')));
    const rows = files.flatMap((f) => {
      const [header, ...rest] = lines(f.text);
      assert.equal(header, 'id,user.name,paid,offset');
      return rest;
    });
    assert.equal(rows.length, 96);
    assert.ok(rows.includes('0,"b, 0",true,0'), 'a comma quoted');
    assert.ok(rows.includes('1,"Ann ""1""",false,1'), 'quotes doubled');
    const letters = await readTopic(`${topic}-dlq`, 4);
    assert.deepEqual(letters.map((l) => l.headers['sinkhub.source.offset']), ['24', '49', '74', '99']);
    for (const l of letters) {
      assert.equal(l.headers['sinkhub.error.stage'], 'write');
      assert.equal(l.headers['sinkhub.error.class'], 'RecordEncodingError');
      assert.match(l.headers['sinkhub.error.message']!, /column user\.name holds an array/);
    }
  });

  it('rolls files by records, by bytes, and by age', { timeout: 120_000 }, async () => {
    const topic = uniqueName('hdfs-roll');
    await createTopic(topic, 1);
    await produce(topic, events(450));
    const byRecords = `${root}/${topic}-records`;
    const byBytes = `${root}/${topic}-bytes`;
    // Units roll after the batch that reaches a limit (batches of 10 here); the rest is
    // published when the pipeline stops.
    await run(topic, `${hdfsSinkYaml}\npath: ${byRecords}\nroll: { max_records: 100 }`, async () => (await readIds(byRecords)).length >= 400, { maxRecords: 10 });
    const counts = (await readPublished(byRecords)).sort((a, b) => a.path.localeCompare(b.path)).map((f) => lines(f.text).length);
    assert.equal(counts.reduce((a, b) => a + b), 450);
    assert.ok(counts.length >= 4, `${counts.length} files`);
    for (const c of counts.slice(0, -1)) assert.ok(c >= 100 && c < 110, `a file of ${c} records`);

    await run(topic, `${hdfsSinkYaml}\npath: ${byBytes}\nroll: { max_bytes: 4000 }`, async () => (await published(byBytes)).length >= 3, { maxRecords: 10, name: `${topic}-bytes` });
    const sizes = (await published(byBytes)).sort((a, b) => a.path.localeCompare(b.path)).map((f) => f.length);
    assert.equal((await readIds(byBytes)).length, 450);
    assert.ok(sizes.length >= 4, `${sizes.length} files`);
    for (const s of sizes.slice(0, -1)) assert.ok(s >= 4000 && s < 4000 + 10 * 40, `a file of ${s} bytes`);

    // By age: no record or byte limit is near, yet the records show up while the pipeline runs.
    const byAge = `${root}/${topic}-age`;
    const proc = SinkhubProcess.run(pipelineYaml({ name: `${topic}-age`, topic, sink: `${hdfsSinkYaml}\npath: ${byAge}\nroll: { max_age_ms: 1500 }` }));
    await eventually(async () => (await readIds(byAge)).length >= 450, 30_000, 'files published by age');
    proc.kill('SIGTERM');
    assert.equal(await proc.waitForExit(), 0);
  });

  it('on start removes its partitions\' staging leftovers and completes an interrupted commit', { timeout: 90_000 }, async () => {
    const topic = uniqueName('hdfs-stale');
    await createTopic(topic, 2);
    const path = `${root}/${topic}`;
    const staging = `${path}/.staging`;
    // What a crash leaves: a half-written file of partition 1, another topic's file, and a
    // two-file unit of partition 0 (offsets 0-1) whose manifest is written and whose first
    // file is already renamed into place.
    const final = (dir: string) => `${path}/${topic}/${dir}/${topic}+0+0000000000+0000000001.jsonl`;
    await createFile(`${staging}/${topic}+1.deadwriter.3.tmp`, '{"id":1000}\n');
    await createFile(`${staging}/other-topic+1.deadwriter.4.tmp`, 'not ours\n');
    await createFile(final('a'), '{"id":0}\n');
    await createFile(`${staging}/${topic}+0.deadwriter.2.tmp`, '{"id":1}\n');
    const manifest = [
      { from: `${staging}/${topic}+0.deadwriter.1.tmp`, to: final('a'), bytes: 9 },
      { from: `${staging}/${topic}+0.deadwriter.2.tmp`, to: final('b'), bytes: 9 },
    ];
    await createFile(`${staging}/${topic}+0.deadwriter.5.manifest`, manifest.map((e) => JSON.stringify(e) + '\n').join(''));
    // Offsets 0 and 1 of partition 0 are those files' records; the rest follow.
    await produce(topic, [0, 1, 2, 3, 4].map((id) => ({ key: null, value: JSON.stringify({ id, dir: id < 2 ? 'x' : 'c' }), partition: 0 })), 2);

    const sink = `${hdfsSinkYaml}\npath: ${path}\ndirectory: "{{ $topic }}/{{ dir }}"\nroll: { max_age_ms: 500 }`;
    const proc = await run(topic, sink, async () => (await readIds(path)).length >= 5);
    const opened = proc.logs.find((l) => l.msg === 'partitions opened') as { stored?: { partition: number; next: number }[] } | undefined;
    assert.deepEqual(opened?.stored, [{ topic, partition: 0, next: 2 }], 'resumed after the rolled-forward unit');
    assert.deepEqual((await readIds(path)).sort((a, b) => a - b), [0, 1, 2, 3, 4], 'nothing lost, nothing twice');
    assert.ok(proc.logs.some((l) => l.msg === 'completing an interrupted commit'));
    assert.deepEqual((await listStatus(staging)).map((s) => s.pathSuffix), ['other-topic+1.deadwriter.4.tmp'], 'only our partitions\u2019 leftovers removed');
  });

  it('names the NameNode it cannot reach, and the base path it may not write, at start', { timeout: 90_000 }, async () => {
    const topic = uniqueName('hdfs-start');
    await createTopic(topic, 1);
    const locked = `${root}/${topic}-locked`;
    await mkdirAs(locked, '755'); // owned by the superuser: `sinkhub` may not write there
    const yaml = (sink: string) => pipelineYaml({ name: topic, topic, sink });
    await expectStartFailure(yaml(`type: hdfs\nurl: http://127.0.0.1:1\npath: /data`), /hdfs at 127\.0\.0\.1:1: MKDIRS \/data\/\.staging: connect ECONNREFUSED/);
    await expectStartFailure(yaml(`${hdfsSinkYaml}\npath: ${locked}/events`), new RegExp(`hdfs at ${new URL(HDFS_URL).host.replace(/\./g, '\\.')}: MKDIRS ${locked}/events/\\.staging: AccessControlException: Permission denied: user=sinkhub, access=WRITE`));
    await createFile(`${root}/${topic}-file`, 'a file, not a directory\n');
    await expectStartFailure(yaml(`${hdfsSinkYaml}\npath: ${root}/${topic}-file`), /MKDIRS .*-file\/\.staging: ParentNotDirectoryException/);
  });

  it('bad options are refused at validation with file, line and field', () => {
    const result = validateYaml(`kafka: { brokers: [127.0.0.1:9092] }
pipelines:
  - name: p
    source: { topics: [t] }
    sink:
      type: hdfs
      url: namenode:9870
      path: data/events
      format: csv
      roll: { max_bytes: -1 }
  - name: q
    source: { topics: [t] }
    sink:
      type: hdfs
      path: /data
      format: avro
      csv: { columns: ["not a path"] }
`);
    const { file } = result;
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file}:7:12: pipelines\\[0\\]\\.sink\\.url: an http://host:port URL`));
    assert.match(result.stderr, new RegExp(`${file}:8:13: pipelines\\[0\\]\\.sink\\.path: an absolute HDFS path`));
    assert.match(result.stderr, /pipelines\[0\]\.sink\.roll\.max_bytes: /);
    assert.match(result.stderr, /pipelines\[1\]\.sink\.format: Invalid option/);
    assert.match(result.stderr, /pipelines\[1\]\.sink\.csv\.columns\[0\]: a field path/);
  });
});
