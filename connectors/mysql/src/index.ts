import { defineConnector } from '@sinkhub/core';
import { mysqlOptions } from './options.js';
import { MysqlSink } from './sink.js';

export { mysqlOptions, type MysqlOptions } from './options.js';
export { RowMapper, type RowOp } from './rows.js';
export { buildStatements, type Statement } from './statements.js';
export { createTableSql, inferType } from './tables.js';
export { MysqlSink } from './sink.js';

export const mysqlSink = defineConnector({
  name: 'mysql',
  summary: 'Writes records as table rows in MySQL or MariaDB: insert, upsert on a key, delete on tombstones; one transaction of multi-row statements per batch.',
  options: mysqlOptions,
  example: [
    'sink:',
    '  type: mysql',
    '  url: mysql://sinkhub:${MYSQL_PASSWORD}@127.0.0.1:3306/shop',
    '  table: orders',
    '  mode: upsert',
    '  key: [id]',
    '  columns:',
    '    id: id',
    '    customer: customer.name',
    '    total: { from: total, type: "DECIMAL(10,2)" }',
    '    kafka_offset: $offset',
    '  auto_create: true',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'exactly-once in both modes: each batch’s rows and its partitions’ next offsets (table `sinkhub_offsets`) are written in one transaction, and on start the core resumes from the stored offsets. A write finding offsets it did not expect is fenced (another writer owns the partition).',
    table: [
      ['insert, exactly-once', 'exactly-once: rows and offsets commit together, so a replay starts after the last committed batch'],
      ['upsert, exactly-once', 'exactly-once, as above; a replay would also converge, since rows are keyed'],
      ['insert, at-least-once', 'at-least-once: a crash between COMMIT and the Kafka offset commit replays rows (duplicates, unless the table has a unique key)'],
      ['upsert, at-least-once', 'effectively-once: a replay rewrites the same rows'],
    ],
  },
  exactlyOnce: () => 'transactional',
  defaultBatching: { maxRecords: 5000, maxWaitMs: 100 },
  create: (options, context) => new MysqlSink(options, context),
});

export default mysqlSink;
