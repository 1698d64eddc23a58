/**
 * File names carry the offsets they hold: `<topic>+<partition>+<first>+<last>.jsonl`.
 * `+` cannot appear in a topic name, so names parse back unambiguously; offsets are
 * zero-padded so that a listing sorts in offset order.
 */
export const STAGING_DIR = '.staging';

export interface PublishedFile {
  readonly topic: string;
  readonly partition: number;
  readonly first: number;
  readonly last: number;
}

const PUBLISHED = /^(.+)\+(\d+)\+(\d+)\+(\d+)\.jsonl$/;

export function publishedName(f: PublishedFile): string {
  return `${f.topic}+${f.partition}+${pad(f.first)}+${pad(f.last)}.jsonl`;
}

export function parsePublishedName(name: string): PublishedFile | undefined {
  const m = PUBLISHED.exec(name);
  if (!m) return undefined;
  return { topic: m[1]!, partition: Number(m[2]), first: Number(m[3]), last: Number(m[4]) };
}

/** Staging files are per partition and per writer, so a writer only ever removes its partitions'. */
export function stagingPrefix(topic: string, partition: number): string {
  return `${topic}+${partition}.`;
}

function pad(offset: number): string {
  return String(offset).padStart(10, '0');
}
