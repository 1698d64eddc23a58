/**
 * What the sink knows of its target topics: partition count and `max.message.bytes`, read with
 * the admin client and cached a while. A missing topic is created when `create_topics` says so;
 * otherwise it is reported missing (the records for it are dead-lettered).
 */
import kafkajs, { type Admin } from 'kafkajs';
import type { KafkaSinkOptions } from './options.js';

const { ConfigResourceTypes } = kafkajs;

export interface TopicInfo {
  readonly partitions: number;
  readonly maxMessageBytes: number;
}

/** How long what was learnt of a topic is trusted; a topic may gain partitions meanwhile. */
const TTL_MS = 5 * 60_000;
/** A missing topic is looked up again after this, in case someone created it. */
const MISSING_TTL_MS = 10_000;
/** The broker's default `message.max.bytes`, when the topic's config cannot be read. */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export class TopicCatalog {
  private readonly known = new Map<string, { info: TopicInfo | undefined; at: number }>();

  constructor(
    private readonly admin: Admin,
    private readonly create: KafkaSinkOptions['create_topics'],
    private readonly onCreate: (topic: string) => void = () => undefined,
  ) {}

  /** Each topic's info; `undefined` for a topic that does not exist (and was not created). */
  async describe(topics: Iterable<string>): Promise<Map<string, TopicInfo | undefined>> {
    const now = Date.now();
    const out = new Map<string, TopicInfo | undefined>();
    const unknown: string[] = [];
    for (const topic of new Set(topics)) {
      const entry = this.known.get(topic);
      if (entry && now - entry.at < (entry.info ? TTL_MS : MISSING_TTL_MS)) out.set(topic, entry.info);
      else unknown.push(topic);
    }
    if (unknown.length === 0) return out;
    const existing = new Set(await this.admin.listTopics());
    const missing = unknown.filter((t) => !existing.has(t));
    if (missing.length > 0 && this.create) {
      const c = this.create;
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: c.partitions,
          replicationFactor: c.replication_factor,
          configEntries: Object.entries(c.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      for (const topic of missing) {
        existing.add(topic);
        this.onCreate(topic);
      }
    }
    const present = unknown.filter((t) => existing.has(t));
    if (present.length > 0) {
      const [metadata, configs] = await Promise.all([
        this.admin.fetchTopicMetadata({ topics: present }),
        this.admin.describeConfigs({ includeSynonyms: false, resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })) }),
      ]);
      for (const t of metadata.topics) {
        const config = configs.resources.find((r) => r.resourceName === t.name)?.configEntries.find((e) => e.configName === 'max.message.bytes');
        const info = { partitions: t.partitions.length, maxMessageBytes: Number(config?.configValue) || DEFAULT_MAX_MESSAGE_BYTES };
        this.known.set(t.name, { info, at: now });
        out.set(t.name, info);
      }
    }
    for (const topic of unknown) {
      if (!out.has(topic)) {
        this.known.set(topic, { info: undefined, at: now });
        out.set(topic, undefined);
      }
    }
    return out;
  }

  /** Forget a topic, so the next write looks it up again (it was refused as unknown, say). */
  forget(topic: string): void {
    this.known.delete(topic);
  }
}
