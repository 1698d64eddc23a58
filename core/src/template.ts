/**
 * Expressions and name templates, both in JSONata (https://jsonata.org): filters and maps of
 * transforms, and per-record names of sinks (index, table, key, topic).
 */
import jsonata from 'jsonata';

/** What an expression sees: the value as input, the rest as `$` bindings. */
export interface RecordView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: unknown;
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export type Expression = (record: RecordView) => Promise<unknown>;

/** Compiles a JSONata expression; throws a readable error on bad syntax. */
export function compileExpression(source: string): Expression {
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    throw new Error(e.position !== undefined ? `${e.message} (at character ${e.position})` : String(e.message));
  }
  return (record) =>
    compiled.evaluate(record.value, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: record.key,
      headers: record.headers,
    });
}

/** A compiled name template; `constant` is set when it has no `{{ }}` part. */
export interface Template {
  readonly constant?: string;
  render(record: RecordView): Promise<string>;
}

const PART = /\{\{(.*?)\}\}/g;
const BINDING = /^\$(topic|partition|offset|key|timestamp)$/;
/** A dotted path into the value, e.g. `user.id`. */
export const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Compiles `literal {{ expression }} literal`. Plain bindings (`$topic`) and field paths
 * (`user.id`) are read directly — the common case, on the hot path; anything else is JSONata.
 */
export function compileTemplate(source: string): Template {
  const literals: string[] = [];
  const parts: ((record: RecordView) => unknown)[] = [];
  let last = 0;
  for (const match of source.matchAll(PART)) {
    literals.push(source.slice(last, match.index));
    parts.push(compileAccessor(match[1]!.trim()));
    last = match.index + match[0].length;
  }
  const tail = source.slice(last);
  if (tail.includes('{{') || tail.includes('}}')) throw new Error(`unbalanced {{ }} in "${source}"`);
  if (parts.length === 0) return { constant: source, render: async () => source };
  return {
    async render(record) {
      let out = literals[0]!;
      for (let i = 0; i < parts.length; i++) {
        const value = await parts[i]!(record);
        if (value === undefined || value === null) {
          throw new Error(`template "${source}": part ${i + 1} is empty for this record`);
        }
        out += (typeof value === 'object' ? JSON.stringify(value) : String(value)) + (literals[i + 1] ?? tail);
      }
      return out;
    },
  };
}

/** Reads one value per record; synchronous for the fast paths, a promise for JSONata. */
export type Accessor = (record: RecordView) => unknown;

/**
 * Compiles an expression that picks a value from a record. Plain bindings (`$topic`) and
 * field paths (`user.id`) are read directly — the common case, on the hot path; anything else
 * is JSONata, whose result is a promise.
 */
export function compileAccessor(expression: string): Accessor {
  if (expression === '') throw new Error('empty expression');
  const binding = BINDING.exec(expression);
  if (binding) {
    const name = binding[1] as keyof RecordView;
    return (record) => record[name];
  }
  if (FIELD_PATH.test(expression)) {
    const path = expression.split('.');
    return (record) => readPath(record.value, path);
  }
  return compileTimeFormat(expression) ?? compileExpression(expression);
}

const FROM_MILLIS = /^\$fromMillis\(\s*(\$timestamp|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:,\s*'([^']*)'\s*)?\)$/;
const PICTURE_PART = /\[([^\][]*)\]|([^\][]+)/gy;
/** Each picture component, and the span of time within which it does not change. */
const COMPONENTS: Record<string, readonly [(d: Date) => string, number]> = {
  Y0001: [(d) => String(d.getUTCFullYear()).padStart(4, '0'), 86_400_000],
  M01: [(d) => String(d.getUTCMonth() + 1).padStart(2, '0'), 86_400_000],
  D01: [(d) => String(d.getUTCDate()).padStart(2, '0'), 86_400_000],
  H01: [(d) => String(d.getUTCHours()).padStart(2, '0'), 3_600_000],
  m01: [(d) => String(d.getUTCMinutes()).padStart(2, '0'), 60_000],
  s01: [(d) => String(d.getUTCSeconds()).padStart(2, '0'), 1000],
  f001: [(d) => String(d.getUTCMilliseconds()).padStart(3, '0'), 1],
};

/**
 * `$fromMillis(field, '[Y0001]-[M01]-[D01]')` — time-partitioned names (daily indices, `dt=`
 * directories) — read without JSONata, which costs tens of microseconds a record. Only the UTC,
 * zero-padded components above take this path, for safe integers in years 1000–9999; any other
 * expression or value is JSONata's, so results are the same either way (tested against it).
 * Consecutive records mostly fall in the same hour or day: the last result is reused while the
 * time stays within the picture's finest unit.
 */
export function compileTimeFormat(expression: string): Accessor | undefined {
  const match = FROM_MILLIS.exec(expression);
  if (!match) return undefined;
  const [, argument, picture] = match;
  const format = picture === undefined ? { render: (d: Date) => d.toISOString(), unit: 1 } : compilePicture(picture);
  if (!format) return undefined;
  const path = argument === '$timestamp' ? undefined : argument!.split('.');
  const jsonata = compileExpression(expression);
  let lastBucket = NaN;
  let lastText = '';
  return (record) => {
    const millis = path ? readPath(record.value, path) : record.timestamp;
    if (!Number.isSafeInteger(millis)) return jsonata(record);
    const bucket = Math.floor((millis as number) / format.unit);
    if (bucket === lastBucket) return lastText;
    const date = new Date(millis as number);
    const year = date.getUTCFullYear();
    if (year < 1000 || year > 9999) return jsonata(record);
    lastBucket = bucket;
    lastText = format.render(date);
    return lastText;
  };
}

function compilePicture(picture: string): { render: (d: Date) => string; unit: number } | undefined {
  const parts: ((d: Date) => string)[] = [];
  let unit = 86_400_000;
  PICTURE_PART.lastIndex = 0;
  let at = 0;
  for (let m = PICTURE_PART.exec(picture); m; m = PICTURE_PART.exec(picture)) {
    at = PICTURE_PART.lastIndex;
    if (m[2] !== undefined) {
      const literal = m[2];
      parts.push(() => literal);
      continue;
    }
    const component = COMPONENTS[m[1]!];
    if (!component) return undefined;
    parts.push(component[0]);
    unit = Math.min(unit, component[1]);
  }
  if (at !== picture.length) return undefined;
  return { render: (d) => parts.map((p) => p(d)).join(''), unit };
}

/** The value at `path` (split on dots), or undefined where the path does not exist. */
export function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
