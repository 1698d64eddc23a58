/**
 * The benchmark's MySQL table, the same for the raw case and for sinkhub: the data set's JSON
 * fields as columns, no key (plain inserts), created before and dropped after each case.
 */
import { createPool, type Pool } from 'mysql2/promise';

export const MYSQL_URL = process.env['MYSQL_URL'] ?? 'mysql://sinkhub:sinkhub@127.0.0.1:3306/sinkhub';
export const COLUMNS = ['id', 'type', 'user', 'ts', 'pad'] as const;
/** The mysql connector's default batch, used by the raw case too. */
export const BATCH = 1000;

export function benchPool(): Pool {
  return createPool({ uri: MYSQL_URL, connectionLimit: 1 });
}

export async function createBenchTable(pool: Pool, table: string): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
  await pool.query(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL, type VARCHAR(32), user VARCHAR(32), ts BIGINT, pad TEXT) DEFAULT CHARSET = utf8mb4`);
}

/** Rows stored, then the table (and the pipeline's stored offsets) dropped. */
export async function countAndDrop(pool: Pool, table: string, pipeline?: string): Promise<number> {
  const [rows] = await pool.query(`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM \`${table}\``);
  const { n, d } = (rows as { n: number; d: number }[])[0]!;
  await pool.query(`DROP TABLE \`${table}\``);
  if (pipeline) await pool.query('DELETE FROM sinkhub_offsets WHERE pipeline = ?', [pipeline]);
  if (Number(n) !== Number(d)) throw new Error(`${table} holds ${n} rows but ${d} distinct ids`);
  return Number(n);
}
