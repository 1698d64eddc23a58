/**
 * Runs the pipelines of one file in one process: metrics and health endpoint, progress lines,
 * and a graceful stop that drains every pipeline within a bound.
 */
import type { Server } from 'node:http';
import { batchPolicyOf, validatePipelineObject } from './config/load.js';
import type { PipelineFile } from './config/schema.js';
import type { ConnectorDefinition } from './connector.js';
import { boundPort, startHttpServer } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { Pipeline, type PipelineStatus } from './pipeline.js';
import { ConnectorRegistry } from './registry.js';
import { createKafka } from './source/kafka-client.js';
import { KafkajsSource } from './source/kafkajs-source.js';

export interface HubOptions {
  readonly registry: ConnectorRegistry;
  readonly logger?: Logger;
}

export class Hub {
  private server: Server | undefined;
  private progressTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly file: PipelineFile,
    readonly pipelines: readonly Pipeline[],
    readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts every pipeline of a loaded file. For library use, pass a plain object and the
   * connectors it uses: `Hub.start(Hub.validate({...}, [mySink]))`.
   */
  static async start(file: PipelineFile, options: HubOptions): Promise<Hub> {
    const logger = options.logger ?? createLogger(file.log_level);
    const kafka = createKafka(file.kafka, logger);
    const metrics = new Metrics();
    const pipelines = file.pipelines.map((config) => {
      const connector = options.registry.get(config.sink.type)!;
      const source = new KafkajsSource(
        kafka,
        {
          topics: config.source.topics,
          topicPattern: config.source.topic_pattern,
          groupId: config.source.group_id,
          fromBeginning: config.source.start_from === 'earliest',
          sessionTimeoutMs: config.source.session_timeout_ms,
        },
        logger.child({ pipeline: config.name }),
      );
      return new Pipeline({ config, kafkaConfig: file.kafka, connector, batchPolicy: batchPolicyOf(config, connector.defaultBatching), kafka, source, metrics, logger });
    });
    const hub = new Hub(file, pipelines, metrics, logger);
    if (file.http !== false) {
      hub.server = await startHttpServer(file.http.host, file.http.port, metrics, hub);
      logger.info({ url: `http://${file.http.host}:${boundPort(hub.server)}/metrics` }, 'metrics and health endpoint up');
    }
    try {
      await Promise.all(pipelines.map((p) => p.start()));
    } catch (error) {
      await hub.stop();
      throw error;
    }
    if (file.progress_interval_ms > 0) hub.startProgress(file.progress_interval_ms);
    return hub;
  }

  /** Validates a pipeline file given as an object, with these connectors plus the built-ins. */
  static validate(input: unknown, connectors: readonly ConnectorDefinition[] = []): { file: PipelineFile; registry: ConnectorRegistry } {
    const registry = new ConnectorRegistry(ConnectorRegistry.builtIn());
    for (const c of connectors) registry.register(c);
    return { file: validatePipelineObject(input, { registry }), registry };
  }

  statuses(): Record<string, PipelineStatus> {
    return Object.fromEntries(this.pipelines.map((p) => [p.name, p.status]));
  }

  /** Settles when every pipeline stopped; rejects with the first failure. */
  get done(): Promise<void> {
    return Promise.all(this.pipelines.map((p) => p.done)).then(() => undefined);
  }

  /** Graceful stop: each pipeline stops fetching, writes what it holds, publishes and commits. */
  async stop(): Promise<void> {
    clearInterval(this.progressTimer);
    await Promise.allSettled(this.pipelines.map((p) => p.stop()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Abandons in-flight work without committing it (used when a graceful stop overran). */
  async halt(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.halt()));
  }

  private startProgress(intervalMs: number): void {
    const last = new Map(this.pipelines.map((p) => [p.name, { handled: p.handled, at: Date.now() }]));
    this.progressTimer = setInterval(() => {
      for (const p of this.pipelines) {
        const prev = last.get(p.name)!;
        const now = Date.now();
        const rate = ((p.handled - prev.handled) * 1000) / Math.max(1, now - prev.at);
        last.set(p.name, { handled: p.handled, at: now });
        this.logger.info({ pipeline: p.name, status: p.status, records_per_sec: Math.round(rate), records_total: p.handled, lag: p.lag() }, 'progress');
      }
    }, intervalMs);
    this.progressTimer.unref();
  }
}
