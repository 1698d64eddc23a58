import { z, count } from '../../options.js';
import { lineContent } from '../json-line.js';

export const fileOptions = z.strictObject({
  path: z.string().min(1).describe('Directory for the files; created when missing.'),
  content: lineContent.default('record'),
  roll: z
    .strictObject({
      max_records: count('Records per file.', 100_000),
      max_bytes: count('Bytes per file.', 64 * 1024 * 1024),
      max_age_ms: count('Longest a file stays open before it is published.', 60_000),
    })
    .prefault({})
    .describe('When a file is closed and published; whichever limit comes first.'),
  fsync: z.boolean().default(true).describe('Flush each file to disk before it is published.'),
});

export type FileOptions = z.output<typeof fileOptions>;
