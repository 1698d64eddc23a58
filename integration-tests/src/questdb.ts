/** QuestDB's SQL over HTTP (/exec) for the suites: creating tables with dedup keys, reading back. */
import { QUESTDB_URL, hostPort } from './env.js';

export const questdbServer = { name: 'QuestDB', address: hostPort(QUESTDB_URL), service: 'questdb' };

export async function questdbSql(query: string): Promise<unknown[][]> {
  const response = await fetch(`${QUESTDB_URL}/exec?${new URLSearchParams({ query, limit: '0,1000000' })}`);
  const body = (await response.json()) as { dataset?: unknown[][]; error?: string };
  if (body.error) throw new Error(`QuestDB "${query}": ${body.error}`);
  return body.dataset ?? [];
}

/** Table names here: the topic with `-` as `_` (the measurement template does the same). */
export const tableOf = (topic: string) => `m_${topic.replaceAll('-', '_')}`;
