/** Pipeline files the suites run, written the way a user would write them. */
import { KAFKA_BROKERS } from './env.js';

export interface FilePipelineOptions {
  readonly name: string;
  readonly topic: string;
  readonly dir: string;
  readonly delivery?: 'exactly-once' | 'at-least-once';
  readonly tolerance?: 'none' | 'all';
  readonly deadLetterTopic?: string;
  readonly rollRecords?: number;
  readonly maxRecords?: number;
  readonly httpPort?: number;
  /** Kafka offset commits at most this often (the pipeline's `commit_interval_ms`). */
  readonly commitIntervalMs?: number;
}

/** A pipeline from `topic` into the file sink in `dir`; group `sinkhub-<name>`. */
export function filePipeline(o: FilePipelineOptions): string {
  return pipelineYaml({ ...o, sink: `type: file\npath: ${JSON.stringify(o.dir)}\nroll: { max_records: ${o.rollRecords ?? 300}, max_age_ms: 500 }` });
}

export interface PipelineOptions extends Omit<FilePipelineOptions, 'dir' | 'rollRecords'> {
  /** The `sink:` block's body, YAML, unindented. */
  readonly sink: string;
}

/** A pipeline from `topic` into any sink; group `sinkhub-<name>`. */
export function pipelineYaml(o: PipelineOptions): string {
  const sink = o.sink.trim().split('\n').map((line) => `      ${line}`).join('\n');
  return `
kafka:
  brokers: [${KAFKA_BROKERS.map((b) => JSON.stringify(b)).join(', ')}]
http: ${o.httpPort === undefined ? 'false' : `{ port: ${o.httpPort} }`}
progress_interval_ms: 1000
pipelines:
  - name: ${o.name}
    source:
      topics: [${o.topic}]
      session_timeout_ms: 6000
    sink:
${sink}
    batching: { max_records: ${o.maxRecords ?? 100}, max_wait_ms: 50 }
    delivery: ${o.delivery ?? 'exactly-once'}
${o.commitIntervalMs === undefined ? '' : `    commit_interval_ms: ${o.commitIntervalMs}\n`}    errors:
      tolerance: ${o.tolerance ?? 'none'}
${o.deadLetterTopic ? `      dead_letter_topic: ${o.deadLetterTopic}\n` : ''}      retry: { initial_backoff_ms: 50, max_backoff_ms: 1000 }
`;
}
