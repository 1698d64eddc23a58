/** The hbase sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { compileTemplate, count, expressionString, fieldPath, templateString, tlsOptions, z } from '@sinkhub/core';

export const TRANSPORTS = ['rest', 'rpc'] as const;
export const ENCODINGS = ['string', 'json', 'binary'] as const;

/** An HBase name: a column family, or a table with an optional `namespace:`. */
const FAMILY = /^[A-Za-z0-9_.-]+$/;
const TABLE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*:)?[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const hbaseOptions = z
  .strictObject({
    transport: z
      .enum(TRANSPORTS)
      .default('rest')
      .describe('`rest`: the HBase REST gateway (Stargate), one multi-row PUT per request; `rpc`: native RPC to the region servers, found through ZooKeeper (`hbase-rpc-client`; its limits on HBase 2 are in the connector’s README).'),
    url: z
      .string()
      .regex(/^https?:\/\//, 'an http:// or https:// URL')
      .default('http://127.0.0.1:8080')
      .describe('REST: the gateway’s URL.'),
    tls: tlsOptions.optional(),
    zookeeper_quorum: z
      .string()
      .regex(/^[^,\s]+(,[^,\s]+)*$/, 'comma-separated host:port')
      .default('127.0.0.1:2181')
      .describe('RPC: ZooKeeper quorum, as comma-separated `host:port`.'),
    zookeeper_root: z.string().startsWith('/').default('/hbase').describe('RPC: the cluster’s parent znode (`zookeeper.znode.parent`).'),
    table: templateString('Table per record, `namespace:table` or `table`, e.g. `events` or `events_{{ $topic }}`.'),
    row_key: templateString('Row key per record, e.g. `{{ $key }}` or `{{ user.id }}#{{ $fromMillis(ts) }}`. Deterministic, so a replay hits the same row.'),
    family: z
      .string()
      .regex(FAMILY, 'a column family name')
      .optional()
      .describe('Default column family: of every top-level field when `columns` is not given, and of `columns` keys without a `family:` part.'),
    columns: z
      .record(z.string().min(1), expressionString('source'))
      .optional()
      .describe('`family:qualifier` (or just `qualifier`, in `family`) → what it holds: a field path (`user.name`), `$` (the whole value), `$key`, `$topic`, `$timestamp`, or any JSONata expression. Missing or null values write no cell. Default: every top-level field of the value as `family:<field>` (a value that is not an object as `family:value`).'),
    encoding: z
      .enum(ENCODINGS)
      .default('string')
      .describe('Cell bytes: `string` (text as UTF-8, numbers and booleans as text, objects as JSON), `json` (every value as JSON), `binary` (integers as 8-byte big-endian longs, other numbers as 8-byte doubles, booleans as one byte, like `Bytes.toBytes`; text as UTF-8). Bytes values are written as they are.'),
    timestamp_field: fieldPath('The cell timestamp: a field holding epoch milliseconds or an ISO-8601 string. Default: the Kafka record’s timestamp.').optional(),
    server_time: z
      .boolean()
      .default(false)
      .describe('Let the region server stamp each cell with its clock. A replay then writes a new version of each cell: at-least-once.'),
    tombstones: z
      .enum(['delete', 'skip', 'error'])
      .default('delete')
      .describe('A record with a null value: delete its row (every version at or before the record’s timestamp; every version with `server_time`), skip it, or send it to the dead-letter topic. Its row key template sees a null value: build it from `$key`.'),
    create_table: z
      .strictObject({
        families: z.array(z.string().regex(FAMILY, 'a column family name')).min(1).optional().describe('Column families. Default: those the mapping writes.'),
        versions: count('Versions each cell keeps (`VERSIONS`).', 1),
      })
      .optional()
      .describe('REST: create each table that does not exist, when first written (a constant `table`: at start). Existing tables are left as they are.'),
    max_request_rows: count('Rows per multi-row request; a larger batch is sent as several requests.', 1000),
    concurrent_requests: z.number().int().positive().max(16).default(2).describe('Requests of one batch in flight at once.'),
    request_timeout_ms: count('Time a request may take before it is retried.', 30_000),
  })
  .superRefine((o, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const table = constantOf(o.table);
    if (table !== undefined && !TABLE.test(table)) issue(['table'], 'a table name ([namespace:]name of letters, digits, _ . -)');
    if (!o.columns && !o.family) issue(['family'], 'without columns, a family is needed for the value’s fields');
    for (const column of Object.keys(o.columns ?? {})) {
      const [family, qualifier] = splitColumn(column, o.family);
      if (family === undefined) issue(['columns', column], `"${column}" has no family: write family:${column}, or set family`);
      else if (!FAMILY.test(family)) issue(['columns', column], `"${family}" is not a column family name`);
      else if (qualifier === '') issue(['columns', column], 'an empty qualifier');
    }
    if (o.server_time && o.timestamp_field) issue(['server_time'], 'server_time and timestamp_field exclude each other');
    if (o.transport === 'rpc') {
      if (o.create_table) issue(['create_table'], 'create_table needs the REST transport: the RPC client has no admin calls');
      if (o.tls) issue(['tls'], 'tls is for the REST transport');
    }
  });

export type HbaseOptions = z.output<typeof hbaseOptions>;

/** The template's text when it has no `{{ }}` part (undefined too when it does not compile: reported elsewhere). */
export function constantOf(template: string): string | undefined {
  try {
    return compileTemplate(template).constant;
  } catch {
    return undefined;
  }
}

/** `family:qualifier` → [family, qualifier]; a key without a colon is a qualifier in `defaultFamily`. */
export function splitColumn(column: string, defaultFamily: string | undefined): [family: string | undefined, qualifier: string] {
  const at = column.indexOf(':');
  return at < 0 ? [defaultFamily, column] : [column.slice(0, at), column.slice(at + 1)];
}
