/**
 * The rocketmq connector through the shared conformance suite, both ways it can run:
 * at-least-once (plain messages; a message sent before a crash is sent again) and exactly-once
 * (transactional messages committed after the batch's offsets are in the ledger; a commit a
 * SIGKILL lost is made by the broker's transaction check). The target is read back by a
 * SimpleConsumer counting distinct messages.
 */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { TopicCollector, createRocketTopic, rocketmqServer, rocketmqSinkYaml } from '../src/rocketmq.js';

const collectors = new Map<string, TopicCollector>();
after(async () => {
  for (const collector of collectors.values()) await collector.stop();
});

for (const [delivery, type] of [['at-least-once', 'NORMAL'], ['exactly-once', 'TRANSACTION']] as const) {
  conformanceSuite({
    name: `rocketmq (${delivery === 'exactly-once' ? 'transactional messages' : 'plain messages'})`,
    delivery,
    server: rocketmqServer,
    maxRecords: 500,
    // The Node client makes one gRPC call per message (about 0.6 ms of CPU each, and as much
    // again to read it back): 50k records take minutes on a busy 2-core machine.
    timeScale: 3,
    prepare: async (topic) => {
      await createRocketTopic(topic, type, 4);
      collectors.set(topic, await TopicCollector.start(topic));
    },
    sink: (topic) => `${rocketmqSinkYaml}\ntopic: ${topic}`,
    readIds: async (topic) => collectors.get(topic)!.ids(),
  });
}
