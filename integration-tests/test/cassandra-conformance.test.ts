/**
 * The cassandra connector through the shared conformance suite, exactly-once by idempotence:
 * a row keyed by the record's partition/offset in an existing table (unlogged batches), and a
 * row keyed by the record's id in an auto-created table (single statements, record timestamps).
 */
import { after } from 'node:test';
import { KEYSPACE, cassandraServer, closeCassandra, connection, cql, readNumbers, tableFor } from '../src/cassandra.js';
import { conformanceSuite } from '../src/conformance.js';

after(closeCassandra);

conformanceSuite({
  name: 'cassandra, keyed by partition/offset (unlogged batches)',
  delivery: 'exactly-once',
  server: cassandraServer,
  maxRecords: 500,
  // A row per record whatever its id: a replay lands on the same row only because the key is
  // the record's own position, so counting ids shows every duplicate the sink would make.
  prepare: async (topic) => {
    await cql(`CREATE TABLE IF NOT EXISTS ${KEYSPACE}.${tableFor(topic, 'o')} (src text PRIMARY KEY, id bigint, type text, ts timestamp, pad text)`);
  },
  sink: (topic) =>
    `type: cassandra\n${connection}\ntable: ${tableFor(topic, 'o')}\nunlogged_batches: true\ncolumns:\n  src: "$string($partition) & '/' & $string($offset)"\n  id: id\n  type: type\n  ts: ts\n  pad: pad`,
  readIds: (topic) => readNumbers(tableFor(topic, 'o')),
});

conformanceSuite({
  name: 'cassandra, keyed by id, auto-created (single statements, record timestamps)',
  delivery: 'exactly-once',
  server: cassandraServer,
  maxRecords: 500,
  sink: (topic) =>
    `type: cassandra\n${connection}\ntable: "{{ 'i_' & $replace($topic, '-', '_') }}"\nunlogged_batches: false\nwrite_timestamp: $timestamp\ncolumns:\n  id: { from: id, type: bigint }\n  type: { from: type, type: text }\n  ts: { from: ts, type: timestamp }\n  src: { from: "$string($partition) & '/' & $string($offset)", type: text }\nauto_create:\n  partition_key: [id]`,
  // Keyed by id, a duplicate cannot show: this case proves nothing is lost and replays converge.
  readIds: (topic) => readNumbers(tableFor(topic, 'i')),
});
