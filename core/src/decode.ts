/** Turns raw Kafka bytes into values per the source's `format` and `key_format`. */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { KafkaConfig } from './config/schema.js';

export type ValueFormat = 'json' | 'string' | 'bytes' | 'avro';
export type KeyFormat = 'json' | 'string' | 'bytes';

/** Decodes one value; returns a promise only for formats that need a lookup (avro). */
export type Decoder = (bytes: Buffer) => unknown | Promise<unknown>;

export function createDecoder(format: ValueFormat, registry?: KafkaConfig['schema_registry']): Decoder {
  switch (format) {
    case 'json':
      return (bytes) => JSON.parse(bytes.toString('utf8'));
    case 'string':
      return (bytes) => bytes.toString('utf8');
    case 'bytes':
      return (bytes) => bytes;
    case 'avro': {
      if (!registry) throw new Error('format avro needs kafka.schema_registry');
      // Loaded on first use: the client is large and only avro pipelines need it.
      let client: Promise<SchemaRegistry> | undefined;
      return async (bytes) => {
        client ??= import('@kafkajs/confluent-schema-registry').then(
          ({ SchemaRegistry }) =>
            new SchemaRegistry({
              host: registry.url,
              ...(registry.username && { auth: { username: registry.username, password: registry.password ?? '' } }),
            }),
        );
        return (await client).decode(bytes);
      };
    }
  }
}

export function decodeKey(format: KeyFormat, bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  if (format === 'bytes') return bytes;
  const text = bytes.toString('utf8');
  return format === 'json' ? JSON.parse(text) : text;
}
