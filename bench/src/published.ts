/**
 * Checks what the file sink published: the lines in its files, and that the offset ranges in
 * their names cover every partition from 0 without a gap or an overlap.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePublishedName } from '@sinkhub/core/sinks/file';

type PublishedFile = NonNullable<ReturnType<typeof parsePublishedName>>;

export interface PublishedCheck {
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  /** Problems with the offset ranges; empty when they tile 0..end-1 of each partition. */
  readonly rangeProblems: readonly string[];
}

export async function checkPublished(dir: string, partitions: number): Promise<PublishedCheck> {
  const files = (await readdir(dir)).map((name) => ({ name, parsed: parsePublishedName(name) })).filter((f): f is { name: string; parsed: PublishedFile } => !!f.parsed);
  let lines = 0;
  let bytes = 0;
  for (const f of files) {
    const counted = await countLines(join(dir, f.name));
    lines += counted.lines;
    bytes += counted.bytes;
  }
  const rangeProblems: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const ranges = files.map((f) => f.parsed).filter((f) => f.partition === p).sort((a, b) => a.first - b.first);
    let next = 0;
    for (const r of ranges) {
      if (r.first !== next) rangeProblems.push(`partition ${p}: expected a file starting at ${next}, found ${r.first}..${r.last}`);
      next = r.last + 1;
    }
  }
  return { files: files.length, lines, bytes, rangeProblems };
}

async function countLines(path: string): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { lines, bytes };
}
