/** The built-in file sink through the shared conformance suite (no server: no outage case). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceSuite } from '../src/conformance.js';
import { readPublished } from '../src/file-output.js';

const root = mkdtempSync(join(tmpdir(), 'sinkhub-conformance-'));

conformanceSuite({
  name: 'file',
  delivery: 'exactly-once',
  sink: (topic) => `type: file\npath: ${JSON.stringify(join(root, topic))}\nroll: { max_records: 2000, max_age_ms: 300 }`,
  readIds: async (topic) => (await readPublished(join(root, topic))).map((r) => r.value.id),
});
