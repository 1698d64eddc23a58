/** Public API of @sinkhub/core: the connector contract, option builders and the runtime. */
export * from './connector.js';
export { SinkError, FencedError, isRetryable } from './errors.js';
export { z, secretString, templateString, expressionString, fieldPath, tlsOptions, tlsConnectionOptions, count, type TlsOptions, type TlsConnectionOptions, type FieldMeta } from './options.js';
export { compileTemplate, compileExpression, compileAccessor, readPath, type Accessor, type Template, type RecordView } from './template.js';
export { valueBytes, keyBytes, encodeBytes } from './message-bytes.js';
export { DEFAULT_BATCH_POLICY, type BatchPolicy } from './batch-policy.js';
export { loadPipelineFile, parsePipelineText, validatePipelineObject } from './config/load.js';
export { ConfigError, formatProblem, type ConfigProblem } from './config/problems.js';
export { kafkaConnectionSchema, type PipelineFile, type PipelineConfig, type KafkaConfig } from './config/schema.js';
export { createKafka } from './source/kafka-client.js';
export type { RawHeaders } from './source/source.js';
export { ConnectorRegistry } from './registry.js';
export { Hub } from './hub.js';
export { DLQ_HEADERS } from './dead-letter.js';
export { createLogger } from './logger.js';
export { pipelineFileJsonSchema, connectorMarkdown, optionRows } from './docs.js';
export { fileSink } from './sinks/file/index.js';
export { stdoutSink } from './sinks/stdout.js';
