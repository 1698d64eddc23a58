/** The local file system as a `FileStore`: the built-in file sink's storage. */
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { FileStore, FileWriter, StoredEntry } from './store.js';

export class LocalFileStore implements FileStore {
  readonly where = 'local file system';

  /** `fsync`: flush each file to disk before it is published. */
  constructor(private readonly fsync: boolean) {}

  async mkdir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }

  async create(path: string): Promise<FileWriter> {
    return new LocalWriter(await open(path, 'w'), path, this.fsync);
  }

  async rename(from: string, to: string): Promise<boolean> {
    try {
      // POSIX rename replaces `to`; here it can only hold the same unit's identical bytes.
      await rename(from, to);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async size(path: string): Promise<number | undefined> {
    const s = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return s?.isFile() ? s.size : undefined;
  }

  async read(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async list(path: string): Promise<StoredEntry[]> {
    const entries = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.map((e) => ({ name: e.name, directory: e.isDirectory() }));
  }

  async delete(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}

class LocalWriter implements FileWriter {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly fsync: boolean,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    await this.handle.write(chunk);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.fsync) await this.handle.sync();
    await this.handle.close();
    this.closed = true;
  }

  async abort(): Promise<void> {
    if (!this.closed) await this.handle.close().catch(() => undefined);
    this.closed = true;
    await rm(this.path, { force: true });
  }
}
