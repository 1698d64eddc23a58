/** The benchmark's RabbitMQ (services/rabbitmq.sh): a fresh durable queue per case, counted back. */
import amqp from 'amqplib';

export const RABBITMQ = {
  url: process.env['RABBITMQ_URL'] ?? 'amqp://127.0.0.1:5672',
  user: process.env['RABBITMQ_USER'] ?? 'sinkhub',
  password: process.env['RABBITMQ_PASSWORD'] ?? 'sinkhub-secret',
};

/** The broker URL with the bench user in it (amqplib takes the credentials from the URL). */
export function rabbitmqUrl(): string {
  const url = new URL(RABBITMQ.url);
  url.username = RABBITMQ.user;
  url.password = RABBITMQ.password;
  return url.toString();
}

/** Declares `queue` durable and empty (classic, the connector's default). */
export async function createQueue(queue: string): Promise<void> {
  const model = await amqp.connect(rabbitmqUrl());
  try {
    const channel = await model.createChannel();
    await channel.deleteQueue(queue);
    await channel.assertQueue(queue, { durable: true });
  } finally {
    await model.close();
  }
}

/**
 * Messages ready in `queue` (its depth, from a passive declare: nothing consumes it), then the
 * queue deleted.
 */
export async function countAndDelete(queue: string): Promise<number> {
  const model = await amqp.connect(rabbitmqUrl());
  try {
    const channel = await model.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.deleteQueue(queue);
    return messageCount;
  } finally {
    await model.close();
  }
}

/** Messages ready in `queue` now, on an open channel (for polling while a peer publishes). */
export async function queueDepth(channel: amqp.Channel, queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}
