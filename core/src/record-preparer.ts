/**
 * Decode and transform: raw messages become sink records, or failures naming their stage, or
 * nothing (filtered out). Synchronous per record unless a step needs a lookup (avro, JSONata),
 * so the common path awaits once per fetched batch, not once per record.
 */
import type { PipelineConfig, KafkaConfig } from './config/schema.js';
import type { SinkRecord } from './connector.js';
import type { FailureStage } from './dead-letter.js';
import { createDecoder, decodeKey, type Decoder } from './decode.js';
import type { SourceMessage } from './source/source.js';
import { compileExpression, type Expression } from './template.js';

export type Prepared =
  | { readonly kind: 'record'; readonly record: SinkRecord }
  | { readonly kind: 'failed'; readonly stage: FailureStage; readonly error: unknown }
  | { readonly kind: 'filtered' };

interface Step {
  readonly kind: 'filter' | 'map';
  readonly expression: Expression;
}

const FILTERED: Prepared = { kind: 'filtered' };

export class RecordPreparer {
  private readonly decode: Decoder;
  private readonly steps: readonly Step[];
  private readonly synchronous: boolean;

  constructor(
    private readonly source: PipelineConfig['source'],
    transforms: PipelineConfig['transforms'],
    schemaRegistry?: KafkaConfig['schema_registry'],
  ) {
    this.decode = createDecoder(source.format, schemaRegistry);
    this.steps = transforms.map((t) =>
      t.filter !== undefined ? { kind: 'filter', expression: compileExpression(t.filter) } : { kind: 'map', expression: compileExpression(t.map!) },
    );
    this.synchronous = source.format !== 'avro' && this.steps.length === 0;
  }

  async prepare(messages: readonly SourceMessage[]): Promise<Prepared[]> {
    if (this.synchronous) return messages.map((m) => this.prepareSync(m));
    const out: Prepared[] = [];
    for (const message of messages) out.push(await this.prepareAsync(message));
    return out;
  }

  private prepareSync(message: SourceMessage): Prepared {
    let key: unknown;
    let value: unknown;
    try {
      key = decodeKey(this.source.key_format, message.key);
      value = message.value === null ? null : this.decode(message.value);
    } catch (error) {
      return { kind: 'failed', stage: 'decode', error };
    }
    return { kind: 'record', record: toRecord(message, key, value) };
  }

  private async prepareAsync(message: SourceMessage): Promise<Prepared> {
    let key: unknown;
    let value: unknown;
    try {
      key = decodeKey(this.source.key_format, message.key);
      value = message.value === null ? null : await this.decode(message.value);
    } catch (error) {
      return { kind: 'failed', stage: 'decode', error };
    }
    try {
      for (const step of this.steps) {
        const result = await step.expression({ ...message, key, value });
        if (step.kind === 'filter') {
          if (!result) return FILTERED;
        } else {
          if (result === undefined) throw new Error('the map expression produced no value for this record');
          value = result;
        }
      }
    } catch (error) {
      return { kind: 'failed', stage: 'transform', error };
    }
    return { kind: 'record', record: toRecord(message, key, value) };
  }
}

function toRecord(message: SourceMessage, key: unknown, value: unknown): SinkRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key,
    value,
    headers: message.headers,
    size: (message.key?.length ?? 0) + (message.value?.length ?? 0),
  };
}
