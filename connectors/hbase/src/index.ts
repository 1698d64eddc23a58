import { defineConnector } from '@sinkhub/core';
import { hbaseOptions } from './options.js';
import { HbaseSink } from './sink.js';

export { hbaseOptions, type HbaseOptions } from './options.js';
export { MutationBuilder, planSteps, encodeValue } from './mutations.js';
export { cellSetBody } from './rest.js';
export { classify } from './errors.js';
export { HbaseSink } from './sink.js';

export const hbaseSink = defineConnector({
  name: 'hbase',
  summary: 'Writes each record as cells of an HBase row (row key template, family:qualifier mapping, cell timestamp from the record) through the REST gateway or native RPC; batched multi-row puts, row deletes on tombstones.',
  options: hbaseOptions,
  example: [
    'sink:',
    '  type: hbase',
    '  url: http://127.0.0.1:8080',
    '  table: events',
    '  row_key: "user#{{ $key }}"',
    '  columns:',
    '    d:name: user.name',
    '    d:doc: $',
    '    meta:topic: $topic',
    '  timestamp_field: ts',
    '  create_table: { versions: 1 }',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'a cell is identified by its row, column and timestamp: writing it again with the same timestamp overwrites it and adds no version. So replays converge as long as row keys and cell timestamps are deterministic (the default: the Kafka timestamp).',
    table: [
      ['timestamp_field, or the default Kafka timestamp', 'exactly-once by idempotence: a replayed record writes the same cell versions again'],
      ['server_time: true', 'at-least-once: a replayed record writes a new version of each cell, stamped now. With VERSIONS=1 only the newest is kept, so reads of the latest value converge; with VERSIONS=n the replay shows as extra versions and pushes older ones out'],
    ],
  },
  exactlyOnce(options) {
    if (options.server_time) return 'with server_time a replayed record writes a new version of each cell (set timestamp_field, or use the Kafka timestamp)';
    return 'idempotent';
  },
  defaultBatching: { maxRecords: 4000, maxWaitMs: 100 },
  create: (options, context) => new HbaseSink(options, context),
});

export default hbaseSink;
