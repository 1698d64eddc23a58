import { defineConnector } from '../../connector.js';
import { fileOptions } from './options.js';
import { FileSink } from './sink.js';

export { FileSink } from './sink.js';
export { fileOptions, type FileOptions } from './options.js';
export { parsePublishedName, publishedName } from '../../staged-files/naming.js';

export const fileSink = defineConnector({
  name: 'file',
  summary: 'Writes JSON-lines files, rolled by records, bytes and age, each named after the offsets it holds.',
  options: fileOptions,
  guarantee: {
    summary:
      'exactly-once (two-phase): files are staged, then renamed into place with their offset range in the name; on start the next offset is read back from the names.',
  },
  example: 'sink:\n  type: file\n  path: /var/lib/sinkhub/events\n  roll: { max_records: 100000, max_age_ms: 60000 }\n',
  exactlyOnce: () => 'two-phase',
  defaultBatching: { maxRecords: 5000, maxWaitMs: 100 },
  create: (options, context) => new FileSink(options, context),
});

export default fileSink;
