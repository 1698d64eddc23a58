/**
 * Two-phase file sink: records are appended to a staging file per partition; `prepare` closes
 * the files that are due (fsync), `commit` renames one into place under a name holding its
 * offset range. On `open`, staging leftovers of a crash are removed and the next offset is
 * recovered from the published names, so a restart neither loses nor repeats a record.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch, Committable, Sink, SinkContext, StoredOffset, TopicPartition } from '../../connector.js';
import { FencedError } from '../../errors.js';
import { toJsonLine } from '../json-line.js';
import { STAGING_DIR, parsePublishedName, publishedName, stagingPrefix } from './naming.js';
import type { FileOptions } from './options.js';

interface OpenFile {
  readonly topic: string;
  readonly partition: number;
  readonly handle: FileHandle;
  readonly stagingPath: string;
  readonly first: number;
  last: number;
  records: number;
  bytes: number;
  readonly openedAt: number;
}

interface FileCommittable extends Committable {
  readonly stagingPath: string;
  readonly finalPath: string;
}

export class FileSink implements Sink {
  private readonly files = new Map<string, OpenFile>();
  private readonly stagingDir: string;
  /** Distinguishes this writer's staging files from another process's in a shared directory. */
  private readonly writerId = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly options: FileOptions,
    private readonly context: SinkContext,
  ) {
    this.stagingDir = join(options.path, STAGING_DIR);
  }

  async connect(): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true });
  }

  async open(partitions: readonly TopicPartition[]): Promise<StoredOffset[]> {
    const wanted = new Set(partitions.map((tp) => `${tp.topic}+${tp.partition}`));
    for (const name of await readdir(this.stagingDir)) {
      if (partitions.some((tp) => name.startsWith(stagingPrefix(tp.topic, tp.partition)))) {
        this.context.logger.info({ file: name }, 'removing unpublished staging file');
        await rm(join(this.stagingDir, name), { force: true });
      }
    }
    const next = new Map<string, StoredOffset>();
    for (const name of await readdir(this.options.path)) {
      const f = parsePublishedName(name);
      const key = f && `${f.topic}+${f.partition}`;
      if (!f || !key || !wanted.has(key)) continue;
      if ((next.get(key)?.next ?? -1) <= f.last) next.set(key, { topic: f.topic, partition: f.partition, next: f.last + 1 });
    }
    return [...next.values()];
  }

  async close(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) await this.abandon(`${tp.topic}+${tp.partition}`);
  }

  async write(batch: Batch): Promise<void> {
    const lines = new Map<string, { topic: string; partition: number; text: string; first: number; last: number; count: number }>();
    for (const record of batch.records) {
      const key = `${record.topic}+${record.partition}`;
      let entry = lines.get(key);
      if (!entry) lines.set(key, (entry = { topic: record.topic, partition: record.partition, text: '', first: record.offset, last: record.offset, count: 0 }));
      entry.text += toJsonLine(record, this.options.content);
      entry.last = record.offset;
      entry.count++;
    }
    for (const [key, entry] of lines) {
      const file = this.files.get(key) ?? (await this.startFile(key, entry.topic, entry.partition, entry.first));
      const bytes = Buffer.byteLength(entry.text);
      await file.handle.write(entry.text);
      file.last = entry.last;
      file.records += entry.count;
      file.bytes += bytes;
    }
  }

  async prepare(force: boolean): Promise<FileCommittable[]> {
    const now = Date.now();
    const { max_records, max_bytes, max_age_ms } = this.options.roll;
    const due: FileCommittable[] = [];
    for (const [key, file] of this.files) {
      if (!force && file.records < max_records && file.bytes < max_bytes && now - file.openedAt < max_age_ms) continue;
      this.files.delete(key);
      if (this.options.fsync) await file.handle.sync();
      await file.handle.close();
      due.push({
        ranges: [{ topic: file.topic, partition: file.partition, next: file.last + 1 }],
        stagingPath: file.stagingPath,
        finalPath: join(this.options.path, publishedName(file)),
      });
    }
    return due;
  }

  async commit(committable: Committable): Promise<void> {
    const { stagingPath, finalPath } = committable as FileCommittable;
    try {
      await rename(stagingPath, finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Idempotent: a unit published before a crash is already in place.
      if (await stat(finalPath).catch(() => undefined)) return;
      // The partition's new owner removed it as a leftover (it removes, then lists what is
      // published, so a unit is either published before that list or not at all).
      throw new FencedError(`staging file ${stagingPath} was removed: another writer took over ${committable.ranges.map((r) => `${r.topic}/${r.partition}`).join(', ')}`);
    }
  }

  async stop(): Promise<void> {
    for (const key of [...this.files.keys()]) await this.abandon(key);
  }

  private async startFile(key: string, topic: string, partition: number, first: number): Promise<OpenFile> {
    const stagingPath = join(this.stagingDir, `${stagingPrefix(topic, partition)}${this.writerId}.tmp`);
    const handle = await open(stagingPath, 'w');
    const file: OpenFile = { topic, partition, handle, stagingPath, first, last: first, records: 0, bytes: 0, openedAt: Date.now() };
    this.files.set(key, file);
    return file;
  }

  private async abandon(key: string): Promise<void> {
    const file = this.files.get(key);
    if (!file) return;
    this.files.delete(key);
    await file.handle.close();
    await rm(file.stagingPath, { force: true });
  }
}
