/** The flume sink's options: declared once; validation, defaults, JSON Schema and docs follow. */
import { templateString, tlsOptions, z } from '@sinkhub/core';

/** The charsets Flume's JSONHandler reads; event bodies are stored encoded in the request's. */
export const CHARSETS = ['UTF-8', 'UTF-16', 'UTF-32'] as const;

export const flumeOptions = z
  .strictObject({
    url: z
      .string()
      .regex(/^https?:\/\/[^/]/, 'an http:// or https:// URL')
      .default('http://127.0.0.1:5140')
      .describe('URL of the agent’s HTTP source (`type = http`, JSONHandler). `https://` for a source with `ssl = true`.'),
    tls: tlsOptions.optional(),
    request_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Time one request may take (the source answers once its channel committed the events); then it is retried.'),
    body: templateString('Event body per record, e.g. `{{ message }}` (one field) or `{{ level }}: {{ msg }}`. Default: the record’s value as consumed.').optional(),
    body_encoding: z
      .enum(['text', 'base64'])
      .default('text')
      .describe('`text`: the body bytes must be UTF-8 text (a record that is not goes to the dead-letter topic); `base64`: any bytes, sent as base64 text.'),
    charset: z
      .enum(CHARSETS)
      .default('UTF-8')
      .describe('Charset of the requests; Flume stores each event body encoded in it.'),
    headers: z
      .record(z.string().min(1), templateString('Header value template.'))
      .optional()
      .describe('Event headers from templates, name → template, e.g. `{ host: "{{ host }}", trace: "{{ $headers.trace }}" }`. A template with nothing to render sends the record to the dead-letter topic. They override the headers below.'),
    kafka_headers: z.boolean().default(true).describe('Copy the record’s Kafka headers into the event headers.'),
    metadata_headers: z
      .boolean()
      .default(true)
      .describe('Add `topic`, `partition`, `offset`, `timestamp` (Kafka’s, in ms) and `key` headers, named as Flume’s Kafka source names them: consumers can drop replays by topic/partition/offset, and the HDFS sink buckets by `timestamp`. They override copied Kafka headers.'),
    tombstones: z.enum(['skip', 'empty', 'error']).default('skip').describe('A record with a null value: skip it, send an event with an empty body, or send it to the dead-letter topic.'),
    max_events_per_request: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Events in one request, which the source puts in its channel in one transaction. A channel takes at most its `transactionCapacity` per transaction (memory channel default 100, file channel 10000): when the agent answers that this is too many, requests shrink to what it says fits, with a warning.'),
    concurrent_requests: z
      .number()
      .int()
      .positive()
      .max(16)
      .default(1)
      .describe('Requests of one batch in flight at once. Above 1, events of a partition may reach the channel out of order.'),
  })
  .superRefine((o, ctx) => {
    if (o.tls?.enabled && o.url.startsWith('http://')) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'TLS needs an https:// url' });
  });

export type FlumeOptions = z.output<typeof flumeOptions>;
