/** Prometheus metrics of every pipeline in the process, labelled by pipeline. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface LagEntry {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly consumed = new Counter({ name: 'sinkhub_records_consumed_total', help: 'Records read from Kafka.', labelNames: ['pipeline'], registers: [this.registry] });
  readonly written = new Counter({ name: 'sinkhub_records_written_total', help: 'Records the sink acknowledged.', labelNames: ['pipeline'], registers: [this.registry] });
  readonly filtered = new Counter({ name: 'sinkhub_records_filtered_total', help: 'Records dropped by a filter transform.', labelNames: ['pipeline'], registers: [this.registry] });
  readonly failed = new Counter({ name: 'sinkhub_records_failed_total', help: 'Records that failed, by stage (decode, transform, write).', labelNames: ['pipeline', 'stage'], registers: [this.registry] });
  readonly deadLettered = new Counter({ name: 'sinkhub_records_dead_lettered_total', help: 'Records sent to the dead-letter topic.', labelNames: ['pipeline'], registers: [this.registry] });
  readonly retries = new Counter({ name: 'sinkhub_sink_retries_total', help: 'Write attempts that were retried.', labelNames: ['pipeline'], registers: [this.registry] });
  readonly batchRecords = new Histogram({ name: 'sinkhub_batch_records', help: 'Records per batch handed to the sink.', labelNames: ['pipeline'], buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 50000], registers: [this.registry] });
  readonly sinkLatency = new Histogram({ name: 'sinkhub_sink_write_seconds', help: 'Time of one sink write.', labelNames: ['pipeline'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [this.registry] });
  readonly up = new Gauge({ name: 'sinkhub_pipeline_up', help: '1 while the pipeline runs, 0 once it stopped or failed.', labelNames: ['pipeline'], registers: [this.registry] });
  private readonly lagSources = new Map<string, () => LagEntry[]>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const lagSources = this.lagSources;
    new Gauge({
      name: 'sinkhub_consumer_lag',
      help: 'Records between the committed offset and the end of the partition.',
      labelNames: ['pipeline', 'topic', 'partition'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [pipeline, entries] of lagSources) {
          for (const e of entries()) this.set({ pipeline, topic: e.topic, partition: String(e.partition) }, e.lag);
        }
      },
    });
  }

  /** Reports a pipeline's lag on each scrape. */
  trackLag(pipeline: string, entries: () => LagEntry[]): void {
    this.lagSources.set(pipeline, entries);
  }
}
