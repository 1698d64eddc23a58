/**
 * The RocketMQ producer as the sink uses it: rocketmq-client-nodejs' `Producer`, made to answer
 * within a deadline at start, its logs routed to pino, and its route lookup usable as a probe.
 */
import { format } from 'node:util';
import { Producer, type ProducerOptions, type TransactionChecker } from 'rocketmq-client-nodejs';
import type { SinkContext } from '@sinkhub/core';
import type { RocketmqOptions } from './options.js';

/** Topic asked for when no fixed topic is configured: any answer, even "not found", proves the proxy is there. */
const PROBE_TOPIC = 'sinkhub-connectivity-probe';

export class SinkProducer extends Producer {
  /** Resolves the topic's route (queues and brokers); rejects with the proxy's status when it has none. */
  async route(topic: string): Promise<void> {
    await this.getRouteData(topic);
  }

  /** Asks the proxy about a topic nobody writes to, then forgets it (not to refresh its route forever). */
  async probe(): Promise<void> {
    try {
      await this.getRouteData(PROBE_TOPIC);
    } finally {
      this.topics.delete(PROBE_TOPIC);
    }
  }
}

export function createProducer(options: RocketmqOptions, context: SinkContext, extra: { topics: string[]; checker?: TransactionChecker }): SinkProducer {
  const producerOptions: ProducerOptions = {
    endpoints: options.endpoints,
    namespace: options.namespace ?? '',
    sslEnabled: options.tls,
    requestTimeout: options.request_timeout_ms,
    // The core retries with backoff and decides what goes to the dead-letter topic.
    maxAttempts: 1,
    topics: extra.topics,
    logger: clientLogger(context),
    ...(options.access_key && options.secret_key && { sessionCredentials: { accessKey: options.access_key, accessSecret: options.secret_key } }),
    ...(extra.checker && { checker: extra.checker }),
  };
  return new SinkProducer(producerOptions);
}

/**
 * The client logs every failed send and heartbeat as an error in printf style; the sink reports
 * what matters itself (the core logs each retry), so the client's lines are debug output.
 */
function clientLogger(context: SinkContext) {
  const log = context.logger.child({ client: 'rocketmq' });
  const line = (args: unknown[]) => {
    if (log.isLevelEnabled('debug')) log.debug(format(...args));
  };
  return { info: (...args: unknown[]) => line(args), warn: (...args: unknown[]) => line(args), error: (...args: unknown[]) => line(args), debug: (...args: unknown[]) => line(args) };
}

/** Rejects after `ms` with `what` named, so a proxy that never answers cannot hang the start. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
