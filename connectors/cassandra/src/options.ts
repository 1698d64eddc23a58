/** The cassandra sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { columnSource, expressionString, secretString, templateString, tlsOptions, z } from '@sinkhub/core';
import { COLUMN_NAME, NAME, TABLE_NAME, isCqlType } from './identifiers.js';

const keyspace = (description: string) => z.string().regex(NAME, 'a keyspace name of letters, digits and `_`, starting with a letter (at most 48 characters)').describe(description);
const columnName = (description: string) => z.string().regex(COLUMN_NAME, 'a column name of letters, digits and `_`, starting with a letter').describe(description);

const column = columnSource(
  z
    .string()
    .refine(isCqlType, 'a CQL type such as `text`, `bigint`, `timestamp`, `uuid`, `list<text>`, `map<text, int>` or `frozen<tuple<int, text>>` (no `counter`)')
    .optional()
    .describe('CQL type of the column, used when `auto_create` creates the table.'),
);

export const CONSISTENCY_LEVELS = ['any', 'one', 'two', 'three', 'quorum', 'all', 'local_quorum', 'each_quorum', 'local_one'] as const;

export const cassandraOptions = z
  .strictObject({
    contact_points: z
      .array(z.string().regex(/^[^\s:/]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/, 'a host or host:port'))
      .min(1)
      .default(['127.0.0.1:9042'])
      .describe('Nodes to discover the cluster from, as `host:port` (port 9042 when left out).'),
    local_data_center: z.string().min(1).default('datacenter1').describe('The data center this process is in: its nodes are used first (the driver’s load balancing needs it).'),
    username: z.string().min(1).optional().describe('User, for PasswordAuthenticator.'),
    password: secretString('Password, for PasswordAuthenticator.').optional(),
    tls: tlsOptions.optional(),
    keyspace: keyspace('Keyspace of the table.'),
    table: templateString('Table per record, e.g. `orders` or `events_{{ kind }}` (a rendered name must be letters, digits and `_`).'),
    columns: z
      .record(z.string(), column)
      .superRefine((columns, ctx) => {
        for (const c of Object.keys(columns)) if (!COLUMN_NAME.test(c)) ctx.addIssue({ code: 'custom', path: [c], message: 'a column name of letters, digits and `_`, starting with a letter' });
      })
      .optional()
      .describe('Column → source. Default: each top-level field of the JSON value goes to the table’s column of the same name.'),
    unknown_fields: z
      .enum(['ignore', 'error'])
      .default('ignore')
      .describe('Without `columns`: a field the table has no column for is skipped (`ignore`) or sends the record to the dead-letter topic (`error`).'),
    tombstones: z
      .enum(['delete', 'ignore', 'error'])
      .default('delete')
      .describe('A record with a null value: delete the row by its primary key, read from the record key (`delete`), skip it, or dead-letter it.'),
    ttl: z
      .union([z.number().int().min(0).max(630_720_000), expressionString('')])
      .optional()
      .describe('Time to live of written rows, in seconds (`USING TTL`): a number, or an expression per record (0: never expire; null: the table’s default). Default: the table’s `default_time_to_live`.'),
    write_timestamp: expressionString(
      'Write time of each row (`USING TIMESTAMP`), e.g. `$timestamp` (the Kafka timestamp) or a field: replays then write the same cells with the same time and converge, and an older record never overwrites a newer one. Default: a time taken when the batch is written, increasing in record order.',
    ).optional(),
    write_timestamp_unit: z
      .enum(['milliseconds', 'microseconds', 'seconds'])
      .default('milliseconds')
      .describe('Unit of a numeric `write_timestamp` (Cassandra stores microseconds); ISO 8601 strings are read as they are.'),
    consistency: z.enum(CONSISTENCY_LEVELS).default('local_quorum').describe('Consistency level of the writes.'),
    unlogged_batches: z
      .boolean()
      .default(true)
      .describe('Group the statements of a batch by partition key into `UNLOGGED BATCH` requests (one partition each, at most `max_batch_statements`); `false`: one request per record. Either way up to `concurrency` requests are in flight.'),
    max_batch_statements: z.number().int().positive().max(65_535).default(100).describe('Statements per `UNLOGGED BATCH` request.'),
    max_batch_bytes: z.number().int().positive().default(64 * 1024).describe('Record bytes per `UNLOGGED BATCH` request.'),
    concurrency: z.number().int().positive().max(2048).default(64).describe('Requests (statements or batches) in flight at once.'),
    request_timeout_ms: z.number().int().positive().default(12_000).describe('Time a request may take before it fails (and the batch is retried).'),
    connect_timeout_ms: z.number().int().positive().default(10_000).describe('Time to connect before the start fails.'),
    auto_create: z
      .strictObject({
        partition_key: z.array(columnName('column')).min(1).describe('Partition key columns, in order.'),
        clustering_key: z.array(columnName('column')).default([]).describe('Clustering columns, in order (ascending).'),
        keyspace: z.boolean().default(true).describe('Also create the keyspace when it is missing, with `replication`.'),
        replication: z
          .record(z.string().regex(/^[A-Za-z0-9_]+$/), z.union([z.string().regex(/^[A-Za-z0-9_.]+$/), z.number().int().positive()]))
          .default({ class: 'SimpleStrategy', replication_factor: 1 })
          .describe('Replication of a created keyspace, e.g. `{ class: NetworkTopologyStrategy, dc1: 3 }`.'),
      })
      .optional()
      .describe('Create missing tables (`CREATE TABLE IF NOT EXISTS`) from the declared `columns` and their `type`s, with this primary key.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (o.password !== undefined && o.username === undefined) issue(['username'], 'a password needs a username');
    if (o.table.includes('{{') === false && !TABLE_NAME.test(o.table)) issue(['table'], 'a table name of letters, digits and `_` (at most 48 characters)');
    if (o.auto_create) {
      if (!o.columns) issue(['auto_create'], 'auto_create needs the declared `columns` with their `type`');
      else {
        for (const [c, source] of Object.entries(o.columns)) if (typeof source === 'string' || !source.type) issue(['columns', c], 'auto_create needs a `type` for every column');
        for (const k of ['partition_key', 'clustering_key'] as const) {
          o.auto_create[k].forEach((c, i) => {
            if (!(c in o.columns!)) issue(['auto_create', k, i], `${c} is not among the columns`);
          });
        }
      }
    }
  });

export type CassandraOptions = z.output<typeof cassandraOptions>;

/** JSONata functions whose result changes from one evaluation to the next. */
const NONDETERMINISTIC = /\$(now|millis|random|uuid)\s*\(/;

/** True when `column` is declared from an expression that gives another value each time. */
export function nondeterministic(options: CassandraOptions, column: string): boolean {
  const source = options.columns?.[column];
  if (source === undefined) return false;
  return NONDETERMINISTIC.test(typeof source === 'string' ? source : source.from);
}
