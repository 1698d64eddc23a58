/** The mysql connector through the shared conformance suite: insert and upsert, both exactly-once. */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { MYSQL_URL } from '../src/env.js';
import { closeDb, mysqlServer, rows } from '../src/mysql.js';

after(closeDb);

/** Ids stored for `topic`; a table not created yet holds none. */
async function ids(table: string): Promise<number[]> {
  try {
    return (await rows<{ id: number }>(`SELECT id FROM \`${table}\``)).map((r) => Number(r.id));
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') return [];
    throw error;
  }
}

conformanceSuite({
  name: 'mysql insert (transactional)',
  delivery: 'exactly-once',
  server: mysqlServer,
  maxRecords: 500,
  // No key: a duplicate could only be kept out by the offsets stored with the rows.
  sink: (topic) => `type: mysql\nurl: ${MYSQL_URL}\ntable: "{{ $topic }}"\nauto_create: true`,
  readIds: (topic) => ids(topic),
});

conformanceSuite({
  name: 'mysql upsert (transactional)',
  delivery: 'exactly-once',
  server: mysqlServer,
  maxRecords: 500,
  sink: (topic) =>
    `type: mysql\nurl: ${MYSQL_URL}\ntable: "u_{{ $topic }}"\nmode: upsert\nkey: [id]\ncolumns:\n  id: { from: id, type: BIGINT }\n  type: type\n  ts: { from: ts, type: BIGINT }\n  src: "$string($partition) & '/' & $string($offset)"\nauto_create: true`,
  // Keyed rows cannot show a duplicate: this case proves nothing is lost and replays converge.
  readIds: async (topic) => ids(`u_${topic}`),
});
