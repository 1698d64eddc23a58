/**
 * Loads a pipeline file: YAML → variables expanded → file schema → each sink's options against
 * its connector's schema → cross-field rules. Every problem is collected and reported with
 * file:line:column and field path before anything connects.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isScalar, type Scalar } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_BATCH_POLICY, type BatchPolicy } from '../batch-policy.js';
import type { ConnectorRegistry } from '../registry.js';
import { interpolate, isSingleReference, retype } from './interpolate.js';
import { ConfigError, SourceLocator, formatPath, type ConfigProblem, type FieldPath } from './problems.js';
import { fileSchema, type PipelineConfig, type PipelineFile } from './schema.js';

export interface LoadOptions {
  readonly registry: ConnectorRegistry;
  readonly env?: NodeJS.ProcessEnv;
}

/** Reads and validates a pipeline file; throws `ConfigError` listing every problem. */
export async function loadPipelineFile(path: string, options: LoadOptions): Promise<PipelineFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file: path, line: 1, column: 1, field: '', message: `cannot read file (${code})` }]);
  }
  return parsePipelineText(text, path, options);
}

/** Validates YAML text; `file` names it in problems. */
export function parsePipelineText(text: string, file: string, options: LoadOptions): PipelineFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new SourceLocator(file, doc, lines);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file, line, column: col, field: '', message: `invalid YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const problems: ConfigProblem[] = [];
  const raw = expandVariables(doc.toJS(), [], options.env ?? process.env, (path, message) => problems.push(locator.problem(path, message)), (path) => {
    const node = doc.getIn(path, true);
    return isScalar(node) && (node as Scalar).type === 'PLAIN';
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return validate(raw, options, (path, message, keyOf) => locator.problem(path, message, { keyOf }));
}

type Locate = (path: FieldPath, message: string, keyOf?: boolean) => ConfigProblem;

/** Validates a pipeline file given as an object (library use); problems carry `file` "<object>". */
export function validatePipelineObject(input: unknown, options: LoadOptions): PipelineFile {
  return validate(input, options, (path, message) => ({ file: '<object>', line: 0, column: 0, field: formatPath(path), message }));
}

function validate(input: unknown, options: LoadOptions, locate: Locate): PipelineFile {
  const problems: ConfigProblem[] = [];
  const parsed = fileSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) problems.push(...zodProblems(parsed.error, [], locate));
  const pipelines: PipelineConfig[] = [];
  const rawPipelines = Array.isArray((input as { pipelines?: unknown })?.pipelines) ? (input as { pipelines: unknown[] }).pipelines : [];
  const names = new Map<string, number>();
  rawPipelines.forEach((rawPipeline, i) => {
    const at: FieldPath = ['pipelines', i];
    const name = (rawPipeline as { name?: unknown })?.name;
    if (typeof name === 'string') {
      if (names.has(name)) problems.push(locate([...at, 'name'], `pipeline name "${name}" is also used by pipelines[${names.get(name)}]`));
      names.set(name, i);
    }
    const pipeline = parsed.success ? parsed.data.pipelines[i] : undefined;
    const sinkInput = (rawPipeline as { sink?: unknown })?.sink;
    if (!sinkInput || typeof sinkInput !== 'object' || typeof (sinkInput as { type?: unknown }).type !== 'string') return;
    const { type, ...sinkOptions } = sinkInput as { type: string };
    const connector = options.registry.get(type);
    if (!connector) {
      const known = options.registry.list().map((c) => c.name).join(', ');
      problems.push(locate([...at, 'sink', 'type'], `unknown sink type "${type}" (known: ${known}; see \`sinkhub connectors\`)`));
      return;
    }
    const sinkParsed = connector.options.safeParse(sinkOptions, { reportInput: true });
    if (!sinkParsed.success) {
      problems.push(...zodProblems(sinkParsed.error, [...at, 'sink'], locate));
      return;
    }
    if (!pipeline) return;
    if (pipeline.delivery === 'exactly-once') {
      const mode = connector.exactlyOnce?.(sinkParsed.data) ?? `the ${type} connector is at-least-once only`;
      if (!['idempotent', 'transactional', 'two-phase'].includes(mode)) {
        problems.push(locate([...at, 'delivery'], `exactly-once is not available: ${mode}`));
      }
    }
    pipelines.push({
      ...pipeline,
      source: { ...pipeline.source, group_id: pipeline.source.group_id ?? `sinkhub-${pipeline.name}` },
      sink: { type, options: sinkParsed.data },
    });
  });
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return { ...parsed.data, pipelines };
}

/** The batch policy of a pipeline: core defaults, then the connector's, then the file's. */
export function batchPolicyOf(pipeline: PipelineConfig, connectorDefaults: Partial<BatchPolicy> = {}): BatchPolicy {
  const b = pipeline.batching;
  const merged = { ...DEFAULT_BATCH_POLICY, ...connectorDefaults };
  return {
    maxRecords: b.max_records ?? merged.maxRecords,
    maxBytes: b.max_bytes ?? merged.maxBytes,
    maxWaitMs: b.max_wait_ms ?? merged.maxWaitMs,
    bufferMaxBytes: b.buffer_max_bytes ?? Math.max(merged.bufferMaxBytes, 2 * (b.max_bytes ?? merged.maxBytes)),
  };
}

function zodProblems(error: z.ZodError, prefix: FieldPath, locate: Locate): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => locate([...path, key], `unknown field "${key}"`, true));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [locate(path, `required field is missing (${issue.expected})`)];
    }
    return [locate(path, issue.message)];
  });
}

function expandVariables(
  value: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  report: (path: FieldPath, message: string) => void,
  isPlain: (path: FieldPath) => boolean,
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    try {
      const expanded = interpolate(value, { env });
      return isSingleReference(value) && isPlain(path) ? retype(expanded) : expanded;
    } catch (error) {
      report(path, (error as Error).message);
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => expandVariables(v, [...path, i], env, report, isPlain));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandVariables(v, [...path, k], env, report, isPlain)]));
  }
  return value;
}
