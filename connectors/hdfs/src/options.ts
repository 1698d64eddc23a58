/** The hdfs sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { compressionOption, count, lineContent, rollOptions, templateString, z } from '@sinkhub/core';

/** A field path into the value (`user.id`) or a record binding (`$offset`). */
const COLUMN = /^(\$(topic|partition|offset|timestamp|key)|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

export const hdfsOptions = z
  .strictObject({
    url: z
      .string()
      .regex(/^http:\/\/[^/]+\/?$/, 'an http://host:port URL (HTTPS is not supported)')
      .default('http://127.0.0.1:9870')
      .describe('NameNode HTTP address serving WebHDFS (`dfs.namenode.http-address`, port 9870 by default). Writes are redirected to the DataNodes, which must be reachable at the addresses the NameNode gives.'),
    user: z
      .string()
      .min(1)
      .optional()
      .describe('User for simple authentication (`user.name=`). Omitted: the server\'s anonymous user (`dr.who`). Kerberos is not supported.'),
    path: z.string().regex(/^\/.*[^/]$|^\/$/, 'an absolute HDFS path like /data/events').describe('Base directory in HDFS; created when missing. Staging files live in `<path>/.staging`.'),
    directory: templateString(
      "Directory of each record under `path`, e.g. `{{ $topic }}/dt={{ $fromMillis(ts, '[Y0001]-[M01]-[D01]') }}/hour={{ $fromMillis(ts, '[H01]') }}` (UTC; `$timestamp` for the Kafka timestamp).",
    ).default('{{ $topic }}'),
    format: z.enum(['jsonl', 'csv']).default('jsonl').describe('`jsonl`: one JSON document a line; `csv`: the declared `csv.columns`.'),
    content: lineContent.default('value'),
    csv: z
      .strictObject({
        columns: z.array(z.string().regex(COLUMN, 'a field path like `user.id`, or $topic, $partition, $offset, $timestamp, $key')).min(1).describe('Columns, in order: field paths into the value, or `$offset`, `$timestamp`, ….'),
        header: z.boolean().default(true).describe('Start every file with a header line of the column names.'),
        delimiter: z.string().length(1).default(',').describe('Cell separator.'),
      })
      .optional()
      .describe('`format: csv`: which fields become which columns. A record with an object or array in a column, or a value that is not an object, goes to the dead-letter topic.'),
    compression: compressionOption,
    roll: rollOptions({ max_records: 10_000_000, max_bytes: 128 * 1024 * 1024, max_age_ms: 600_000 }),
    spool_dir: z
      .string()
      .min(1)
      .optional()
      .describe('Local directory where each open file waits until it is uploaded in one piece: up to `roll.max_bytes` per open file. Default: the system temp directory.'),
    request_timeout_ms: count('Longest a WebHDFS request may go without progress before it fails (and is retried).', 30_000),
  })
  .superRefine((o, ctx) => {
    if (o.format === 'csv' && !o.csv) ctx.addIssue({ code: 'custom', path: ['csv'], message: 'format: csv needs csv.columns' });
    if (o.format !== 'csv' && o.csv) ctx.addIssue({ code: 'custom', path: ['csv'], message: 'csv options need format: csv' });
  });

export type HdfsOptions = z.output<typeof hdfsOptions>;
