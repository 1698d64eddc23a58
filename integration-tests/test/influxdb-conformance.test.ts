/** The influxdb connector (v1 API) through the shared conformance suite: points idempotent by series and timestamp. */
import { conformanceSuite } from '../src/conformance.js';
import { INFLUXDB_DATABASE, INFLUXDB_PASSWORD, INFLUXDB_URL, INFLUXDB_USER } from '../src/env.js';
import { ident, influxRows, influxServer } from '../src/influxdb.js';

conformanceSuite({
  name: 'influxdb v1 (idempotent points)',
  delivery: 'exactly-once',
  server: influxServer,
  maxRecords: 1000,
  sink: (topic) =>
    `type: influxdb\napi: v1\nurl: ${INFLUXDB_URL}\ndatabase: ${INFLUXDB_DATABASE}\nusername: ${INFLUXDB_USER}\npassword: ${INFLUXDB_PASSWORD}\nmeasurement: "${topic}"\nfields: [id]\ntags: [type]\ntimestamp_field: ts`,
  // One point per distinct series and time: a replayed record overwrites its point, so a
  // duplicate would need a second timestamp, which only server time could give.
  readIds: async (topic) => (await influxRows(`SELECT id FROM ${ident(topic)}`)).map((r) => Number(r['id'])),
});
