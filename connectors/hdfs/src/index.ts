import { defineConnector } from '@sinkhub/core';
import { hdfsOptions } from './options.js';
import { HdfsSink } from './sink.js';

export { hdfsOptions, type HdfsOptions } from './options.js';
export { CsvEncoder, encoderFor } from './records.js';
export { classify, RecordEncodingError, WebHdfsError, type ErrorClass } from './errors.js';
export { WebHdfsClient, type FileStatus } from './webhdfs.js';
export { WebHdfsStore } from './store.js';
export { HdfsSink } from './sink.js';

export const hdfsSink = defineConnector({
  name: 'hdfs',
  summary: 'Writes JSON-lines or CSV files (optionally gzip) into HDFS through WebHDFS, under a path template, rolled by size, records and age; each file is named after the offsets it holds.',
  options: hdfsOptions,
  example: [
    'sink:',
    '  type: hdfs',
    '  url: http://namenode:9870',
    '  user: etl',
    '  path: /data/kafka',
    "  directory: \"{{ $topic }}/dt={{ $fromMillis(ts, '[Y0001]-[M01]-[D01]') }}/hour={{ $fromMillis(ts, '[H01]') }}\"",
    '  format: csv',
    '  csv: { columns: [id, user.id, amount, $offset] }',
    '  compression: gzip',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'exactly-once (two-phase): each partition\'s records are staged in `<path>/.staging`, closed (durable on the DataNodes) and renamed into place — atomic in HDFS — with their offset range in the name; on start the next offset is read back from the names and unpublished staging files are removed.',
  },
  exactlyOnce: () => 'two-phase',
  defaultBatching: { maxRecords: 5000, maxWaitMs: 100 },
  create: (options, context) => new HdfsSink(options, context),
});

export default hdfsSink;
