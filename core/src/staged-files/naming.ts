/**
 * Published files carry the offsets they hold: `<topic>+<partition>+<first>+<last>.<extension>`
 * (e.g. `.jsonl`, `.csv.gz`). `+` cannot appear in a topic name, so names parse back
 * unambiguously; offsets are zero-padded so that a listing sorts in offset order. When a unit
 * spans several directories (a path template), each of its files has the unit's range.
 */
export const STAGING_DIR = '.staging';

export interface PublishedFile {
  readonly topic: string;
  readonly partition: number;
  readonly first: number;
  readonly last: number;
}

const PUBLISHED = /^([^+]+)\+(\d+)\+(\d+)\+(\d+)\.[a-z0-9]+(\.[a-z0-9]+)?$/;

export function publishedName(f: PublishedFile, extension = 'jsonl'): string {
  return `${f.topic}+${f.partition}+${pad(f.first)}+${pad(f.last)}.${extension}`;
}

/** The unit a published name holds, whatever its format; undefined for any other name. */
export function parsePublishedName(name: string): PublishedFile | undefined {
  const m = PUBLISHED.exec(name);
  if (!m) return undefined;
  return { topic: m[1]!, partition: Number(m[2]), first: Number(m[3]), last: Number(m[4]) };
}

/**
 * Staging files (and commit manifests) are per partition and per writer, so a writer only ever
 * removes its own partitions' leftovers.
 */
export function stagingPrefix(topic: string, partition: number): string {
  return `${topic}+${partition}.`;
}

/** Names a multi-file unit's commit manifest in the staging directory. */
export const MANIFEST_SUFFIX = '.manifest';

function pad(offset: number): string {
  return String(offset).padStart(10, '0');
}
