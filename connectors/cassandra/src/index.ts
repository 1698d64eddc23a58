import { defineConnector } from '@sinkhub/core';
import { cassandraOptions, nondeterministic } from './options.js';
import { CassandraSink } from './sink.js';

export { cassandraOptions, type CassandraOptions } from './options.js';
export { StatementBuilder, groupByPartition, insertCql, deleteCql, type Statement, type TableInfo } from './statements.js';
export { toCql, typeName, ValueError, type CqlType } from './values.js';
export { createTableCql, createKeyspaceCql } from './schema.js';
export { classify } from './errors.js';
export { CassandraSink } from './sink.js';


export const cassandraSink = defineConnector({
  name: 'cassandra',
  summary: 'Writes records as rows of an Apache Cassandra table with prepared INSERTs (upserts) and DELETEs on tombstones, each with its own write time; unlogged batches per partition or single statements, concurrently.',
  options: cassandraOptions,
  example: [
    'sink:',
    '  type: cassandra',
    '  contact_points: [10.0.0.5:9042, 10.0.0.6:9042]',
    '  local_data_center: dc1',
    '  username: sinkhub',
    '  password: ${CASSANDRA_PASSWORD}',
    '  keyspace: shop',
    '  table: orders',
    '  columns:',
    '    customer: { from: customer.id, type: text }',
    '    order_id: { from: id, type: bigint }',
    '    total: { from: total, type: decimal }',
    '    placed_at: { from: placed_at, type: timestamp }',
    '    tags: { from: tags, type: "set<text>" }',
    '  write_timestamp: $timestamp',
    '  ttl: 2592000',
    '  consistency: local_quorum',
    '  auto_create:',
    '    partition_key: [customer]',
    '    clustering_key: [order_id]',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'exactly-once by idempotence: every write is an upsert or a delete of the row the record’s primary key names, so a replayed record rewrites the same cells — provided the primary key comes from the record (fields, key, topic/partition/offset), never from a clock or a random value. With `write_timestamp` the cells also carry the record’s own time, so replays, retries and out-of-order landings converge to the newest record. Counter tables are refused; collections are written whole (never appended), so they stay idempotent.',
    table: [
      ['primary key from the record, write_timestamp set', 'exactly-once by idempotence; a replay never overwrites a newer write (equal times: Cassandra keeps the larger value)'],
      ['primary key from the record, no write_timestamp', 'exactly-once by idempotence: the batch’s statements get increasing times when written, so a replay rewrites the same rows in record order'],
      ['primary key from $now(), $millis(), $random() or $uuid()', 'at-least-once: a replay writes a new row'],
    ],
  },
  exactlyOnce(options) {
    // The key of an existing table is checked at start, from its metadata (see CassandraSink).
    const key = options.auto_create ? [...options.auto_create.partition_key, ...options.auto_create.clustering_key] : [];
    const bad = key.find((k) => nondeterministic(options, k));
    if (bad) return `the primary key column ${bad} comes from an expression that changes on every evaluation, so a replayed record would write another row`;
    return 'idempotent';
  },
  defaultBatching: { maxRecords: 2000, maxWaitMs: 100 },
  create: (options, context) => new CassandraSink(options, context),
});

export default cassandraSink;
