/**
 * HDFS through WebHDFS as a core `FileStore`. An open file is spooled to local disk and
 * uploaded with one CREATE when it is closed: a WebHDFS APPEND costs ~0.2 s whatever its size
 * (a new write pipeline and a close on the NameNode each time; see the README's measurement),
 * so appending each batch would cap a partition at a few batches a second and churn the
 * NameNode. A spool file is unlinked as soon as it is opened: a crash leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileStore, FileWriter, StoredEntry } from '@sinkhub/core';
import type { WebHdfsClient } from './webhdfs.js';

export class WebHdfsStore implements FileStore {
  readonly where: string;

  constructor(
    private readonly client: WebHdfsClient,
    private readonly spoolDir: string,
  ) {
    this.where = client.where;
  }

  mkdir(path: string): Promise<void> {
    return this.client.mkdirs(path);
  }

  async create(path: string): Promise<FileWriter> {
    const spool = join(this.spoolDir, `sinkhub-hdfs-${process.pid}-${randomBytes(6).toString('hex')}`);
    const handle = await open(spool, 'w+');
    await rm(spool);
    return new SpooledFile(this.client, path, handle);
  }

  rename(from: string, to: string): Promise<boolean> {
    return this.client.rename(from, to);
  }

  async size(path: string): Promise<number | undefined> {
    const status = await this.client.getFileStatus(path);
    return status?.type === 'FILE' ? status.length : undefined;
  }

  read(path: string): Promise<Buffer> {
    return this.client.open(path);
  }

  async list(path: string): Promise<StoredEntry[]> {
    return ((await this.client.listStatus(path)) ?? []).map((s) => ({ name: s.pathSuffix, directory: s.type === 'DIRECTORY' }));
  }

  async delete(path: string): Promise<void> {
    await this.client.delete(path);
  }
}

/** Bytes kept on local disk until `close` uploads them; a failed upload is made again in full. */
class SpooledFile implements FileWriter {
  private length = 0;
  private attempted = false;
  private uploaded = false;

  constructor(
    private readonly client: WebHdfsClient,
    private readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    await this.handle.write(chunk, 0, chunk.length, this.length);
    this.length += chunk.length;
  }

  async close(): Promise<void> {
    if (this.uploaded) return;
    const length = this.length;
    this.attempted = true;
    // CREATE with overwrite: a retry after a failed upload replaces whatever part of it landed.
    await this.client.create(this.path, length === 0 ? Buffer.alloc(0) : { length, open: () => this.handle.createReadStream({ start: 0, end: length - 1, autoClose: false }) });
    this.uploaded = true;
    await this.handle.close();
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    // Only an upload may have left something in HDFS; staging leftovers go on the next open anyway.
    if (this.attempted) await this.client.delete(this.path);
  }
}
