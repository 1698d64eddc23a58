/**
 * Names and types that go into CQL text. Values never do (they are bound to prepared
 * statements); identifiers cannot be bound, so they are checked against narrow patterns and
 * quoted (so they are case-sensitive, exactly as given).
 */

/** A keyspace: a letter, then letters, digits or `_`; at most 48 characters (Cassandra's limit). */
export const NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
/** A table: letters, digits or `_`; at most 48 characters. */
export const TABLE_NAME = /^[A-Za-z0-9_]{1,48}$/;
/** A column: a letter, then letters, digits or `_`. */
export const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `name` in double quotes, after checking it against `pattern`. */
export function quote(name: string, pattern: RegExp = COLUMN_NAME): string {
  if (!pattern.test(name)) throw new Error(`"${name}" is not a valid name (letters, digits and _${pattern === TABLE_NAME ? ', at most 48 characters' : ''})`);
  return `"${name}"`;
}

const SIMPLE_TYPES = new Set([
  'ascii', 'bigint', 'blob', 'boolean', 'date', 'decimal', 'double', 'duration', 'float', 'inet', 'int',
  'smallint', 'text', 'time', 'timestamp', 'timeuuid', 'tinyint', 'uuid', 'varchar', 'varint',
]);

/**
 * A CQL type for an auto-created column, checked by parsing it (a pattern could not refuse
 * `text, other int`, which would add a column): simple types, `list|set|frozen<…>`,
 * `map<…, …>`, `tuple<…>`, `vector<…, n>`, and user-defined type names. Counters are refused:
 * an increment is not idempotent. Returns the type in lower case, or throws.
 */
export function parseCqlType(source: string): string {
  const tokens = source.toLowerCase().match(/[a-z_][a-z0-9_]*|\d+|[<>,]|\S/g) ?? [];
  let at = 0;
  const next = () => tokens[at++];
  const expect = (token: string) => {
    if (next() !== token) throw new Error(`expected "${token}"`);
  };
  const type = (): string => {
    const word = next();
    if (word === undefined || !/^[a-z_]/.test(word)) throw new Error('expected a type name');
    if (word === 'counter') throw new Error('counter columns are not supported: an increment replayed counts twice');
    if (word === 'list' || word === 'set' || word === 'frozen') {
      expect('<');
      const inner = type();
      expect('>');
      return `${word}<${inner}>`;
    }
    if (word === 'map') {
      expect('<');
      const k = type();
      expect(',');
      const v = type();
      expect('>');
      return `map<${k}, ${v}>`;
    }
    if (word === 'tuple') {
      expect('<');
      const parts = [type()];
      while (tokens[at] === ',') {
        at++;
        parts.push(type());
      }
      expect('>');
      return `tuple<${parts.join(', ')}>`;
    }
    if (word === 'vector') {
      expect('<');
      const element = type();
      expect(',');
      const n = next();
      if (n === undefined || !/^\d+$/.test(n)) throw new Error('expected a vector dimension');
      expect('>');
      return `vector<${element}, ${n}>`;
    }
    if (SIMPLE_TYPES.has(word)) return word;
    // A user-defined type of the keyspace.
    return `"${word}"`;
  };
  const parsed = type();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]}"`);
  return parsed;
}

/** For zod: true when `parseCqlType` accepts `source`. */
export function isCqlType(source: string): boolean {
  try {
    parseCqlType(source);
    return true;
  } catch {
    return false;
  }
}
