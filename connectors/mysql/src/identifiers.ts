/**
 * Names that go into SQL text. Values never do (they are bound as parameters); identifiers
 * cannot be bound, so they are checked against a narrow pattern and quoted.
 */

/** A table or column name: letters, digits, `_`, `$`, `-`; at most 64 characters (MySQL's limit). */
export const IDENTIFIER = /^[A-Za-z0-9_$-]{1,64}$/;

/** A column type for auto-created tables: a known type name with an optional size. */
export const COLUMN_TYPE =
  /^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT|FLOAT|DOUBLE|DECIMAL|NUMERIC|BOOLEAN|BOOL|BIT|CHAR|VARCHAR|BINARY|VARBINARY|TINYTEXT|TEXT|MEDIUMTEXT|LONGTEXT|TINYBLOB|BLOB|MEDIUMBLOB|LONGBLOB|JSON|DATE|DATETIME|TIMESTAMP|TIME|YEAR)(\(\d{1,5}(,\s*\d{1,2})?\))?(\s+UNSIGNED)?$/i;

/** `name` in backticks, after checking it. */
export function quote(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a valid identifier (letters, digits, _, $, -; at most 64 characters)`);
  return `\`${name}\``;
}

/** A table name, `table` or `database.table`, split and checked. */
export interface TableName {
  readonly database?: string;
  readonly table: string;
  /** Quoted for SQL text. */
  readonly sql: string;
}

export function parseTableName(name: string): TableName {
  const parts = name.split('.');
  if (parts.length > 2) throw new Error(`table "${name}" has more than one dot (write database.table)`);
  const [first, second] = parts as [string, string | undefined];
  return second === undefined ? { table: first, sql: quote(first) } : { database: first, table: second, sql: `${quote(first)}.${quote(second)}` };
}
