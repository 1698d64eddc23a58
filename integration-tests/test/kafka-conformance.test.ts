/**
 * The kafka connector through the shared conformance suite, mirroring each topic to a second
 * cluster (services/kafka-target.sh) exactly once: records and source offsets commit in one
 * transaction of the target cluster, read back here with `read_committed`. The outage case
 * stops and restarts that target cluster mid-stream. (The same-cluster mode, offsets in the
 * consumer group, has its own crash test in kafka.test.ts.)
 */
import { after } from 'node:test';
import { conformanceSuite } from '../src/conformance.js';
import { TopicCollector, createTopicOn, kafkaTargetServer, targetClusterYaml, targetKafka } from '../src/kafka-target.js';

const collectors = new Map<string, TopicCollector>();
after(async () => {
  for (const collector of collectors.values()) await collector.stop();
});

conformanceSuite({
  name: 'kafka (another cluster, transactions)',
  delivery: 'exactly-once',
  server: kafkaTargetServer,
  maxRecords: 1000,
  prepare: async (topic) => {
    // As many partitions as any source topic of the suite, so `partition: keep` fits.
    await createTopicOn(targetKafka, topic, 4);
    collectors.set(topic, await TopicCollector.start(targetKafka, topic));
  },
  sink: (topic) => `type: kafka\ntopic: "{{ $topic }}"\n${targetClusterYaml}`,
  readIds: async (topic) => collectors.get(topic)!.ids(),
});
