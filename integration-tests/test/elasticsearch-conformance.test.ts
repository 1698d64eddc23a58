/** The elasticsearch connector through the shared conformance suite: ids from topic/partition/offset, so replays overwrite. */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { ELASTICSEARCH_URL } from '../src/env.js';
import { closeEs, elasticsearchServer, fieldValues } from '../src/elasticsearch.js';

after(closeEs);

conformanceSuite({
  name: 'elasticsearch (offset ids)',
  delivery: 'exactly-once',
  server: elasticsearchServer,
  maxRecords: 2000,
  sink: (topic) => `type: elasticsearch\nnodes: [${ELASTICSEARCH_URL}]\nindex: "${topic}"\nid: offset`,
  readIds: (topic) => fieldValues(topic, 'id'),
});
