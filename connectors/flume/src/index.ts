import { defineConnector } from '@sinkhub/core';
import { flumeOptions } from './options.js';
import { FlumeSink } from './sink.js';

export { flumeOptions, type FlumeOptions } from './options.js';
export { EventBuilder, requestBody, type FlumeEvent } from './events.js';
export { responseOutcome, type Outcome } from './errors.js';
export { FlumeSink } from './sink.js';

export const flumeSink = defineConnector({
  name: 'flume',
  summary: 'Posts records as events to an Apache Flume agent’s HTTP source (JSONHandler), a batch in requests the source commits to its channel one transaction each; headers from templates, Kafka headers and the record’s topic/partition/offset.',
  options: flumeOptions,
  example: [
    'sink:',
    '  type: flume',
    '  url: http://flume-agent:5140',
    '  headers:',
    '    host: "{{ host }}"',
    '    service: "{{ $topic }}"',
    '  max_events_per_request: 1000   # up to the channel\'s transactionCapacity',
    '',
  ].join('\n'),
  guarantee: {
    summary:
      'at-least-once: the HTTP source answers 200 only after its channel committed the events, and offsets are committed only after that; a request whose answer was lost, or records past the last commit after a crash, are sent again. Each event carries `topic`, `partition` and `offset` headers, so a consumer can drop the replays.',
    table: [
      ['a file channel on the agent', 'at-least-once: an acknowledged event survives the agent’s crash or restart'],
      ['a memory channel on the agent', 'acknowledged events still in the channel are lost when the agent stops or crashes: no guarantee past the acknowledgement'],
    ],
  },
  defaultBatching: { maxRecords: 1000, maxWaitMs: 50 },
  create: (options, context) => new FlumeSink(options, context),
});

export default flumeSink;
