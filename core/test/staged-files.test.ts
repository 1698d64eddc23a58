/**
 * The staged-files protocol beyond the file sink's defaults: units spread over directories by a
 * template (published together, rolled forward after a crash between renames), gzip, commits
 * that resume after the store failed, and directories a template may not produce.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { SinkRecord } from '../src/connector.js';
import { FencedError, isRetryable } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { LocalFileStore, StagedFilesSink, checkedDirectory, jsonLinesEncoder, type FileStore, type StagedFilesConfig } from '../src/staged-files/index.js';
import { compileTemplate } from '../src/template.js';

const rec = (partition: number, offset: number, value: unknown): SinkRecord => ({ topic: 'ev', partition, offset, timestamp: 0, key: null, value, headers: {}, size: 10 });
const roll = { max_records: 1000, max_bytes: 1 << 20, max_age_ms: 60_000 };

function sinkIn(dir: string, config: Partial<StagedFilesConfig> = {}) {
  return new StagedFilesSink({
    store: new LocalFileStore(false),
    path: dir,
    directory: compileTemplate('{{ $topic }}/day={{ day }}'),
    encoder: jsonLinesEncoder('value'),
    compression: 'none',
    roll,
    logger: createLogger('silent'),
    ...config,
  });
}

/** A store whose renames fail while `failing` is set, the rest passing through. */
function flaky(store: FileStore): FileStore & { failing: boolean; renames: number } {
  const f = Object.assign(Object.create(store) as FileStore, { failing: false, renames: 0 });
  f.rename = async (from, to) => {
    if (f.failing) throw new Error('store unreachable');
    f.renames++;
    return store.rename(from, to);
  };
  return f;
}

describe('staged files', () => {
  it('spreads a partition over template directories and publishes them as one unit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const sink = sinkIn(dir);
    await sink.connect();
    await sink.write({ records: [rec(0, 0, { day: 1 }), rec(0, 1, { day: 2 }), rec(0, 2, { day: 1 })] });
    const [unit, ...more] = await sink.prepare(true);
    assert.equal(more.length, 0, 'one unit per partition');
    assert.deepEqual(unit!.ranges, [{ topic: 'ev', partition: 0, next: 3 }]);
    await sink.commit(unit!);
    assert.equal(readFileSync(join(dir, 'ev/day=1/ev+0+0000000000+0000000002.jsonl'), 'utf8'), '{"day":1}\n{"day":1}\n');
    assert.equal(readFileSync(join(dir, 'ev/day=2/ev+0+0000000000+0000000002.jsonl'), 'utf8'), '{"day":2}\n');
    assert.deepEqual(readdirSync(join(dir, '.staging')), [], 'no manifest left after the commit');
    const again = sinkIn(dir);
    assert.deepEqual(await again.open([{ topic: 'ev', partition: 0 }]), [{ topic: 'ev', partition: 0, next: 3 }], 'offsets found in subdirectories');
    await sink.stop();
  });

  it('a commit interrupted between renames resumes on retry, and after a crash is rolled forward on open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const store = flaky(new LocalFileStore(false));
    const sink = sinkIn(dir, { store });
    await sink.connect();
    await sink.write({ records: [rec(0, 0, { day: 1 }), rec(0, 1, { day: 2 })] });
    const [unit] = await sink.prepare(true);
    store.failing = true;
    await assert.rejects(sink.commit(unit!), /store unreachable/);
    store.failing = false;
    await sink.commit(unit!);
    assert.equal(store.renames, 2, 'each file renamed once');

    // A crash after the manifest and the first rename: the next open finishes the unit.
    await sink.write({ records: [rec(0, 2, { day: 1 }), rec(0, 3, { day: 3 })] });
    const [second] = await sink.prepare(true);
    let renames = 0;
    store.rename = async (from, to) => {
      if (renames++ === 1) throw new Error('killed');
      return new LocalFileStore(false).rename(from, to);
    };
    await assert.rejects(sink.commit(second!), /killed/);
    assert.equal(readdirSync(join(dir, '.staging')).filter((n) => n.endsWith('.manifest')).length, 1);
    const after = sinkIn(dir);
    assert.deepEqual(await after.open([{ topic: 'ev', partition: 0 }]), [{ topic: 'ev', partition: 0, next: 4 }]);
    assert.equal(readFileSync(join(dir, 'ev/day=3/ev+0+0000000002+0000000003.jsonl'), 'utf8'), '{"day":3}\n', 'the second file was rolled forward');
    assert.equal(readFileSync(join(dir, 'ev/day=1/ev+0+0000000002+0000000003.jsonl'), 'utf8'), '{"day":1}\n');
    assert.deepEqual(readdirSync(join(dir, '.staging')), []);
  });

  it('without a manifest, staged files of an unfinished unit are removed on open, not published', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const sink = sinkIn(dir);
    await sink.connect();
    await sink.write({ records: [rec(1, 7, { day: 1 }), rec(1, 8, { day: 2 })] });
    await sink.prepare(true); // prepared, never committed: the crash came first
    const after = sinkIn(dir);
    assert.deepEqual(await after.open([{ topic: 'ev', partition: 1 }]), []);
    assert.deepEqual(readdirSync(join(dir, '.staging')), []);
    assert.deepEqual(readdirSync(dir).sort(), ['.staging']);
  });

  it('gzip: one gzip stream per file, named .gz, the stored size counted for rolling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    // zlib hands output on in blocks, so the count trails what was written by up to a block or so.
    const sink = sinkIn(dir, { directory: undefined, compression: 'gzip', roll: { ...roll, max_bytes: 64 * 1024 } });
    await sink.connect();
    const records = Array.from({ length: 3000 }, (_, i) => rec(0, i, { id: i, noise: randomBytes(24).toString('hex') }));
    await sink.write({ records: records.slice(0, 100) });
    assert.equal((await sink.prepare(false)).length, 0, 'not due yet');
    await sink.write({ records: records.slice(100) });
    const units = await sink.prepare(false);
    assert.equal(units.length, 1, 'due by bytes');
    await sink.commit(units[0]!);
    const name = 'ev+0+0000000000+0000002999.jsonl.gz';
    const lines = gunzipSync(readFileSync(join(dir, name))).toString().trimEnd().split('\n');
    assert.equal(lines.length, 3000);
    assert.deepEqual(JSON.parse(lines[2999]!), records[2999]!.value);
    assert.deepEqual(await sinkIn(dir, { directory: undefined }).open([{ topic: 'ev', partition: 0 }]), [{ topic: 'ev', partition: 0, next: 3000 }]);
  });

  it('a record whose directory or encoding fails is reported, the rest written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const sink = sinkIn(dir);
    await sink.connect();
    const result = await sink.write({ records: [rec(0, 0, { day: 1 }), rec(0, 1, { other: 1 }), rec(0, 2, { day: '1/../../..' }), rec(0, 3, { day: 4 })] });
    assert.deepEqual(
      result?.failures.map((f) => [f.index, f.retryable, /empty|relative path/.test(f.error.message)]),
      [
        [1, false, true],
        [2, false, true],
      ],
    );
    const [unit] = await sink.prepare(true);
    await sink.commit(unit!);
    assert.deepEqual(readdirSync(join(dir, 'ev')).sort(), ['day=1', 'day=4']);
  });

  it('a staged file another writer removed fences the commit (never retried as if it could succeed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const sink = sinkIn(dir, { directory: undefined });
    await sink.connect();
    await sink.write({ records: [rec(0, 0, { day: 1 })] });
    const [unit] = await sink.prepare(true);
    await sinkIn(dir).open([{ topic: 'ev', partition: 0 }]); // the new owner's recovery
    await assert.rejects(sink.commit(unit!), (error: Error) => error instanceof FencedError && /another writer took this partition over/.test(error.message) && !isRetryable(error));
  });

  it('directories stay under the base path', () => {
    assert.equal(checkedDirectory('/a/b/'), 'a/b');
    assert.equal(checkedDirectory(''), '');
    for (const bad of ['a/../b', 'a//b', './a', '.staging/x']) assert.throws(() => checkedDirectory(bad), /plain relative path/);
  });

  it('a staging file of a partition it does not own survives open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-'));
    const sink = sinkIn(dir);
    await sink.connect();
    writeFileSync(join(dir, '.staging', 'ev+3.other.0.manifest'), 'not ours');
    await sink.open([{ topic: 'ev', partition: 0 }]);
    assert.deepEqual(readdirSync(join(dir, '.staging')), ['ev+3.other.0.manifest']);
  });
});
