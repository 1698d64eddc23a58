/**
 * The influxdb connector's v2 API (`/api/v2/write`: org, bucket, token) through the shared
 * conformance suite, against QuestDB: no InfluxDB 2 server can be had from the registries, and
 * QuestDB (Maven Central) speaks the same write API. Its tables are created with dedup keys
 * (timestamp and tag), which gives them InfluxDB's rule: a point of the same series and time
 * overwrites.
 */
import { conformanceSuite } from '../src/conformance.js';
import { QUESTDB_URL } from '../src/env.js';
import { questdbServer, questdbSql, tableOf } from '../src/questdb.js';

conformanceSuite({
  name: 'influxdb v2 API (QuestDB, dedup keys)',
  delivery: 'exactly-once',
  server: questdbServer,
  maxRecords: 1000,
  sink: () =>
    `type: influxdb\napi: v2\nurl: ${QUESTDB_URL}\norg: sinkhub\nbucket: sinkhub\ntoken: not-checked-by-questdb\nmeasurement: "m_{{ $replace($topic, '-', '_') }}"\nfields: [id]\ntags: [type]\ntimestamp_field: ts`,
  prepare: async (topic) => {
    await questdbSql(`CREATE TABLE ${tableOf(topic)} (type SYMBOL, id DOUBLE, timestamp TIMESTAMP) TIMESTAMP(timestamp) PARTITION BY DAY WAL DEDUP UPSERT KEYS(timestamp, type)`);
  },
  readIds: async (topic) => (await questdbSql(`SELECT id FROM ${tableOf(topic)}`)).map((row) => Number(row[0])),
});
