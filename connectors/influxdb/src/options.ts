/** The influxdb sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { fieldPath, secretString, templateString, tlsOptions, z } from '@sinkhub/core';

/** Field names to write as tags or fields: a list of paths (named by their last part), or name → path. */
const selection = (what: string) =>
  z
    .union([z.array(fieldPath('field path')).min(1), z.record(z.string().min(1), fieldPath('field path'))])
    .describe(`${what}: a list of field paths (each named by its last part), or ${what.toLowerCase()} name → field path.`);

export const PRECISIONS = ['ns', 'us', 'ms', 's'] as const;

export const influxdbOptions = z
  .strictObject({
    api: z.enum(['v2', 'v1']).default('v2').describe('`v2`: `/api/v2/write` with org, bucket and token; `v1`: `/write` with database, retention policy and user.'),
    url: z.string().regex(/^https?:\/\//, 'an http:// or https:// URL').default('http://127.0.0.1:8086').describe('Server URL.'),
    org: z.string().min(1).optional().describe('v2: organization.'),
    bucket: z.string().min(1).optional().describe('v2: bucket.'),
    token: secretString('v2: API token.').optional(),
    database: z.string().min(1).optional().describe('v1: database.'),
    retention_policy: z.string().min(1).optional().describe('v1: retention policy (default: the database’s).'),
    username: z.string().min(1).optional().describe('v1: user.'),
    password: secretString('v1: password.').optional(),
    tls: tlsOptions.optional(),
    timeout_ms: z.number().int().positive().default(10_000).describe('Time a write may take before it is retried.'),
    measurement: templateString('Measurement per record, e.g. `cpu` or `{{ $topic }}`.'),
    tags: selection('Tags').optional(),
    fields: selection('Fields').optional().describe('Fields. Default: every top-level number and boolean of the value that is not a tag or the timestamp.'),
    timestamp_field: fieldPath('The point’s time, a number in `precision` units or an ISO-8601 string. Default: the Kafka record’s timestamp.').optional(),
    precision: z.enum(PRECISIONS).default('ms').describe('Units of `timestamp_field` numbers, and of the written timestamps.'),
    server_time: z
      .boolean()
      .default(false)
      .describe('Write points without a timestamp, so the server stamps them. A replay then writes new points: at-least-once.'),
    tombstones: z.enum(['skip', 'error']).default('skip').describe('A record with a null value has no point: skip it, or send it to the dead-letter topic.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.api === 'v2') {
      if (!o.org) issue('org', 'the v2 API needs an org');
      if (!o.bucket) issue('bucket', 'the v2 API needs a bucket');
      for (const v1 of ['database', 'retention_policy', 'username', 'password'] as const) if (o[v1] !== undefined) issue(v1, `${v1} is for the v1 API (api: v1)`);
    } else {
      if (!o.database) issue('database', 'the v1 API needs a database');
      for (const v2 of ['org', 'bucket', 'token'] as const) if (o[v2] !== undefined) issue(v2, `${v2} is for the v2 API (api: v2)`);
    }
    if (o.server_time && o.timestamp_field) issue('server_time', 'server_time and timestamp_field exclude each other');
  });

export type InfluxdbOptions = z.output<typeof influxdbOptions>;
