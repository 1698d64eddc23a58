/**
 * RabbitMQ I/O: a batch is published on a confirm channel and counts as written only when the
 * broker confirmed every message. Returned (unroutable) and nacked messages become record
 * failures per the options; messages left unconfirmed by a lost connection are retried, and the
 * connection is made again on the next attempt.
 */
import amqp, { type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import { SinkError, tlsConnectionOptions, type Batch, type RecordFailure, type Sink, type SinkContext, type WriteResult } from '@sinkhub/core';
import { MessageBuilder, type OutgoingMessage } from './messages.js';
import type { RabbitmqOptions } from './options.js';

type Outcome = { kind: 'confirmed' } | { kind: 'returned'; reason: string } | { kind: 'nacked' } | { kind: 'lost'; error: Error };

export class RabbitmqSink implements Sink {
  private readonly builder: MessageBuilder;
  private readonly where: string;
  private model: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  /** Exchanges seen to exist: publishing to a missing one would close the channel. */
  private readonly exchanges = new Set<string>(['']);
  /** Unconfirmed messages of the current batch by message id, for matching returns. */
  private readonly inFlight = new Map<string, number[]>();
  private returned = new Map<number, string>();

  constructor(
    private readonly options: RabbitmqOptions,
    private readonly context: SinkContext,
  ) {
    this.builder = new MessageBuilder(options);
    const url = new URL(options.url);
    this.where = `${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
  }

  async connect(): Promise<void> {
    const o = this.options;
    try {
      const channel = await this.openChannel();
      if (o.declare) await this.declare(channel);
      if (o.exchange !== undefined && !o.exchange.includes('{{')) await this.checkExchange(o.exchange);
      if (o.queue !== undefined) await this.withScratchChannel((c) => c.checkQueue(o.queue!));
    } catch (error) {
      await this.dropConnection();
      throw new SinkError(`rabbitmq at ${this.where}: ${describe(error)}`, { retryable: false, cause: error });
    }
  }

  async write(batch: Batch): Promise<WriteResult> {
    const translation = await this.builder.build(batch.records);
    const failures: RecordFailure[] = [...translation.failures];
    let channel: ConfirmChannel;
    try {
      channel = await this.openChannel();
    } catch (error) {
      await this.dropConnection();
      throw new SinkError(`rabbitmq at ${this.where}: ${describe(error)}`, { retryable: true, cause: error });
    }
    const publishable: OutgoingMessage[] = [];
    for (const message of translation.messages) {
      const missing = await this.missingExchange(message.exchange);
      if (missing) failures.push({ index: message.index, error: new Error(missing), retryable: false });
      else publishable.push(message);
    }
    const outcomes = await this.publishAll(channel, publishable);
    for (let i = 0; i < publishable.length; i++) {
      const failure = this.failureOf(publishable[i]!.index, outcomes[i]!);
      if (failure) failures.push(failure);
    }
    return failures.length > 0 ? { failures } : undefined;
  }

  async stop(): Promise<void> {
    try {
      await this.channel?.close();
      await this.model?.close();
    } catch {
      // Already closed by the broker or the network: nothing left to release.
    }
    this.channel = undefined;
    this.model = undefined;
  }

  /** Publishes with at most `max_in_flight` unconfirmed; resolves with each message's outcome. */
  private async publishAll(channel: ConfirmChannel, messages: readonly OutgoingMessage[]): Promise<Outcome[]> {
    this.inFlight.clear();
    this.returned = new Map();
    const outcomes: Promise<Outcome>[] = [];
    let unconfirmed = 0;
    let confirmedOne: (() => void) | undefined;
    let closed: Error | undefined;
    const onClose = (error?: Error) => {
      closed = error ?? new Error('channel closed');
      confirmedOne?.();
    };
    channel.once('close', onClose);
    try {
      for (const message of messages) {
        if (closed) {
          outcomes.push(Promise.resolve({ kind: 'lost', error: closed }));
          continue;
        }
        while (unconfirmed >= this.options.max_in_flight && !closed) await new Promise<void>((resolve) => (confirmedOne = resolve));
        const { messageId } = message.properties;
        const sameId = this.inFlight.get(messageId);
        if (sameId) sameId.push(message.index);
        else this.inFlight.set(messageId, [message.index]);
        unconfirmed++;
        let hasRoom = true;
        outcomes.push(
          new Promise<Outcome>((resolve) => {
            const settle = (outcome: Outcome) => {
              unconfirmed--;
              const waiter = confirmedOne;
              confirmedOne = undefined;
              waiter?.();
              resolve(outcome);
            };
            try {
              hasRoom = channel.publish(message.exchange, message.routingKey, message.body, message.properties, (error) => {
                if (error) return settle(closed ? { kind: 'lost', error: closed } : { kind: 'nacked' });
                // The broker sends basic.return before the ack of the same message.
                const reason = this.returned.get(message.index);
                settle(reason === undefined ? { kind: 'confirmed' } : { kind: 'returned', reason });
              });
            } catch (error) {
              settle({ kind: 'lost', error: error as Error });
            }
          }),
        );
        // The socket's buffer is full: wait for it to drain rather than queue without bound.
        if (!hasRoom && !closed) {
          await new Promise<void>((resolve) => {
            const done = () => {
              channel.off('drain', done);
              resolve();
            };
            channel.once('drain', done);
            confirmedOne = done;
          });
        }
      }
      return await withTimeout(Promise.all(outcomes), this.options.confirm_timeout_ms, () => {
        // Confirms stopped coming (a blocked connection, a partition): give up on this channel.
        this.context.logger.warn({ server: this.where, unconfirmed }, 'publisher confirms timed out; reconnecting');
        void this.dropConnection();
      }).catch((error: Error) => messages.map(() => ({ kind: 'lost', error }) as Outcome));
    } finally {
      channel.off('close', onClose);
    }
  }

  private failureOf(index: number, outcome: Outcome): RecordFailure | undefined {
    const o = this.options;
    switch (outcome.kind) {
      case 'confirmed':
        return undefined;
      case 'returned':
        if (o.unroutable === 'fail') throw new SinkError(`rabbitmq at ${this.where}: a message was returned unroutable (${outcome.reason})`, { retryable: false });
        return { index, error: new Error(`returned unroutable: ${outcome.reason}`), retryable: o.unroutable === 'retry' };
      case 'nacked':
        return { index, error: new Error('nacked by the broker'), retryable: o.nacked === 'retry' };
      case 'lost':
        return { index, error: new Error(`unconfirmed: ${describe(outcome.error)}`), retryable: true };
    }
  }

  /** The confirm channel, connecting first when there is no live connection. */
  private async openChannel(): Promise<ConfirmChannel> {
    if (this.channel) return this.channel;
    const model = (this.model ??= await this.connectModel());
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.context.logger.warn({ server: this.where, err: describe(error) }, 'rabbitmq channel closed'));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    channel.on('return', (message: Message) => this.onReturn(message));
    this.channel = channel;
    return channel;
  }

  private async connectModel(): Promise<ChannelModel> {
    const o = this.options;
    const url = new URL(o.url);
    const tls = tlsConnectionOptions(o.tls);
    const model = await amqp.connect(
      {
        protocol: url.protocol.slice(0, -1),
        hostname: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'amqps:' ? 5671 : 5672,
        username: o.username ?? (decodeURIComponent(url.username) || 'guest'),
        password: o.password ?? (decodeURIComponent(url.password) || 'guest'),
        vhost: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/',
        heartbeat: o.heartbeat_s,
      },
      { timeout: o.connection_timeout_ms, ...(tls && { ...tls, servername: url.hostname }) },
    );
    model.on('error', (error: Error) => this.context.logger.warn({ server: this.where, err: describe(error) }, 'rabbitmq connection error'));
    model.on('close', () => {
      if (this.model === model) {
        this.model = undefined;
        this.channel = undefined;
      }
    });
    model.on('blocked', (reason: string) => this.context.logger.warn({ server: this.where, reason }, 'rabbitmq blocked publishing (resource alarm)'));
    return model;
  }

  private onReturn(message: Message): void {
    const id = message.properties.messageId as string | undefined;
    const indexes = id === undefined ? undefined : this.inFlight.get(id);
    const index = indexes?.shift();
    if (index === undefined) return;
    const { replyCode, replyText, exchange, routingKey } = message.fields as unknown as Record<string, unknown>;
    this.returned.set(index, `${replyCode} ${replyText}, exchange "${exchange}", routing key "${routingKey}"`);
  }

  private async declare(channel: ConfirmChannel): Promise<void> {
    const { declare, exchange } = this.options;
    if (declare?.exchange && exchange) await channel.assertExchange(exchange, declare.exchange.type, { durable: declare.exchange.durable });
    for (const queue of declare?.queues ?? []) {
      await channel.assertQueue(queue.name, { durable: queue.durable, arguments: { 'x-queue-type': queue.type, ...queue.arguments } });
      for (const key of queue.binding_keys) await channel.bindQueue(queue.name, exchange!, key);
    }
  }

  /** Why records cannot go to `exchange`, when it does not exist; checked once per name. */
  private async missingExchange(exchange: string): Promise<string | undefined> {
    if (this.exchanges.has(exchange)) return undefined;
    try {
      await this.checkExchange(exchange);
      return undefined;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return `exchange "${exchange}" does not exist`;
      throw new SinkError(`rabbitmq at ${this.where}: ${describe(error)}`, { retryable: true, cause: error });
    }
  }

  private async checkExchange(exchange: string): Promise<void> {
    await this.withScratchChannel((c) => c.checkExchange(exchange));
    this.exchanges.add(exchange);
  }

  /** A failed check closes its channel, so checks get one of their own. */
  private async withScratchChannel<T>(use: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const model = (this.model ??= await this.connectModel());
    const channel = await model.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      return await use(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async dropConnection(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    await model?.close().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`no publisher confirm within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const e = error as Error & { code?: string | number };
  const message = e?.message ?? String(error);
  return e?.code !== undefined && !message.includes(String(e.code)) ? `${e.code}: ${message}` : message;
}
