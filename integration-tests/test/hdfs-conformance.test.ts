/**
 * The hdfs connector through the shared conformance suite, against a real NameNode and
 * DataNode: exactly-once, since files are staged, closed and renamed into place with their
 * offset range in the name, and the next offset is read back from the names on start. Read
 * back with LISTSTATUS and OPEN; the outage case stops and restarts HDFS mid-stream.
 */
import { conformanceSuite } from '../src/conformance.js';
import { hdfsServer, hdfsSinkYaml, readIds } from '../src/hdfs.js';

const root = `/conformance-${process.pid}`;

conformanceSuite({
  name: 'hdfs (WebHDFS)',
  delivery: 'exactly-once',
  server: hdfsServer,
  maxRecords: 500,
  sink: (topic) => `${hdfsSinkYaml}\npath: ${root}/${topic}\nroll: { max_records: 5000, max_age_ms: 1000 }`,
  readIds: (topic) => readIds(`${root}/${topic}`),
});
