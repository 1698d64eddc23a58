/** Options every staged-files sink names the same way. */
import { z, count } from '../options.js';

export interface RollPolicy {
  readonly max_records: number;
  readonly max_bytes: number;
  readonly max_age_ms: number;
}

/** When a unit (a partition's open files) is closed and published, with a sink's own defaults. */
export function rollOptions(defaults: RollPolicy) {
  return z
    .strictObject({
      max_records: count('Records per file.', defaults.max_records),
      max_bytes: count('Bytes per file (as stored, after compression).', defaults.max_bytes),
      max_age_ms: count('Longest a file stays open before it is published.', defaults.max_age_ms),
    })
    .prefault({})
    .describe('When a file is closed and published; whichever limit comes first.');
}

export const compressionOption = z
  .enum(['none', 'gzip'])
  .default('none')
  .describe('`gzip`: each file is one gzip stream, named `….gz`.');
