/**
 * `${VAR}`, `${VAR:-default}` and `${file:/path}` in string values. A value that is exactly one
 * reference in an unquoted scalar takes the YAML type of what it expands to, so `port: ${PORT}`
 * is a number; anything else stays a string.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYamlScalar } from 'yaml';

const REFERENCE = /\$\{([^}]*)\}/g;

export interface InterpolationContext {
  readonly env: NodeJS.ProcessEnv;
}

/** Expands references in `text`; throws with the variable named when one is unset. */
export function interpolate(text: string, context: InterpolationContext): string {
  return text.replace(REFERENCE, (_, body: string) => {
    if (body.startsWith('file:')) {
      const path = body.slice('file:'.length);
      try {
        return readFileSync(path, 'utf8').trim();
      } catch (error) {
        throw new Error(`cannot read secret file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
    }
    const separator = body.indexOf(':-');
    const name = separator === -1 ? body : body.slice(0, separator);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad variable reference \${${body}}`);
    const value = context.env[name];
    if (value !== undefined && value !== '') return value;
    if (separator !== -1) return body.slice(separator + 2);
    throw new Error(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
  });
}

/** True when `text` is one reference and nothing else. */
export function isSingleReference(text: string): boolean {
  return /^\$\{[^}]*\}$/.test(text);
}

/** The expanded text, typed as YAML would type it when written unquoted. */
export function retype(expanded: string): unknown {
  try {
    const value: unknown = parseYamlScalar(expanded);
    return value !== null && typeof value === 'object' ? expanded : value;
  } catch {
    return expanded;
  }
}
