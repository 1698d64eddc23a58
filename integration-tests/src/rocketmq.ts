/**
 * RocketMQ in the suites: topics are created with the tools' `updateTopic` (5.x topics carry
 * their message type), and a collector reads a topic back for the whole test with a
 * SimpleConsumer of the same Node client, acking every message and coming back after the proxy
 * was stopped (the outage case). Messages are kept by message id, so a redelivery to the
 * collector is not counted as a duplicate the sink wrote.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Producer, SimpleConsumer, type MessageView } from 'rocketmq-client-nodejs';
import { ROCKETMQ_ENDPOINTS } from './env.js';

export const rocketmqServer = { name: 'RocketMQ proxy', address: ROCKETMQ_ENDPOINTS.split(';')[0]!, service: 'rocketmq' };

export const rocketmqSinkYaml = `type: rocketmq\nendpoints: "${ROCKETMQ_ENDPOINTS}"`;

const SCRIPT = fileURLToPath(new URL('../../services/rocketmq.sh', import.meta.url));
const run = promisify(execFile);

export type TopicType = 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION';

/**
 * Creates `topic` with its message type and queue count (a JVM run of the tools: a few seconds),
 * then waits until the proxy serves its route: the broker registers a new topic with the name
 * server in the background, and a client asking before that is told the topic does not exist.
 */
export async function createRocketTopic(topic: string, type: TopicType = 'NORMAL', queues = 4): Promise<void> {
  await run('bash', [SCRIPT, 'topic', topic, type, String(queues)], { timeout: 60_000 });
  await retrying(30_000, `the route of topic ${topic}`, async () => {
    const producer = new Producer({ endpoints: ROCKETMQ_ENDPOINTS, namespace: '', topic, logger: silent });
    await producer.startup();
    await producer.shutdown();
  });
}

async function retrying<T>(timeoutMs: number, what: string, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export class TopicCollector {
  /** Messages by message id, in arrival order. */
  readonly messages = new Map<string, { message: MessageView; receivedAt: number }>();
  private stopped = false;
  private loops: Promise<void>[] = [];

  private constructor(
    readonly topic: string,
    private readonly consumer: SimpleConsumer,
  ) {}

  static async start(topic: string): Promise<TopicCollector> {
    const consumer = await retrying(30_000, `a consumer of ${topic}`, () => TopicCollector.startConsumer(topic));
    const collector = new TopicCollector(topic, consumer);
    // Several long polls at once: one poll and its acks, one after another, trail a fast sink.
    collector.loops = Array.from({ length: 4 }, () => collector.consume());
    return collector;
  }

  private static async startConsumer(topic: string): Promise<SimpleConsumer> {
    const consumer = new SimpleConsumer({
      endpoints: ROCKETMQ_ENDPOINTS,
      namespace: '',
      consumerGroup: `collector-${topic}`.replace(/[^a-zA-Z0-9_-]/g, '_'),
      subscriptions: new Map([[topic, '*']]),
      awaitDuration: 2000,
      requestTimeout: 5000,
      logger: silent,
    });
    await consumer.startup();
    return consumer;
  }

  /** The JSON bodies' `id`s, one per distinct message. */
  ids(): number[] {
    return [...this.messages.values()].map(({ message }) => Number((JSON.parse(message.body.toString('utf8')) as { id: number }).id));
  }

  views(): MessageView[] {
    return [...this.messages.values()].map((m) => m.message);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    await this.consumer.shutdown().catch(() => undefined);
  }

  private async consume(): Promise<void> {
    while (!this.stopped) {
      try {
        const received = await this.consumer.receive(32, 60_000);
        for (const message of received) {
          if (!this.messages.has(message.messageId)) this.messages.set(message.messageId, { message, receivedAt: Date.now() });
        }
        // An ack lost (the proxy going down) only means the message comes again: it is kept once.
        await Promise.all(received.map((m) => this.consumer.ack(m).catch(() => undefined)));
      } catch {
        // The proxy is down or restarting: try again shortly.
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}
