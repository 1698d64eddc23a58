/** Runs one pipeline in this process through the library API, with a connector defined in code. */
import { Hub, createLogger, type ConnectorDefinition } from '@sinkhub/core';
import { KAFKA_BROKERS } from './env.js';

/** `pipeline` fields override the defaults: source = `topic`, sink = `connector` with no options. */
export async function startLibraryHub(topic: string, connector: ConnectorDefinition, pipeline: Record<string, unknown> = {}): Promise<Hub> {
  const { file, registry } = Hub.validate(
    {
      kafka: { brokers: KAFKA_BROKERS },
      http: false,
      progress_interval_ms: 0,
      pipelines: [{ name: topic, source: { topics: [topic], session_timeout_ms: 6000 }, sink: { type: connector.name }, ...pipeline }],
    },
    [connector],
  );
  return Hub.start(file, { registry, logger: createLogger('error') });
}
