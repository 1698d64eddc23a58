/**
 * Option builders shared by the core and every connector, so the same concept is named,
 * typed and documented the same way everywhere. Connectors import `z` from here so that one
 * zod instance validates every schema.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FIELD_PATH, compileExpression, compileTemplate } from './template.js';

export { z };

/** Metadata a schema field can carry beyond zod's own. */
export interface FieldMeta {
  /** Never logged; shown as a secret in docs. */
  secret?: boolean;
}

/** A string holding a credential. Give it with `${ENV_VAR}` or `${file:/path}`, not inline. */
export function secretString(description: string) {
  return z.string().min(1).meta({ description, secret: true } satisfies FieldMeta & { description: string });
}

/**
 * A name built per record, e.g. `"logs-{{ $topic }}-{{ $fromMillis(ts, '[Y0001].[M01].[D01]') }}"`.
 * Text outside `{{ }}` is literal; inside is a JSONata expression over the record value with
 * `$topic`, `$partition`, `$offset`, `$key`, `$timestamp` and `$headers` bound. Checked at load.
 */
export function templateString(description: string) {
  return compiledString('template', compileTemplate, description);
}

/** A JSONata expression (filters, maps), checked at load. */
export function expressionString(description: string) {
  return compiledString('JSONata expression', compileExpression, description);
}

function compiledString(what: string, compile: (source: string) => unknown, description: string) {
  return z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      try {
        compile(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `invalid ${what}: ${(error as Error).message}` });
      }
    })
    .describe(description);
}

/** A dotted path into the record value, e.g. `user.id`. */
/**
 * A column mapping's source, for sinks with typed columns: an expression, or `{ from, type }`
 * where `type` (the target system's column type, validated by the connector) is used when the
 * table is created.
 */
export function columnSource<T extends z.ZodType>(type: T) {
  return z.union([
    expressionString('Where the value comes from: a field path (`user.id`), `$key`, `$topic`, `$partition`, `$offset`, `$timestamp`, or any JSONata expression.'),
    z.strictObject({ from: expressionString('Where the value comes from (as above).'), type }),
  ]);
}

export function fieldPath(description: string) {
  return z.string().regex(FIELD_PATH, 'a field path like `user.id`').describe(description);
}

/** TLS settings, the same for Kafka and for any sink that speaks TLS. */
export const tlsOptions = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Use TLS.'),
    ca_file: z.string().optional().describe('PEM file of the certificate authorities to trust.'),
    cert_file: z.string().optional().describe('PEM client certificate, for mutual TLS.'),
    key_file: z.string().optional().describe('PEM private key of the client certificate.'),
    reject_unauthorized: z
      .boolean()
      .default(true)
      .describe('Refuse servers whose certificate does not verify. Turn off only for tests.'),
  })
  .describe('TLS to the server.');

export type TlsOptions = z.output<typeof tlsOptions>;

/** What Node's `tls.connect` (and every client built on it) takes. */
export interface TlsConnectionOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

/** `tls` as Node TLS options, its PEM files read; undefined when TLS is off. */
export function tlsConnectionOptions(tls: TlsOptions | undefined): TlsConnectionOptions | undefined {
  if (!tls?.enabled) return undefined;
  return {
    rejectUnauthorized: tls.reject_unauthorized,
    ...(tls.ca_file && { ca: readFileSync(tls.ca_file, 'utf8') }),
    ...(tls.cert_file && { cert: readFileSync(tls.cert_file, 'utf8') }),
    ...(tls.key_file && { key: readFileSync(tls.key_file, 'utf8') }),
  };
}

/** Positive integer with a default, the usual shape of a size or count option. */
export function count(description: string, defaultValue: number) {
  return z.number().int().positive().default(defaultValue).describe(description);
}
