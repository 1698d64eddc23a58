/**
 * Elasticsearch I/O: a batch becomes bulk requests (sent `concurrent_requests` at a time when no
 * two of them touch one document), and every item of every response decides its record's fate.
 */
import { Client, errors, type ClientOptions } from '@elastic/elasticsearch';
import { SinkError, tlsConnectionOptions, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { OperationBuilder, bulkRequests, sharesDocuments, type Operation } from './actions.js';
import { itemOutcome, type BulkItem } from './items.js';
import type { ElasticsearchOptions } from './options.js';

export class ElasticsearchSink implements Sink {
  private readonly builder: OperationBuilder;
  private readonly client: Client;
  private readonly where: string;
  private readonly deterministicId: boolean;

  constructor(
    private readonly options: ElasticsearchOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new OperationBuilder(options);
    this.client = new Client(this.clientOptions());
    this.where = options.nodes.map((n) => new URL(n).host).join(',');
    this.deterministicId = options.id !== 'none';
  }

  async connect(): Promise<void> {
    try {
      // Cluster health rather than `GET /`: it needs only the monitor privilege, and Elastic's
      // minimal distribution (the one the tests run) has no handler for `/`.
      const health = await this.client.cluster.health({}, { requestTimeout: this.options.request_timeout_ms });
      this.context.logger.info({ cluster: health.cluster_name, status: health.status }, 'connected to elasticsearch');
      const template = this.options.index_template;
      if (template) await this.client.indices.putIndexTemplate({ name: template.name, ...template.body });
    } catch (error) {
      throw new SinkError(`elasticsearch at ${this.where}: ${describe(error)}`, { retryable: false, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const translation = await this.builder.build(batch.records);
    const failures: RecordFailure[] = [...translation.failures];
    const requests = bulkRequests(translation.operations, this.options.max_bulk_actions, this.options.max_bulk_bytes);
    const concurrency = sharesDocuments(requests) ? 1 : this.options.concurrent_requests;
    for (let i = 0; i < requests.length; i += concurrency) {
      const outcomes = await Promise.all(requests.slice(i, i + concurrency).map((request) => this.send(request)));
      for (const outcome of outcomes) failures.push(...outcome);
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {
    await this.client.close();
  }

  /** One bulk request; returns the records its items refused. A request that fails whole throws. */
  private async send(request: readonly Operation[]): Promise<RecordFailure[]> {
    let items: BulkItem[];
    try {
      const response = await this.client.bulk({ operations: request.flatMap((op) => op.lines), ...(this.options.pipeline && { pipeline: this.options.pipeline }) });
      items = response.items.map((entry) => Object.values(entry)[0] as BulkItem);
    } catch (error) {
      const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
      const fatal = status === 401 || status === 403;
      throw new SinkError(`elasticsearch at ${this.where}: ${describe(error)}`, { retryable: !fatal, cause: error });
    }
    if (items.length !== request.length) throw new SinkError(`elasticsearch at ${this.where}: ${items.length} bulk items for ${request.length} operations`, { retryable: true });
    const failures: RecordFailure[] = [];
    items.forEach((item, i) => {
      const op = request[i]!;
      const outcome = itemOutcome(op.action, item, this.deterministicId);
      if (outcome.kind !== 'ok') failures.push({ index: op.index, error: new Error(`${op.action} in ${op.target}: ${outcome.reason}`), retryable: outcome.kind === 'retry' });
    });
    return failures;
  }

  private clientOptions(): ClientOptions {
    const o = this.options;
    const tls = tlsConnectionOptions(o.tls);
    return {
      nodes: o.nodes,
      ...(o.username && { auth: { username: o.username, password: o.password ?? '' } }),
      ...(o.api_key && { auth: { apiKey: o.api_key } }),
      ...(tls && { tls }),
      requestTimeout: o.request_timeout_ms,
      // The core retries, with backoff and a dead-letter topic; the client's own retries would hide failures.
      maxRetries: 0,
      compression: false,
    };
  }
}

/** The server's reason where it gave one; otherwise the client's message. */
function describe(error: unknown): string {
  if (error instanceof errors.ResponseError) {
    const body = error.body as { error?: { type?: string; reason?: string } } | undefined;
    return `HTTP ${error.statusCode}: ${body?.error?.type ?? ''}${body?.error?.reason ? ` ${body.error.reason}` : ''}`.trim();
  }
  if (error instanceof errors.ConnectionError) return `${error.message}`;
  return (error as Error).message;
}
