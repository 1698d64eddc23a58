/** The mysql sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { columnSource, secretString, templateString, tlsOptions, z } from '@sinkhub/core';
import { IDENTIFIER, COLUMN_TYPE } from './identifiers.js';

const identifier = (description: string) => z.string().regex(IDENTIFIER, 'an identifier of letters, digits, `_`, `$` or `-`, at most 64 characters').describe(description);

const column = columnSource(
  z
    .string()
    .regex(COLUMN_TYPE, 'a column type such as `BIGINT`, `VARCHAR(64)`, `DECIMAL(10,2)` or `DATETIME(3)`')
    .optional()
    .describe('Column type, used when the table is auto-created. Default: inferred from the first record.'),
);

export const mysqlOptions = z
  .strictObject({
    url: secretString('Server and database, as `mysql://user:password@host:3306/database`.').default('mysql://root@127.0.0.1:3306/sinkhub'),
    user: z.string().min(1).optional().describe('User (overrides the URL’s).'),
    password: secretString('Password (overrides the URL’s).').optional(),
    tls: tlsOptions.optional(),
    pool_size: z.number().int().positive().default(2).describe('Connections kept open. Batches are written one at a time; one more serves lookups.'),
    connect_timeout_ms: z.number().int().positive().default(10_000).describe('Time to connect before the start fails.'),
    table: templateString('Table per record, e.g. `orders` or `events_{{ $topic }}`; `database.table` names another database.'),
    mode: z.enum(['insert', 'upsert']).default('insert').describe('`insert`: one row per record; `upsert`: `INSERT … ON DUPLICATE KEY UPDATE` on the key.'),
    key: z.array(identifier('column')).min(1).optional().describe('Key columns (the table’s primary or unique key): needed by `upsert` and by deleting on tombstones.'),
    columns: z
      .record(z.string(), column)
      .superRefine((columns, ctx) => {
        for (const name of Object.keys(columns)) {
          if (!IDENTIFIER.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a column name of letters, digits, `_`, `$` or `-`, at most 64 characters (an identifier)' });
        }
      })
      .optional()
      .describe('Column → source. Default: every top-level field of the JSON value becomes the column of the same name.'),
    unknown_fields: z
      .enum(['ignore', 'error'])
      .default('ignore')
      .describe('Without `columns`: a field the table has no column for is skipped (`ignore`) or sends the record to the dead-letter topic (`error`).'),
    tombstones: z
      .enum(['delete', 'ignore', 'error'])
      .optional()
      .describe('A record with a null value: delete the row by its key (default when `key` is set), skip it, or dead-letter it (default otherwise).'),
    auto_create: z.boolean().default(false).describe('Create a missing table from `columns` (their `type`) or the first record’s fields, with `key` as primary key.'),
    offsets_table: identifier('Exactly-once: the table holding each partition’s next offset, written in the same transaction as the rows.').default('sinkhub_offsets'),
    max_statement_bytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe('Split a batch’s multi-row statements above this size (also kept under the server’s `max_allowed_packet`).'),
    strict: z.boolean().default(true).describe('Run with `STRICT_ALL_TABLES`, so a value that does not fit its column is an error (dead letter), never silently truncated.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.mode === 'upsert' && !o.key) issue('key', 'upsert needs the key columns');
    if (o.tombstones === 'delete' && !o.key) issue('tombstones', 'deleting on tombstones needs the key columns');
    if (o.key && o.columns) for (const k of o.key) if (!(k in o.columns)) issue('key', `key column ${k} is not among the columns`);
    if (!o.url.startsWith('mysql://') && !o.url.startsWith('mariadb://')) issue('url', 'a mysql:// URL');
  });

export type MysqlOptions = z.output<typeof mysqlOptions>;
