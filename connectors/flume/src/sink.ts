/**
 * Flume I/O: a batch becomes requests of at most `max_events_per_request` events, posted to the
 * HTTP source `concurrent_requests` at a time. A request counts as written when the source
 * answered 200, which it does only after its channel committed the events. A refused request
 * (400: one bad event refuses all) committed nothing, so it is split to find the refused events
 * (`isolateRefused`) without writing the others twice.
 */
import { isIP } from 'node:net';
import { Pool } from 'undici';
import { SinkError, isolateRefused, isRetryable, tlsConnectionOptions, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { FlumeResponseError, describe, responseOutcome } from './errors.js';
import { EventBuilder, contentType, requestBody, requests, type FlumeEvent } from './events.js';
import type { FlumeOptions } from './options.js';

export class FlumeSink implements Sink {
  private readonly builder: EventBuilder;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly where: string;
  private readonly contentType: string;
  /** Events per request: the option, lowered when the agent says its channel holds fewer per transaction. */
  private maxEvents: number;

  constructor(
    private readonly options: FlumeOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new EventBuilder(options);
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    this.where = url.host;
    this.contentType = contentType(options.charset);
    this.maxEvents = options.max_events_per_request;
    const tls = url.protocol === 'https:' ? tlsConnectionOptions(options.tls ?? { enabled: true, reject_unauthorized: true }) : undefined;
    this.pool = new Pool(url.origin, {
      connections: options.concurrent_requests,
      connect: { timeout: options.request_timeout_ms, ...(tls && { ...tls, ...(!isIP(url.hostname.replace(/^\[|\]$/g, '')) && { servername: url.hostname }) }) },
      headersTimeout: options.request_timeout_ms,
      bodyTimeout: options.request_timeout_ms,
    });
  }

  /** Posts an empty batch: JSONHandler answers 200 and makes no event of it. */
  async connect(): Promise<void> {
    try {
      await this.post([]);
    } catch (error) {
      throw new SinkError(`flume at ${this.where}: ${describe(error)}`, { retryable: false, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const translation = await this.builder.build(batch.records);
    const failures: RecordFailure[] = [...translation.failures];
    const queue = requests(translation.events, this.maxEvents);
    const worker = async () => {
      for (let request = queue.shift(); request; request = queue.shift()) await this.send(request, failures);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrent_requests, queue.length) }, worker));
    // Nothing went through (the agent is down): one error for the batch rather than one per record.
    if (translation.events.length > 0 && failures.length === batch.records.length && failures.every((f) => f.retryable)) {
      throw new SinkError(failures[0]!.error.message, { retryable: true, cause: failures[0]!.error });
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {
    await this.pool.close();
  }

  /** Sends one request's events; adds what failed to `failures`; throws only when no retry can help. */
  private async send(events: readonly FlumeEvent[], failures: RecordFailure[]): Promise<void> {
    const result = await isolateRefused(
      events,
      (part) => this.post(part),
      (error) => (error instanceof FlumeResponseError && error.outcome.kind === 'refused' ? new Error(`refused by flume at ${this.where}: ${error.message}`) : undefined),
    );
    for (const { item, error } of result.refused) failures.push({ index: item.index, error, retryable: false });
    if (!result.unsent) return;
    const { items, error } = result.unsent;
    if (error instanceof FlumeResponseError && error.outcome.kind === 'capacity' && error.outcome.capacity >= 1 && error.outcome.capacity < items.length) {
      this.lowerCapacity(error.outcome.capacity);
      for (const request of requests(items, this.maxEvents)) await this.send(request, failures);
      return;
    }
    const failure = new SinkError(`flume at ${this.where}: ${describe(error)}`, { retryable: !(error instanceof FlumeResponseError && error.outcome.kind === 'fatal'), cause: error });
    if (!isRetryable(failure)) throw failure;
    for (const event of items) failures.push({ index: event.index, error: failure, retryable: true });
  }

  private lowerCapacity(capacity: number): void {
    if (capacity >= this.maxEvents) return;
    this.context.logger.warn(
      { server: this.where, capacity, max_events_per_request: this.options.max_events_per_request },
      'the channel takes fewer events per transaction than max_events_per_request; sending smaller requests (lower the option to match)',
    );
    this.maxEvents = capacity;
  }

  /** One POST; resolves on 200, else throws a FlumeResponseError (or the network error). */
  private async post(events: readonly FlumeEvent[]): Promise<void> {
    const response = await this.pool.request({
      path: this.path,
      method: 'POST',
      headers: { 'content-type': this.contentType },
      body: requestBody(events, this.options.charset),
    });
    const text = await response.body.text();
    const outcome = responseOutcome(response.statusCode, text);
    if (outcome.kind !== 'ok') throw new FlumeResponseError(outcome);
  }
}
