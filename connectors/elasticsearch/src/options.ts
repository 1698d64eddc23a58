/** The elasticsearch sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { fieldPath, secretString, templateString, tlsOptions, z } from '@sinkhub/core';

export const ID_SOURCES = ['offset', 'key', 'field', 'none'] as const;
export const ACTIONS = ['index', 'create', 'update'] as const;

export const elasticsearchOptions = z
  .strictObject({
    nodes: z
      .array(z.string().regex(/^https?:\/\//, 'an http:// or https:// URL'))
      .min(1)
      .default(['http://127.0.0.1:9200'])
      .describe('Elasticsearch nodes.'),
    username: z.string().min(1).optional().describe('Basic authentication user.'),
    password: secretString('Basic authentication password.').optional(),
    api_key: secretString('API key (the base64 `id:key` Elasticsearch returns), instead of a user.').optional(),
    tls: tlsOptions.optional(),
    request_timeout_ms: z.number().int().positive().default(30_000).describe('Time a bulk request may take before it is retried.'),
    index: templateString('Index (or data stream) per record, e.g. `logs-{{ $topic }}-{{ $fromMillis(ts, \'[Y0001].[M01].[D01]\') }}`.'),
    action: z
      .enum(ACTIONS)
      .default('index')
      .describe('`index` (create or replace), `create` (only if absent; the op_type data streams need), `update` (partial, with `doc_as_upsert`).'),
    id: z
      .enum(ID_SOURCES)
      .default('offset')
      .describe('Document id: `offset` (`topic-partition-offset`: replays overwrite, exactly-once), `key` (the record key), `field` (`id_field`), `none` (server-generated: at-least-once).'),
    id_field: fieldPath('With `id: field`: the field holding the document id.').optional(),
    tombstones: z
      .enum(['delete', 'skip', 'error'])
      .optional()
      .describe('A record with a null value: delete the document by its id (default with `id: key`), skip it, or dead-letter it (default otherwise).'),
    pipeline: z.string().min(1).optional().describe('Ingest pipeline to run the documents through.'),
    max_bulk_actions: z.number().int().positive().default(1000).describe('Actions per bulk request; a larger batch is sent as several requests.'),
    max_bulk_bytes: z.number().int().positive().default(5 * 1024 * 1024).describe('Bytes per bulk request.'),
    concurrent_requests: z.number().int().positive().max(16).default(2).describe('Bulk requests of one batch in flight at once.'),
    index_template: z
      .strictObject({
        name: z.string().min(1).describe('Template name.'),
        body: z.record(z.string(), z.unknown()).describe('The composable index template (`index_patterns`, `template`, `data_stream`, …), applied at start.'),
      })
      .optional()
      .describe('An index template to create or replace when the pipeline starts.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.id === 'field' && !o.id_field) issue('id_field', 'id: field needs an id_field');
    if (o.id !== 'field' && o.id_field) issue('id_field', 'id_field is read only with id: field');
    if (o.action === 'update' && o.id === 'none') issue('action', 'update needs document ids (id: offset, key or field)');
    if (o.tombstones === 'delete' && o.id === 'none') issue('tombstones', 'deleting needs document ids (id: key or field)');
    if (o.api_key && (o.username || o.password)) issue('api_key', 'use an api_key or a username and password, not both');
  });

export type ElasticsearchOptions = z.output<typeof elasticsearchOptions>;
