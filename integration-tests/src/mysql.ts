/** A MySQL client for the suites: reading targets back and preparing tables. */
import { createPool, type Pool } from 'mysql2/promise';
import { MYSQL_URL, hostPort } from './env.js';

export const mysqlServer = { name: 'MySQL', address: hostPort(MYSQL_URL), service: 'mariadb' };

let pool: Pool | undefined;

/** A small pool on MYSQL_URL; reconnects by itself after the outage case restarts the server. */
export function db(): Pool {
  pool ??= createPool({ uri: MYSQL_URL, connectionLimit: 2, supportBigNumbers: true, bigNumberStrings: false });
  return pool;
}

export async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db().query(sql, params))[0] as T[];
}

export async function closeDb(): Promise<void> {
  await pool?.end();
  pool = undefined;
}
