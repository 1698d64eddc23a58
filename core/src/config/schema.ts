/**
 * The pipeline file's schema. Sink options are validated separately with the schema of the
 * connector `sink.type` names (see load.ts), so this file knows no sink by name.
 */
import { z, expressionString, secretString, tlsOptions } from '../options.js';

export const kafkaSchema = z
  .strictObject({
    brokers: z.array(z.string().min(1)).min(1).describe('Bootstrap brokers, `host:port`.'),
    client_id: z.string().default('sinkhub').describe('Client id sent to the brokers.'),
    tls: tlsOptions.optional(),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism.'),
        username: z.string().min(1).describe('SASL user name.'),
        password: secretString('SASL password.'),
      })
      .optional()
      .describe('SASL authentication.'),
    connection_timeout_ms: z.number().int().positive().default(10_000).describe('Time to connect to a broker.'),
    schema_registry: z
      .strictObject({
        url: z.string().url().describe('Confluent-compatible schema registry URL.'),
        username: z.string().optional().describe('Basic-auth user.'),
        password: secretString('Basic-auth password.').optional(),
      })
      .optional()
      .describe('Schema registry, needed by `format: avro`.'),
  })
  .describe('Connection to Kafka, shared by the pipelines of the file.');

/** A Kafka connection without the schema registry: the shape of a sink's target cluster. */
export const kafkaConnectionSchema = kafkaSchema.omit({ schema_registry: true });

const sourceSchema = z
  .strictObject({
    topics: z.array(z.string().min(1)).min(1).optional().describe('Topics to consume.'),
    topic_pattern: z
      .string()
      .min(1)
      .refine(isRegExp, 'not a valid regular expression')
      .optional()
      .describe('Regular expression of topics to consume (instead of `topics`).'),
    group_id: z.string().min(1).optional().describe('Consumer group. Default: `sinkhub-<pipeline name>`.'),
    start_from: z
      .enum(['earliest', 'latest'])
      .default('earliest')
      .describe('Where a group with no committed offset starts.'),
    format: z.enum(['json', 'string', 'bytes', 'avro']).default('json').describe('How record values are decoded.'),
    key_format: z.enum(['string', 'json', 'bytes']).default('string').describe('How record keys are decoded.'),
    session_timeout_ms: z
      .number()
      .int()
      .min(6000)
      .default(30_000)
      .describe('A process silent this long leaves the group and its partitions move to the others.'),
  })
  .superRefine((source, ctx) => {
    if (!source.topics === !source.topic_pattern) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `topics` and `topic_pattern`' });
    }
  })
  .describe('What to consume.');

const transformSchema = z
  .strictObject({
    filter: expressionString('Keep records for which this JSONata expression is true.').optional(),
    map: expressionString('Replace the value with the result of this JSONata expression.').optional(),
  })
  .superRefine((step, ctx) => {
    if ((step.filter === undefined) === (step.map === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a transform is either `filter: <expression>` or `map: <expression>`' });
    }
  })
  .describe('One transform step.');

const batchingSchema = z
  .strictObject({
    max_records: z.number().int().positive().optional().describe('Most records in one batch.'),
    max_bytes: z.number().int().positive().optional().describe('Most bytes (keys + values) in one batch.'),
    max_wait_ms: z.number().int().nonnegative().optional().describe('Longest a record waits in a partial batch.'),
    buffer_max_bytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Fetching pauses while this many bytes wait for the sink (backpressure).'),
  })
  .describe('Batch limits; defaults come from the connector.');

export const retrySchema = z
  .strictObject({
    max_attempts: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Attempts per batch before giving up; 0 retries for ever (the sink may be down for a while).'),
    initial_backoff_ms: z.number().int().positive().default(100).describe('First wait between attempts.'),
    max_backoff_ms: z.number().int().positive().default(30_000).describe('Cap of the wait between attempts.'),
    multiplier: z.number().min(1).default(2).describe('Growth of the wait per attempt.'),
    jitter: z.number().min(0).max(1).default(0.2).describe('Random part of each wait, as a fraction.'),
  })
  .describe('Retries of failed writes: exponential backoff with jitter and a cap.');

const errorsSchema = z
  .strictObject({
    tolerance: z
      .enum(['none', 'all'])
      .default('none')
      .describe('`none`: a bad record stops the pipeline; `all`: it goes to the dead-letter topic.'),
    dead_letter_topic: z.string().min(1).optional().describe('Topic for records that cannot be decoded, transformed or written.'),
    retry: retrySchema.prefault({}),
  })
  .superRefine((errors, ctx) => {
    if (errors.tolerance === 'all' && !errors.dead_letter_topic) {
      ctx.addIssue({
        code: 'custom',
        path: ['dead_letter_topic'],
        message: 'tolerance `all` needs a dead_letter_topic, so that no bad record is dropped silently',
      });
    }
  })
  .describe('What happens to records that fail.');

export const pipelineSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, `.`, `_` and `-` only')
      .describe('Unique name; keys stored offsets and metrics.'),
    source: sourceSchema,
    transforms: z.array(transformSchema).default([]).describe('Applied in order to each record value.'),
    sink: z
      .looseObject({ type: z.string().min(1).describe('Connector name; see `sinkhub connectors`.') })
      .describe('Where records go: `type` and that connector’s options.'),
    batching: batchingSchema.prefault({}),
    delivery: z
      .enum(['at-least-once', 'exactly-once'])
      .default('at-least-once')
      .describe('`exactly-once` needs a connector and options that support it.'),
    commit_interval_ms: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Commit consumed offsets to Kafka at most this often; 0: after every batch. A longer interval means fewer commits and, at-least-once, a longer replay after a crash.'),
    errors: errorsSchema.prefault({}),
  })
  .describe('One flow from Kafka topics into one sink.');

export const fileSchema = z
  .strictObject({
    kafka: kafkaSchema,
    http: z
      .union([
        z.literal(false),
        z.strictObject({
          host: z.string().default('127.0.0.1').describe('Address for /metrics, /health and /ready.'),
          port: z.number().int().min(0).max(65535).default(9464).describe('Port; 0 picks a free one.'),
        }),
      ])
      .default({ host: '127.0.0.1', port: 9464 })
      .describe('HTTP endpoint for Prometheus metrics and health; `false` turns it off.'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info').describe('Log level.'),
    progress_interval_ms: z
      .number()
      .int()
      .nonnegative()
      .default(10_000)
      .describe('How often a progress line (records/s, lag) is logged; 0 turns it off.'),
    pipelines: z.array(pipelineSchema).min(1).describe('The pipelines this process runs.'),
  })
  .describe('A sinkhub pipeline file.');

export type PipelineFileInput = z.input<typeof fileSchema>;
export type KafkaConfig = z.output<typeof kafkaSchema>;
export type RetryConfig = z.output<typeof retrySchema>;
type ParsedPipeline = z.output<typeof pipelineSchema>;
/** A pipeline after loading: `sink.options` validated by its connector, defaults applied. */
export type PipelineConfig = Omit<ParsedPipeline, 'sink'> & {
  sink: { type: string; options: unknown };
  source: ParsedPipeline['source'] & { group_id: string };
};
export type PipelineFile = Omit<z.output<typeof fileSchema>, 'pipelines'> & { pipelines: PipelineConfig[] };

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
