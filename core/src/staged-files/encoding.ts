/** How records become a staged file's bytes: a record encoder, and optional gzip on top. */
import { createGzip, type Gzip } from 'node:zlib';
import { finished } from 'node:stream/promises';
import type { SinkRecord } from '../connector.js';
import { toJsonLine, type LineContent } from '../sinks/json-line.js';
import type { FileWriter } from './store.js';

export interface RecordEncoder {
  /** File name extension before any compression suffix, e.g. `jsonl`, `csv`. */
  readonly extension: string;
  /** Written at the start of every file (a CSV header line), if any. */
  readonly header?: string;
  /** One record as text with its line end, or why it cannot be written (it goes to the dead-letter topic). */
  encode(record: SinkRecord): string | Error;
}

/** JSON lines, the value only or the whole record (see `lineContent`). */
export function jsonLinesEncoder(content: LineContent): RecordEncoder {
  return { extension: 'jsonl', encode: (record) => toJsonLine(record, content) };
}

export type Compression = 'none' | 'gzip';

/** Bytes on their way into one staged file, counted as they land in the store. */
export interface EncodedOutput extends FileWriter {
  /** Bytes handed to the store so far (after compression). */
  readonly bytes: number;
}

export function encodedOutput(writer: FileWriter, compression: Compression): EncodedOutput {
  return compression === 'gzip' ? new GzipOutput(writer) : new PlainOutput(writer);
}

class PlainOutput implements EncodedOutput {
  bytes = 0;
  constructor(private readonly writer: FileWriter) {}

  async write(chunk: Buffer): Promise<void> {
    await this.writer.write(chunk);
    this.bytes += chunk.length;
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/**
 * One gzip member per file (every gzip reader, Hadoop's codecs included, reads it), streamed:
 * what zlib has produced after each write is handed on, the rest at close.
 */
class GzipOutput implements EncodedOutput {
  bytes = 0;
  private readonly gzip: Gzip = createGzip();
  private produced: Buffer[] = [];
  private ended = false;

  constructor(private readonly writer: FileWriter) {
    this.gzip.on('data', (chunk: Buffer) => this.produced.push(chunk));
  }

  async write(chunk: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => this.gzip.write(chunk, (error) => (error ? reject(error) : resolve())));
    await this.handOn();
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.gzip.end();
      await finished(this.gzip);
      this.ended = true;
    }
    await this.handOn();
    await this.writer.close();
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.writer.abort();
  }

  private async handOn(): Promise<void> {
    if (this.produced.length === 0) return;
    const chunk = this.produced.length === 1 ? this.produced[0]! : Buffer.concat(this.produced);
    this.produced = [];
    await this.writer.write(chunk);
    this.bytes += chunk.length;
  }
}
