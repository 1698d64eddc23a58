/**
 * The hbase connector through the shared conformance suite, REST transport (the default):
 * exactly-once by idempotence. Each record is a row keyed by topic-partition-offset whose cells
 * carry the Kafka timestamp, and the table keeps 10 versions: a replay that wrote a cell again
 * with another timestamp would show as a second version of `d:id`, so counting versions counts
 * duplicates. The outage stops and restarts the REST gateway (services/hbase-rest.sh).
 */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { HBASE_REST_URL, HBASE_ZOOKEEPER } from '../src/env.js';
import { createTable, dropTable, hbaseServer, scanCells, tableFor } from '../src/hbase.js';

// Dropped at the end: every table is reopened when HBase restarts, which the outage cases do.
const tables = new Set<string>();
after(async () => {
  for (const table of tables) await dropTable(table);
});
const prepare = async (topic: string) => {
  tables.add(tableFor(topic));
  await createTable(tableFor(topic), ['d'], 10);
};

conformanceSuite({
  name: 'hbase rest (idempotent cells)',
  delivery: 'exactly-once',
  server: { ...hbaseServer, service: 'hbase-rest' },
  maxRecords: 1000,
  prepare,
  sink: (topic) => `type: hbase\nurl: ${HBASE_REST_URL}\ntable: ${tableFor(topic)}\nrow_key: "{{ $topic }}-{{ $partition }}-{{ $offset }}"\nfamily: d\nrequest_timeout_ms: 10000`,
  readIds: async (topic) => (await scanCells(tableFor(topic), ['d:id'])).map((c) => Number(c.value.toString('utf8'))),
});

/**
 * The same through native RPC (`transport: rpc`). Its outage stops and restarts the whole
 * standalone HBase (ZooKeeper, master and region server: services/hbase.sh), as the RPC client
 * talks to the region server directly.
 */
conformanceSuite({
  name: 'hbase rpc (idempotent cells)',
  delivery: 'exactly-once',
  server: { ...hbaseServer, service: 'hbase' },
  maxRecords: 1000,
  prepare,
  sink: (topic) => `type: hbase\ntransport: rpc\nzookeeper_quorum: ${HBASE_ZOOKEEPER}\ntable: ${tableFor(topic)}\nrow_key: "{{ $topic }}-{{ $partition }}-{{ $offset }}"\nfamily: d\nrequest_timeout_ms: 10000`,
  readIds: async (topic) => (await scanCells(tableFor(topic), ['d:id'])).map((c) => Number(c.value.toString('utf8'))),
});
