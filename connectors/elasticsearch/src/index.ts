import { defineConnector } from '@sinkhub/core';
import { elasticsearchOptions } from './options.js';
import { ElasticsearchSink } from './sink.js';

export { elasticsearchOptions, type ElasticsearchOptions } from './options.js';
export { OperationBuilder, bulkRequests } from './actions.js';
export { itemOutcome } from './items.js';
export { ElasticsearchSink } from './sink.js';

export const elasticsearchSink = defineConnector({
  name: 'elasticsearch',
  summary: 'Writes records as documents through the bulk API (index, create, update with doc_as_upsert, delete on tombstones); every item of every response is examined.',
  options: elasticsearchOptions,
  example: [
    'sink:',
    '  type: elasticsearch',
    '  nodes: [https://127.0.0.1:9200]',
    '  api_key: ${ES_API_KEY}',
    '  tls: { ca_file: /etc/ssl/es-ca.pem }',
    '  index: "logs-{{ $topic }}-{{ $fromMillis(ts, \'[Y0001].[M01].[D01]\') }}"',
    '  id: offset',
    '',
  ].join('\n'),
  guarantee: {
    summary: 'depends on the document id: a deterministic id makes a replay overwrite (or, for `create`, find) the same document.',
    table: [
      ['id: offset (the default), key or field', 'exactly-once by idempotence: a replayed record rewrites the document with the same id'],
      ['id: none', 'at-least-once: the server gives each write a new id, so a replay indexes a second document'],
    ],
  },
  exactlyOnce(options) {
    if (options.id === 'none') return 'with id: none the server gives each write a new id, so a replay indexes a second document';
    return 'idempotent';
  },
  defaultBatching: { maxRecords: 5000, maxWaitMs: 200 },
  create: (options, context) => new ElasticsearchSink(options, context),
});

export default elasticsearchSink;
