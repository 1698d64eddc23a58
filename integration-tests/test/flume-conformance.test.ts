/**
 * The flume connector through the shared conformance suite, against the agent's JSONHandler source
 * into a file channel, read back from the file_roll sink's output. At-least-once: a request whose
 * answer was lost, or records past the last offset commit after a crash, are posted again (each
 * event carries topic/partition/offset headers for consumers that deduplicate). The file channel is
 * what keeps the events the agent acknowledged across its own restart in the outage case.
 */
import { conformanceSuite } from '../src/conformance.js';
import { FLUME_OUTPUT_DIR, FLUME_URL } from '../src/env.js';
import { FlumeOutput, flumeServer } from '../src/flume.js';

const output = new FlumeOutput(FLUME_OUTPUT_DIR);

conformanceSuite({
  name: 'flume (HTTP source, file channel)',
  delivery: 'at-least-once',
  server: flumeServer,
  maxRecords: 500,
  sink: () => `type: flume\nurl: ${FLUME_URL}\nmax_events_per_request: 500`,
  readIds: (topic) => output.ids(topic),
});
