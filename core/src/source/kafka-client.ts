/** A kafkajs client from the `kafka` section: brokers, TLS, SASL, logs routed to pino. */
import { tlsConnectionOptions } from '../options.js';
import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';

/** kafkajs' own level follows ours, so `log_level: debug` shows its protocol-level lines. */
const KAFKAJS_LEVEL: Record<string, logLevel> = { trace: logLevel.DEBUG, debug: logLevel.DEBUG, info: logLevel.INFO };

/**
 * `retry` replaces kafkajs' client-wide retry policy (5 retries from 300 ms), which also bounds
 * how long connecting to an unreachable cluster takes before it fails.
 */
export function createKafka(config: KafkaConfig, logger: Logger, overrides: Pick<KafkaJsConfig, 'retry'> = {}): Kafka {
  const options: KafkaJsConfig = {
    ...overrides,
    clientId: config.client_id,
    brokers: config.brokers,
    connectionTimeout: config.connection_timeout_ms,
    logLevel: KAFKAJS_LEVEL[logger.level] ?? logLevel.WARN,
    logCreator: () => ({ level, log }) => {
      const { message, ...rest } = log;
      const entry = { kafka: log.namespace ?? rest['logger'], broker: rest['broker'], error: rest['error'] };
      // kafkajs logs retried responses (coordinator loading, rebalances) as errors; what
      // matters reaches the pipeline as a rejected call, so its own lines are warnings at most.
      if (level <= logLevel.WARN) logger.warn(entry, message);
      else if (level === logLevel.INFO) logger.info(entry, message);
      else logger.debug(entry, message);
    },
  };
  const tls = tlsConnectionOptions(config.tls);
  if (tls) options.ssl = tls;
  if (config.sasl) {
    options.sasl = { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } as SASLOptions;
  }
  return new Kafka(options);
}
