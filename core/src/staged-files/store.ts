/**
 * Where staged files live: the few operations the two-phase protocol needs from a file system.
 * The local file system implements it in core (`LocalFileStore`); connectors bring others
 * (WebHDFS in `@sinkhub/hdfs`). Paths are absolute, `/`-separated, in the store's namespace.
 */

export interface StoredEntry {
  readonly name: string;
  readonly directory: boolean;
}

/** A file being written once, start to end; nothing is visible under its path before `close`. */
export interface FileWriter {
  write(chunk: Buffer): Promise<void>;
  /**
   * Makes what was written durable (fsync, HDFS close) under the path given to `create`.
   * May be called again after it failed: a store either finishes the same file or writes it anew.
   */
  close(): Promise<void>;
  /** Gives the file up; it may or may not be left behind (staging leftovers are removed on open). */
  abort(): Promise<void>;
}

export interface FileStore {
  /** The store in messages: `hdfs at host:port`, `local file system`. */
  readonly where: string;
  /** Creates a directory and its parents; no-op when it exists. */
  mkdir(path: string): Promise<void>;
  /** Starts a file at `path`, replacing one left there. */
  create(path: string): Promise<FileWriter>;
  /**
   * Moves a closed file into place atomically. False, with nothing changed, when `from` does not
   * exist (a retried rename that had already happened, say) or the store refuses to replace `to`.
   */
  rename(from: string, to: string): Promise<boolean>;
  /** Length of the file at `path`, undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  /** A small file's bytes (commit manifests). */
  read(path: string): Promise<Buffer>;
  /** Entries of a directory; empty when it does not exist. */
  list(path: string): Promise<StoredEntry[]>;
  /** Removes a file; no-op when it does not exist. */
  delete(path: string): Promise<void>;
}
