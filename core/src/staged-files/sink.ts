/**
 * The two-phase "staged files" protocol, storage-independent: the file sink writes it to the
 * local file system, connectors to theirs (WebHDFS) through a `FileStore`.
 *
 * - `write` appends each record to its partition's open unit: one staging file per directory
 *   (one, unless a path template spreads a partition over several), under `<path>/.staging`.
 * - `prepare` takes the units that are due (records, bytes, age) out of writing.
 * - `commit` closes a unit's files (durable: fsync, HDFS close), and renames each into place
 *   as `<topic>+<partition>+<first>+<last>.<ext>`. A unit of several files first writes a
 *   manifest of its renames, so that a crash between two renames is rolled forward on start.
 *   Every step is remembered, so the core's retry of a failed commit resumes where it stopped.
 * - `open` rolls forward manifests, removes the partitions' other staging leftovers, and
 *   returns the next offset after the highest published one: nothing is lost or repeated.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Batch, Committable, RecordFailure, Sink, SinkRecord, StoredOffset, TopicPartition, WriteResult } from '../connector.js';
import { FencedError, SinkError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Template } from '../template.js';
import { encodedOutput, type Compression, type EncodedOutput, type RecordEncoder } from './encoding.js';
import { MANIFEST_SUFFIX, STAGING_DIR, parsePublishedName, publishedName, stagingPrefix } from './naming.js';
import type { RollPolicy } from './options.js';
import type { FileStore } from './store.js';

const { join, dirname } = posix;

export interface StagedFilesConfig {
  readonly store: FileStore;
  /** Base directory in the store. */
  readonly path: string;
  /** Each record's directory, relative to `path`; omitted: every file goes in `path`. */
  readonly directory?: Template;
  readonly encoder: RecordEncoder;
  readonly compression: Compression;
  readonly roll: RollPolicy;
  readonly logger: Logger;
}

interface StagedFile {
  /** Relative to the base path; '' for the base itself. */
  readonly dir: string;
  readonly stagedPath: string;
  readonly output: EncodedOutput;
}

interface OpenUnit {
  readonly topic: string;
  readonly partition: number;
  readonly first: number;
  last: number;
  records: number;
  readonly openedAt: number;
  readonly files: Map<string, StagedFile>;
}

interface UnitFile extends StagedFile {
  readonly finalPath: string;
  closed: boolean;
  published: boolean;
}

/** A unit taken out of writing by `prepare`, with what `commit` has done of it so far. */
interface StagedUnit extends Committable {
  readonly files: readonly UnitFile[];
  readonly manifest: string | undefined;
  manifestWritten: boolean;
}

interface ManifestEntry {
  readonly from: string;
  readonly to: string;
  readonly bytes: number;
}

export class StagedFilesSink implements Sink {
  protected readonly store: FileStore;
  private readonly stagingDir: string;
  private readonly extension: string;
  private readonly units = new Map<string, OpenUnit>();
  private readonly prepared = new Set<StagedUnit>();
  /** Directories known to exist, so each is made once. */
  private readonly made = new Set<string>();
  /** Distinguishes this writer's staging files from another process's in a shared directory. */
  private readonly writerId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private sequence = 0;
  /** The directory every record goes to, unless the template depends on the record. */
  private readonly constantDir: string | undefined;

  constructor(private readonly config: StagedFilesConfig) {
    this.store = config.store;
    const { directory } = config;
    this.constantDir = !directory ? '' : directory.constant !== undefined ? checkedDirectory(directory.constant) : undefined;
    this.stagingDir = join(config.path, STAGING_DIR);
    this.extension = config.encoder.extension + (config.compression === 'gzip' ? '.gz' : '');
  }

  async connect(): Promise<void> {
    await this.mkdir(this.stagingDir);
  }

  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    const ours = (name: string) => partitions.some((tp) => name.startsWith(stagingPrefix(tp.topic, tp.partition)));
    const leftovers = async () => (await this.store.list(this.stagingDir)).filter((e) => !e.directory && ours(e.name)).map((e) => e.name);
    for (const name of await leftovers()) {
      if (name.endsWith(MANIFEST_SUFFIX)) await this.rollForward(join(this.stagingDir, name));
    }
    for (const name of await leftovers()) {
      this.config.logger.info({ file: name }, 'removing unpublished staging file');
      await this.store.delete(join(this.stagingDir, name));
    }
    const wanted = new Set(partitions.map((tp) => `${tp.topic}+${tp.partition}`));
    const next = new Map<string, StoredOffset>();
    for (const name of await this.publishedNames()) {
      const f = parsePublishedName(name);
      const key = f && `${f.topic}+${f.partition}`;
      if (!f || !key || !wanted.has(key)) continue;
      if ((next.get(key)?.next ?? -1) <= f.last) next.set(key, { topic: f.topic, partition: f.partition, next: f.last + 1 });
    }
    return [...next.values()];
  }

  async close(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const key = `${tp.topic}+${tp.partition}`;
      const unit = this.units.get(key);
      this.units.delete(key);
      if (unit) await this.abandon(unit.files.values());
      for (const staged of this.prepared) {
        if (staged.ranges.some((r) => r.topic === tp.topic && r.partition === tp.partition)) await this.drop(staged);
      }
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const failures: RecordFailure[] = [];
    const groups = new Map<string, { record: SinkRecord; last: number; count: number; text: Map<string, string> }>();
    const { encoder, directory } = this.config;
    for (let index = 0; index < batch.records.length; index++) {
      const record = batch.records[index]!;
      let dir = this.constantDir ?? '';
      let line: string | Error;
      try {
        if (this.constantDir === undefined) dir = checkedDirectory(await directory!.render(record));
        line = encoder.encode(record);
      } catch (error) {
        line = error as Error;
      }
      if (line instanceof Error) {
        failures.push({ index, error: line, retryable: false });
        continue;
      }
      const key = `${record.topic}+${record.partition}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { record, last: record.offset, count: 0, text: new Map() }));
      group.text.set(dir, (group.text.get(dir) ?? '') + line);
      group.last = record.offset;
      group.count++;
    }
    for (const [key, group] of groups) {
      const unit = this.units.get(key) ?? this.startUnit(key, group.record);
      for (const [dir, text] of group.text) {
        const file = unit.files.get(dir) ?? (await this.startFile(unit, dir));
        await this.written(() => file.output.write(Buffer.from(text)), file);
      }
      unit.last = group.last;
      unit.records += group.count;
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async prepare(force: boolean): Promise<StagedUnit[]> {
    const now = Date.now();
    const { max_records, max_bytes, max_age_ms } = this.config.roll;
    const due: StagedUnit[] = [];
    for (const [key, unit] of this.units) {
      const bytes = Math.max(...[...unit.files.values()].map((f) => f.output.bytes));
      if (!force && unit.records < max_records && bytes < max_bytes && now - unit.openedAt < max_age_ms) continue;
      this.units.delete(key);
      const name = publishedName(unit, this.extension);
      const files = [...unit.files.values()].map((f) => ({ ...f, finalPath: join(this.config.path, f.dir, name), closed: false, published: false }));
      const staged: StagedUnit = {
        ranges: [{ topic: unit.topic, partition: unit.partition, next: unit.last + 1 }],
        files,
        manifest: files.length > 1 ? join(this.stagingDir, `${stagingPrefix(unit.topic, unit.partition)}${this.writerId}.${this.sequence++}${MANIFEST_SUFFIX}`) : undefined,
        manifestWritten: false,
      };
      this.prepared.add(staged);
      due.push(staged);
    }
    return due;
  }

  async commit(committable: Committable): Promise<void> {
    const unit = committable as StagedUnit;
    for (const file of unit.files) {
      if (file.closed) continue;
      await file.output.close();
      file.closed = true;
    }
    if (unit.manifest && !unit.manifestWritten) {
      const entries: ManifestEntry[] = unit.files.map((f) => ({ from: f.stagedPath, to: f.finalPath, bytes: f.output.bytes }));
      const writer = await this.store.create(unit.manifest);
      await writer.write(Buffer.from(entries.map((e) => JSON.stringify(e) + '\n').join('')));
      await writer.close();
      unit.manifestWritten = true;
    }
    for (const file of unit.files) {
      if (file.published) continue;
      await this.publishFile(file.stagedPath, file.finalPath, file.output.bytes);
      file.published = true;
    }
    if (unit.manifest) await this.store.delete(unit.manifest);
    this.prepared.delete(unit);
  }

  async stop(): Promise<void> {
    for (const unit of this.units.values()) await this.abandon(unit.files.values());
    this.units.clear();
    for (const staged of [...this.prepared]) await this.drop(staged);
  }

  private startUnit(key: string, record: SinkRecord): OpenUnit {
    const unit: OpenUnit = { topic: record.topic, partition: record.partition, first: record.offset, last: record.offset, records: 0, openedAt: Date.now(), files: new Map() };
    this.units.set(key, unit);
    return unit;
  }

  private async startFile(unit: OpenUnit, dir: string): Promise<StagedFile> {
    const stagedPath = join(this.stagingDir, `${stagingPrefix(unit.topic, unit.partition)}${this.writerId}.${this.sequence++}.tmp`);
    const file: StagedFile = { dir, stagedPath, output: encodedOutput(await this.store.create(stagedPath), this.config.compression) };
    unit.files.set(dir, file);
    const header = this.config.encoder.header;
    if (header) await this.written(() => file.output.write(Buffer.from(header)), file);
    return file;
  }

  /**
   * A staged file that failed mid-write holds an unknown part of the batch: a retry would
   * duplicate it and dropping the unit would lose earlier batches. So the pipeline stops; on
   * restart the unit is replayed from Kafka.
   */
  private async written(write: () => Promise<void>, file: StagedFile): Promise<void> {
    try {
      await write();
    } catch (error) {
      throw new SinkError(`${this.store.where}: writing staging file ${file.stagedPath} failed: ${errorMessage(error)}`, { retryable: false, cause: error });
    }
  }

  /** Renames a closed file into place; a rename that already happened (a retry) is accepted. */
  private async publishFile(from: string, to: string, bytes: number): Promise<void> {
    const dir = dirname(to);
    await this.mkdir(dir);
    if (await this.store.rename(from, to)) return;
    const size = await this.store.size(to);
    if (size === bytes) return;
    if (size !== undefined) {
      throw new SinkError(`${this.store.where}: ${to} exists with ${size} bytes, not the ${bytes} staged: another writer publishes this partition`, { retryable: false });
    }
    if ((await this.store.size(from)) === undefined) {
      // Removed by the partition's new owner, which removes leftovers and then lists what is
      // published: a unit is published before that list or not at all. The core drops it once
      // the partition's revocation arrives.
      throw new FencedError(`${this.store.where}: staged ${from} is gone and ${to} is not there: another writer took this partition over`);
    }
    // The target directory went missing, say: made again on the retry.
    this.made.delete(dir);
    throw new Error(`${this.store.where}: could not rename ${from} to ${to}`);
  }

  /** Finishes the renames of a unit whose commit a crash interrupted. */
  private async rollForward(manifest: string): Promise<void> {
    const entries = (await this.store.read(manifest))
      .toString('utf8')
      .split('\n')
      .filter((line) => line)
      .map((line) => JSON.parse(line) as ManifestEntry);
    this.config.logger.info({ manifest, files: entries.length }, 'completing an interrupted commit');
    for (const e of entries) await this.publishFile(e.from, e.to, e.bytes);
    await this.store.delete(manifest);
  }

  /** Names of published files: in the base directory, or under it when a template picks directories. */
  private async publishedNames(): Promise<string[]> {
    const { path } = this.config;
    const names: string[] = [];
    const walk = async (dir: string, recurse: boolean): Promise<void> => {
      const entries = await this.store.list(dir);
      const subdirs: string[] = [];
      for (const e of entries) {
        if (!e.directory) names.push(e.name);
        else if (recurse && !(dir === path && e.name === STAGING_DIR)) subdirs.push(join(dir, e.name));
      }
      await Promise.all(subdirs.map((d) => walk(d, true)));
    };
    if (this.constantDir === undefined) await walk(path, true);
    else await walk(join(path, this.constantDir), false);
    return names;
  }

  private async mkdir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await this.store.mkdir(dir);
    this.made.add(dir);
  }

  private async abandon(files: Iterable<StagedFile>): Promise<void> {
    for (const file of files) {
      await file.output.abort().catch((error) => this.config.logger.warn({ file: file.stagedPath, err: errorMessage(error) }, 'could not remove a staging file; removed on next start'));
    }
  }

  /** Forgets a prepared unit; once its manifest is written it is left for `open` to roll forward. */
  private async drop(staged: StagedUnit): Promise<void> {
    this.prepared.delete(staged);
    if (!staged.manifestWritten) await this.abandon(staged.files.filter((f) => !f.published));
  }
}

/** A rendered directory must stay under the base path, out of the staging directory. */
export function checkedDirectory(dir: string): string {
  const trimmed = dir.replace(/^\/+|\/+$/g, '');
  const segments = trimmed.split('/');
  if (trimmed === '') return '';
  if (segments.some((s) => s === '' || s === '.' || s === '..') || segments[0] === STAGING_DIR) {
    throw new Error(`directory "${dir}" is not a plain relative path (no empty, "." or ".." parts, not ${STAGING_DIR})`);
  }
  return trimmed;
}
