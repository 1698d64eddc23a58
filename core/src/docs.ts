/**
 * Everything generated from the connectors' option schemas: the JSON Schema of a pipeline file
 * (for editors), and the options tables of `sinkhub connectors` and the README.
 */
import { z } from 'zod';
import { fileSchema, pipelineSchema } from './config/schema.js';
import type { ConnectorDefinition } from './connector.js';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  secret?: boolean;
  [k: string]: unknown;
};

function inputSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** JSON Schema of a whole pipeline file; `sink` is a one-of over the given connectors. */
export function pipelineFileJsonSchema(connectors: readonly ConnectorDefinition[]): JsonSchema {
  const root = inputSchema(fileSchema);
  const pipeline = inputSchema(pipelineSchema);
  const sinks = connectors.map((c) => {
    const options = inputSchema(c.options);
    return {
      ...options,
      description: `${c.name}: ${c.summary}`,
      properties: { type: { const: c.name, description: 'Connector name.' }, ...(options.properties ?? {}) },
      required: ['type', ...(options.required ?? [])],
    };
  });
  const { $schema, ...pipelineBody } = pipeline;
  void $schema;
  const pipelineWithSinks = { ...pipelineBody, properties: { ...pipelineBody.properties, sink: { oneOf: sinks } } };
  return {
    ...root,
    $id: 'https://sinkhub.dev/schema/pipeline-file.json',
    title: 'sinkhub pipeline file',
    properties: { ...root.properties, pipelines: { ...root.properties?.['pipelines'], items: pipelineWithSinks } },
  };
}

export interface OptionRow {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description: string;
  readonly secret: boolean;
}

/** One row per option, nested objects flattened with dots (`roll.max_records`). */
export function optionRows(connector: ConnectorDefinition): OptionRow[] {
  const rows: OptionRow[] = [];
  const walk = (schema: JsonSchema, prefix: string) => {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const full = prefix + name;
      const nested = prop.type === 'object' ? prop : prop.anyOf?.find((s) => s.type === 'object');
      rows.push({
        name: full,
        type: typeName(prop),
        required: (schema.required ?? []).includes(name),
        default: prop.default,
        description: prop.description ?? nested?.description ?? '',
        secret: prop.secret === true,
      });
      if (nested?.properties) walk(nested, `${full}.`);
    }
  };
  walk(inputSchema(connector.options), '');
  return rows;
}

function typeName(prop: JsonSchema): string {
  if (prop.enum) return prop.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (prop.anyOf) return prop.anyOf.map(typeName).filter((t) => t !== 'null').join(' | ');
  if (prop.type === 'array') return `${prop.items ? typeName(prop.items) : 'any'}[]`;
  if (Array.isArray(prop.type)) return prop.type.join(' | ');
  return prop.type ?? 'any';
}

/** The README section of a connector: summary, example, guarantee, options table. */
export function connectorMarkdown(connector: ConnectorDefinition): string {
  const lines = [
    `### \`${connector.name}\``,
    '',
    connector.summary,
    '',
    ...(connector.example ? ['```yaml', connector.example.trimEnd(), '```', ''] : []),
    `**Guarantee:** ${connector.guarantee.summary}`,
    ...(connector.guarantee.table
      ? ['', '| with | guarantee |', '|---|---|', ...connector.guarantee.table.map(([when, what]) => `| ${when} | ${what} |`)]
      : []),
    '',
    '| option | type | required | default | description |',
    '|---|---|---|---|---|',
    ...optionRows(connector).map(
      (r) =>
        `| \`${r.name}\` | ${r.type.replaceAll('|', '\\|')} | ${r.required ? 'yes' : 'no'} | ${r.default === undefined ? '' : `\`${JSON.stringify(r.default)}\``} | ${r.description}${r.secret ? ' (secret: give it as `${ENV}` or `${file:…}`)' : ''} |`,
    ),
  ];
  return lines.join('\n');
}

/** Plain-text listing for `sinkhub connectors`. */
export function connectorText(connector: ConnectorDefinition): string {
  const rows = optionRows(connector);
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  return [
    `${connector.name} — ${connector.summary}`,
    `  guarantee: ${connector.guarantee.summary}`,
    ...(connector.guarantee.table ?? []).map(([when, what]) => `    ${when}: ${what}`),
    '  options:',
    ...rows.map((r) => `    ${r.name.padEnd(width)}  ${r.type}${r.required ? ' (required)' : r.default !== undefined ? ` = ${JSON.stringify(r.default)}` : ''}  ${r.description}`),
  ].join('\n');
}
