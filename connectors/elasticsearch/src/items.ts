/**
 * What each item of a bulk response means: written, a record to retry, or a record to
 * dead-letter. Every item is examined — a bulk request that "succeeded" can still have refused
 * documents, and those must never be dropped silently.
 */
import type { BulkAction } from './actions.js';

export type ItemOutcome = { readonly kind: 'ok' } | { readonly kind: 'retry' | 'dead'; readonly reason: string };

export interface BulkItem {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string | null; readonly caused_by?: { readonly reason?: string | null } } | undefined;
}

export function itemOutcome(action: BulkAction, item: BulkItem, deterministicId: boolean): ItemOutcome {
  const { status } = item;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  // A replayed `create` of a document that is already there: written before, nothing to do.
  if (status === 409 && action === 'create' && deterministicId) return { kind: 'ok' };
  // Deleting what is already gone.
  if (status === 404 && action === 'delete') return { kind: 'ok' };
  const reason = describe(item);
  // Throttled, or a shard unavailable for a moment; an update racing another: retry the record.
  if (status === 429 || status >= 500 || (status === 409 && action === 'update')) return { kind: 'retry', reason };
  // Mapping and parsing errors, a missing index, a bad id: the data is wrong for the target.
  return { kind: 'dead', reason };
}

function describe(item: BulkItem): string {
  const e = item.error;
  if (!e) return `status ${item.status}`;
  const cause = e.caused_by?.reason ? ` (${e.caused_by.reason})` : '';
  return `${item.status} ${e.type ?? 'error'}: ${e.reason ?? ''}${cause}`;
}
