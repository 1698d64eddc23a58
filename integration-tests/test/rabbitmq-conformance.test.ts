/**
 * The rabbitmq connector through the shared conformance suite: at-least-once, since a message
 * published before a crash or a lost confirm is published again (each carries its
 * topic/partition/offset as message-id for consumers that deduplicate).
 */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { QueueCollector, rabbitmqServer, rabbitmqSinkYaml } from '../src/rabbitmq.js';

const collectors = new Map<string, QueueCollector>();
after(async () => {
  for (const collector of collectors.values()) await collector.stop();
});

conformanceSuite({
  name: 'rabbitmq (publisher confirms)',
  delivery: 'at-least-once',
  server: rabbitmqServer,
  maxRecords: 1000,
  prepare: async (topic) => void collectors.set(topic, await QueueCollector.start(topic)),
  sink: (topic) => `${rabbitmqSinkYaml}\nqueue: ${topic}`,
  readIds: async (topic) => collectors.get(topic)!.ids(),
});
