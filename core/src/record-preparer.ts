/**
 * Decode and transform, in place: each pending record becomes writable, failed (with its stage)
 * or filtered out. Synchronous unless a step needs a lookup (avro, JSONata), so the common path
 * makes no promise per record.
 */
import type { KafkaConfig, PipelineConfig } from './config/schema.js';
import { createDecoder, decodeKey, type Decoder } from './decode.js';
import type { PendingRecord } from './pending-record.js';
import { compileExpression, type Expression } from './template.js';

interface Step {
  readonly kind: 'filter' | 'map';
  readonly expression: Expression;
}

export class RecordPreparer {
  private readonly decode: Decoder;
  private readonly steps: readonly Step[];
  private readonly synchronous: boolean;
  private readonly json: boolean;

  constructor(
    private readonly source: PipelineConfig['source'],
    transforms: PipelineConfig['transforms'],
    schemaRegistry?: KafkaConfig['schema_registry'],
  ) {
    this.decode = createDecoder(source.format, schemaRegistry);
    this.json = source.format === 'json';
    this.steps = transforms.map((t) =>
      t.filter !== undefined ? { kind: 'filter', expression: compileExpression(t.filter) } : { kind: 'map', expression: compileExpression(t.map!) },
    );
    this.synchronous = source.format !== 'avro' && this.steps.length === 0;
  }

  /** Prepares every `raw` record; returns a promise only when a step is asynchronous. */
  prepare(records: readonly PendingRecord[]): void | Promise<void> {
    if (!this.synchronous) return this.prepareAsync(records);
    for (const record of records) if (record.status === 'raw') this.prepareSync(record);
  }

  private prepareSync(record: PendingRecord): void {
    const { key, value } = record.message;
    try {
      record.decoded(decodeKey(this.source.key_format, key), value === null ? null : this.decode(value), this.json);
    } catch (error) {
      record.failed('decode', error);
    }
  }

  private async prepareAsync(records: readonly PendingRecord[]): Promise<void> {
    for (const record of records) {
      if (record.status !== 'raw') continue;
      const { key, value } = record.message;
      try {
        record.decoded(decodeKey(this.source.key_format, key), value === null ? null : await this.decode(value), this.json);
      } catch (error) {
        record.failed('decode', error);
        continue;
      }
      try {
        for (const step of this.steps) {
          const result = await step.expression(record);
          if (step.kind === 'filter') {
            if (!result) {
              record.filtered();
              break;
            }
          } else {
            if (result === undefined) throw new Error('the map expression produced no value for this record');
            record.value = result;
            record.valueIsRaw = false;
          }
        }
      } catch (error) {
        record.failed('transform', error);
      }
    }
  }
}
