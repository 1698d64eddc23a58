import { defineConnector } from '@sinkhub/core';
import { influxdbOptions } from './options.js';
import { InfluxdbSink } from './sink.js';

export { influxdbOptions, type InfluxdbOptions } from './options.js';
export { PointBuilder } from './points.js';
export { InfluxdbSink } from './sink.js';

export const influxdbSink = defineConnector({
  name: 'influxdb',
  summary: 'Writes each record as a point (measurement, tags, fields, timestamp) through the InfluxDB v2 or v1 write API; one write per batch.',
  options: influxdbOptions,
  example: [
    'sink:',
    '  type: influxdb',
    '  url: http://127.0.0.1:8086',
    '  org: sinkhub',
    '  bucket: metrics',
    '  token: ${INFLUX_TOKEN}',
    '  measurement: "{{ $topic }}"',
    '  tags: [host, region]',
    '  timestamp_field: ts',
    '  precision: ms',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'a point is identified by its measurement, tag set and timestamp: writing it again overwrites it. So replays converge as long as every point carries a deterministic timestamp.',
    table: [
      ['timestamp_field, or the default Kafka timestamp', 'exactly-once by idempotence: a replayed record rewrites the same point'],
      ['server_time: true', 'at-least-once: the server stamps each write, so a replayed record becomes a second point'],
    ],
  },
  exactlyOnce(options) {
    if (options.server_time) return 'with server_time each replayed record becomes a new point (set timestamp_field, or use the Kafka timestamp)';
    return 'idempotent';
  },
  defaultBatching: { maxRecords: 5000, maxWaitMs: 100 },
  create: (options, context) => new InfluxdbSink(options, context),
});

export default influxdbSink;
