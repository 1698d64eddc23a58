/**
 * Reading RabbitMQ back in the suites: a collector consumes a queue for the whole test, acking
 * and keeping every message, and comes back after the broker was stopped (the outage case).
 */
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import { RABBITMQ_PASSWORD, RABBITMQ_URL, RABBITMQ_USER, hostPort } from './env.js';

export const rabbitmqServer = { name: 'RabbitMQ', address: hostPort(RABBITMQ_URL.replace(/^amqps?:/, 'http:')), service: 'rabbitmq' };

export const rabbitmqSinkYaml = `type: rabbitmq\nurl: ${RABBITMQ_URL}\nusername: ${RABBITMQ_USER}\npassword: ${RABBITMQ_PASSWORD}`;

export function rabbitmqConnect(): Promise<ChannelModel> {
  const url = new URL(RABBITMQ_URL);
  url.username = RABBITMQ_USER;
  url.password = RABBITMQ_PASSWORD;
  return amqp.connect(url.toString());
}

/** Runs `use` on a channel of a short-lived connection. */
export async function withRabbitmq<T>(use: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const model = await rabbitmqConnect();
  try {
    return await use(await model.createChannel());
  } finally {
    await model.close().catch(() => undefined);
  }
}

export class QueueCollector {
  readonly messages: ConsumeMessage[] = [];
  private model: ChannelModel | undefined;
  private stopped = false;

  private constructor(readonly queue: string) {}

  /** Declares `queue` (durable, with `args`) and starts consuming it. */
  static async start(queue: string, args: Record<string, unknown> = {}): Promise<QueueCollector> {
    const collector = new QueueCollector(queue);
    await withRabbitmq((c) => c.assertQueue(queue, { durable: true, arguments: args }));
    await collector.consume();
    return collector;
  }

  /** The JSON bodies' `id`s, one per message received (redeliveries included). */
  ids(): number[] {
    return this.messages.map((m) => Number((JSON.parse(m.content.toString('utf8')) as { id: number }).id));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.model?.close().catch(() => undefined);
  }

  private async consume(): Promise<void> {
    const model = await rabbitmqConnect();
    this.model = model;
    model.on('error', () => undefined);
    model.on('close', () => void this.reconnect());
    const channel = await model.createChannel();
    await channel.prefetch(1000);
    await channel.consume(this.queue, (message) => {
      if (!message) return;
      this.messages.push(message);
      channel.ack(message);
    });
  }

  private async reconnect(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, 1000));
      try {
        await this.consume();
        return;
      } catch {
        // The broker is still down: try again.
      }
    }
  }
}
