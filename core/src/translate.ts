/** Turning a batch's records into a target's items, with the records that cannot become one. */
import type { RecordFailure, SinkRecord } from './connector.js';

export interface Translated<T> {
  /** In record order. */
  readonly items: T[];
  readonly failures: RecordFailure[];
}

/**
 * Translates each record with `translate`: `undefined` skips it (a tombstone the options skip,
 * say), a throw makes it a record failure that is not retried (bad data: its record goes to the
 * dead-letter topic with the error).
 */
export async function translateRecords<T>(
  records: readonly SinkRecord[],
  translate: (record: SinkRecord, index: number) => T | undefined | Promise<T | undefined>,
): Promise<Translated<T>> {
  const items: T[] = [];
  const failures: RecordFailure[] = [];
  for (let index = 0; index < records.length; index++) {
    try {
      const item = await translate(records[index]!, index);
      if (item !== undefined) items.push(item);
    } catch (error) {
      failures.push({ index, error: error as Error, retryable: false });
    }
  }
  return { items, failures };
}
