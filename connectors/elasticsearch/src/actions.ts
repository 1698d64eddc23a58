/**
 * Records → bulk operations, without I/O: the action line and the document of each record, cut
 * into requests by the bulk limits. A record that cannot become an operation is a record-level
 * failure (dead letter).
 */
import { compileTemplate, rawJsonLine, readPath, recordId, translateRecords, type RecordFailure, type SinkRecord, type Template } from '@sinkhub/core';
import type { ElasticsearchOptions } from './options.js';

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface Operation {
  /** The record's index in the batch. */
  readonly index: number;
  readonly action: BulkAction;
  readonly target: string;
  readonly id: string | undefined;
  /** The NDJSON lines of the operation: the action, then (except for delete) the document. */
  readonly lines: readonly string[];
  readonly bytes: number;
}

export interface Translation {
  readonly operations: readonly Operation[];
  readonly failures: readonly RecordFailure[];
}

export class OperationBuilder {
  private readonly index: Template;
  private readonly idPath: readonly string[] | undefined;
  private readonly tombstones: 'delete' | 'skip' | 'error';

  constructor(private readonly options: ElasticsearchOptions) {
    this.index = compileTemplate(options.index);
    this.idPath = options.id_field?.split('.');
    this.tombstones = options.tombstones ?? (options.id === 'key' ? 'delete' : 'error');
  }

  async build(records: readonly SinkRecord[]): Promise<Translation> {
    const { items, failures } = await translateRecords(records, async (record, index): Promise<Operation | undefined> => {
      if (record.value === null && this.tombstones === 'skip') return undefined;
      const target = this.index.constant ?? (await this.index.render(record));
      return record.value === null ? this.deletion(index, target, record) : this.write(index, target, record);
    });
    return { operations: items, failures };
  }

  private write(index: number, target: string, record: SinkRecord): Operation {
    const value = record.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
      throw new Error('the value is not a JSON object, so it cannot be a document');
    }
    const id = this.documentId(record);
    const action = this.options.action;
    const header = JSON.stringify({ [action]: { _index: target, ...(id !== undefined && { _id: id }) } });
    // The consumed JSON as it came, where it is still exactly the value and fits on one line.
    const raw = rawJsonLine(record);
    const document = action === 'update' ? `{"doc":${raw ?? JSON.stringify(value)},"doc_as_upsert":true}` : (raw ?? JSON.stringify(value));
    return { index, action, target, id, lines: [header, document], bytes: header.length + document.length + 2 };
  }

  private deletion(index: number, target: string, record: SinkRecord): Operation {
    if (this.tombstones === 'error') throw new Error('a tombstone (null value), and no document id to delete by (see the `tombstones` option)');
    const key = record.key;
    const id = this.idPath && key !== null && typeof key === 'object' ? readPath(key, this.idPath) : key;
    if (id === undefined || id === null || id === '') throw new Error(`a tombstone whose key gives no document id (key: ${JSON.stringify(key)})`);
    const header = JSON.stringify({ delete: { _index: target, _id: asId(id) } });
    return { index, action: 'delete', target, id: asId(id), lines: [header], bytes: header.length + 1 };
  }

  private documentId(record: SinkRecord): string | undefined {
    switch (this.options.id) {
      case 'none':
        return undefined;
      case 'offset':
        return recordId(record);
      case 'key':
        if (record.key === null || record.key === undefined || record.key === '') throw new Error('the record has no key to use as the document id');
        return asId(record.key);
      case 'field': {
        const id = readPath(record.value, this.idPath!);
        if (id === undefined || id === null || id === '') throw new Error(`id field ${this.options.id_field} is missing`);
        return asId(id);
      }
    }
  }
}

function asId(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Operations cut into bulk requests of at most `maxActions` and about `maxBytes` (a single
 * larger operation still goes alone), in order.
 */
export function bulkRequests(operations: readonly Operation[], maxActions: number, maxBytes: number): Operation[][] {
  const requests: Operation[][] = [];
  let current: Operation[] = [];
  let bytes = 0;
  for (const op of operations) {
    if (current.length > 0 && (current.length >= maxActions || bytes + op.bytes > maxBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(op);
    bytes += op.bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** True when two requests touch one document: they must then go one after another, in order. */
export function sharesDocuments(requests: readonly (readonly Operation[])[]): boolean {
  const seen = new Map<string, number>();
  for (let r = 0; r < requests.length; r++) {
    for (const op of requests[r]!) {
      if (op.id === undefined) continue;
      const key = `${op.target}\u0000${op.id}`;
      const first = seen.get(key);
      if (first !== undefined && first !== r) return true;
      seen.set(key, r);
    }
  }
  return false;
}
