/** Reads back what the file sink published, to count records and find duplicates or gaps. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePublishedName } from '@sinkhub/core/sinks/file';

export interface WrittenRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: { id: number } & Record<string, unknown>;
}

export async function readPublished(dir: string): Promise<WrittenRecord[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => parsePublishedName(n));
  const records: WrittenRecord[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n')) if (line) records.push(JSON.parse(line) as WrittenRecord);
  }
  return records;
}

export interface DeliveryReport {
  readonly total: number;
  readonly distinct: number;
  readonly duplicates: number;
  readonly missing: number[];
}

/** Compares the ids written with the ids 0..expected-1 that were produced. */
export function deliveryReport(records: readonly WrittenRecord[], expected: number): DeliveryReport {
  const seen = new Set<number>();
  for (const r of records) seen.add(r.value.id);
  const missing: number[] = [];
  for (let id = 0; id < expected && missing.length < 20; id++) if (!seen.has(id)) missing.push(id);
  return { total: records.length, distinct: seen.size, duplicates: records.length - seen.size, missing };
}
