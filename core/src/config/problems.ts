/** Configuration problems, each pinned to a file position and a field path. */
import type { Document, LineCounter } from 'yaml';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

export type FieldPath = readonly (string | number)[];

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `pipelines[0].sink.index`; empty for the whole file. */
  readonly field: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

export function formatPath(path: FieldPath): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

/** Finds where in the YAML source a field path lives, falling back to its nearest parent. */
export class SourceLocator {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  problem(path: FieldPath, message: string, { keyOf = false } = {}): ConfigProblem {
    const offset = this.offsetOf(path, keyOf);
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col, field: formatPath(path), message };
  }

  /** Offset of the value at `path` (or of its key, for unknown keys); the closest ancestor if absent. */
  private offsetOf(path: FieldPath, keyOf: boolean): number {
    let node: Node | null = this.doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
        if (!pair) break;
        const key = pair.key as Node;
        if (keyOf && part === path[path.length - 1]) return key.range?.[0] ?? offset;
        node = (pair.value as Node | null) ?? null;
        offset = node?.range?.[0] ?? key.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part] as Node | undefined;
        if (!item) break;
        node = item;
        offset = item.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return offset;
  }
}
