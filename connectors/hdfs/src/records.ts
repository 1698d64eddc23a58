/**
 * Records into file lines, pure: JSON lines (the core's encoding) or CSV with declared columns.
 * A record CSV cannot hold as declared — a value that is not an object, a column holding an
 * object or array — is a `RecordEncodingError`: it goes to the dead-letter topic.
 */
import { stringify } from 'csv-stringify/sync';
import { compileAccessor, jsonLinesEncoder, type Accessor, type RecordEncoder, type SinkRecord } from '@sinkhub/core';
import { RecordEncodingError } from './errors.js';
import type { HdfsOptions } from './options.js';

export function encoderFor(options: HdfsOptions): RecordEncoder {
  return options.format === 'csv' ? new CsvEncoder(options.csv!) : jsonLinesEncoder(options.content);
}

export interface CsvOptions {
  readonly columns: readonly string[];
  readonly header: boolean;
  readonly delimiter: string;
}

const CAST = {
  boolean: (v: boolean) => (v ? 'true' : 'false'),
  // Buffers (`format: bytes`) are not objects to CSV: written as base64, like JSON lines do.
  object: (v: object) => (Buffer.isBuffer(v) ? v.toString('base64') : JSON.stringify(v)),
};

export class CsvEncoder implements RecordEncoder {
  readonly extension = 'csv';
  readonly header: string | undefined;
  private readonly accessors: Accessor[];

  constructor(private readonly options: CsvOptions) {
    this.accessors = options.columns.map((c) => compileAccessor(c));
    this.header = options.header ? this.line(options.columns.map((c) => c.replace(/^\$/, ''))) : undefined;
  }

  encode(record: SinkRecord): string | Error {
    const value = record.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
      return new RecordEncodingError(`CSV needs an object value with the declared columns; got ${describe(value)}`);
    }
    const cells: unknown[] = [];
    for (let i = 0; i < this.accessors.length; i++) {
      const cell = this.accessors[i]!(record);
      if (cell !== null && typeof cell === 'object' && !Buffer.isBuffer(cell)) {
        return new RecordEncodingError(`column ${this.options.columns[i]} holds ${describe(cell)}; a CSV cell holds a string, number or boolean`);
      }
      cells.push(cell);
    }
    return this.line(cells);
  }

  private line(cells: readonly unknown[]): string {
    return stringify([cells], { delimiter: this.options.delimiter, cast: CAST, record_delimiter: '\n' });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
