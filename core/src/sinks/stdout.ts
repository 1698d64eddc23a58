/** Writes each record as a JSON line to standard output (logs go to standard error). */
import { once } from 'node:events';
import { defineConnector, type Batch } from '../connector.js';
import { z } from '../options.js';
import { lineContent, toJsonLine } from './json-line.js';

export const stdoutOptions = z.strictObject({
  content: lineContent.default('value'),
});

export const stdoutSink = defineConnector({
  name: 'stdout',
  summary: 'Prints each record as a line of JSON on standard output.',
  options: stdoutOptions,
  guarantee: { summary: 'at-least-once: a terminal cannot take back a line, so a replay prints it again.' },
  example: 'sink:\n  type: stdout\n  content: record\n',
  create(options) {
    return {
      async connect() {},
      async write(batch: Batch) {
        let text = '';
        for (const record of batch.records) text += toJsonLine(record, options.content);
        if (!process.stdout.write(text)) await once(process.stdout, 'drain');
      },
      async stop() {},
    };
  },
});

export default stdoutSink;
