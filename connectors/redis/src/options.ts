/** The redis sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { fieldPath, secretString, templateString, tlsOptions, z } from '@sinkhub/core';

export const COMMANDS = ['SET', 'HSET', 'LPUSH', 'RPUSH', 'SADD', 'ZADD', 'XADD', 'PUBLISH'] as const;
export type Command = (typeof COMMANDS)[number];

/** Commands whose replay rewrites the same state: exactly-once by idempotence. */
export const IDEMPOTENT: ReadonlySet<Command> = new Set(['SET', 'HSET', 'SADD', 'ZADD']);

export const redisOptions = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379')
      .describe('Server (standalone), as `redis://[user:password@]host:port[/db]`; `rediss://` for TLS.'),
    mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone').describe('How to reach Redis.'),
    nodes: z.array(z.string().min(1)).min(1).optional().describe('`host:port` of sentinels (sentinel) or seed nodes (cluster).'),
    master_name: z.string().min(1).optional().describe('Sentinel: the monitored master’s name.'),
    username: z.string().min(1).optional().describe('ACL user (overrides the URL’s).'),
    password: secretString('Password (overrides the URL’s).').optional(),
    tls: tlsOptions.optional(),
    connect_timeout_ms: z.number().int().positive().default(5000).describe('Time to connect before the start fails.'),
    command: z.enum(COMMANDS).describe('What each record becomes.'),
    key: templateString('Key (or channel, for PUBLISH) per record, e.g. `user:{{ user.id }}`.'),
    value_field: fieldPath('Write this field of the value instead of the whole value (as JSON unless it is a string).').optional(),
    ttl_seconds: z.number().int().positive().optional().describe('SET: expire keys after this many seconds.'),
    hash_fields: z
      .record(z.string().min(1), fieldPath('source field'))
      .optional()
      .describe('HSET: hash field → source field path. Default: every top-level field of the value.'),
    score_field: fieldPath('ZADD: the numeric field giving the score.').optional(),
    stream_max_len: z.number().int().positive().optional().describe('XADD: trim the stream to about this length.'),
    offsets_key: z
      .string()
      .min(1)
      .optional()
      .describe('Exactly-once LPUSH/RPUSH/XADD: hash holding the offsets written with the data. Default: `sinkhub:offsets:<pipeline>`.'),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.command === 'ZADD' && !o.score_field) issue('score_field', 'ZADD needs a score_field');
    if (o.command !== 'SET' && o.ttl_seconds !== undefined) issue('ttl_seconds', 'only SET takes a ttl_seconds');
    if (o.command !== 'HSET' && o.hash_fields !== undefined) issue('hash_fields', 'only HSET takes hash_fields');
    if (o.command !== 'ZADD' && o.score_field !== undefined) issue('score_field', 'only ZADD takes a score_field');
    if (o.command !== 'XADD' && o.stream_max_len !== undefined) issue('stream_max_len', 'only XADD takes a stream_max_len');
    if (o.mode !== 'standalone' && !o.nodes) issue('nodes', `${o.mode} mode needs nodes`);
    if (o.mode === 'sentinel' && !o.master_name) issue('master_name', 'sentinel mode needs a master_name');
  });

export type RedisOptions = z.output<typeof redisOptions>;
