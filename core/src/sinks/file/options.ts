import { z } from '../../options.js';
import { rollOptions } from '../../staged-files/options.js';
import { lineContent } from '../json-line.js';

export const fileOptions = z.strictObject({
  path: z.string().min(1).describe('Directory for the files; created when missing.'),
  content: lineContent.default('record'),
  roll: rollOptions({ max_records: 100_000, max_bytes: 64 * 1024 * 1024, max_age_ms: 60_000 }),
  fsync: z.boolean().default(true).describe('Flush each file to disk before it is published.'),
});

export type FileOptions = z.output<typeof fileOptions>;
