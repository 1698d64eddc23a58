/**
 * What a Flume HTTP source's answer means. The source puts a request's events in its channel in
 * one transaction and answers 200 only once it committed; any other answer committed nothing:
 * - 400: the handler refused the request (JSONHandler: bad JSON; a custom handler: an event it
 *   refuses) — one bad event refuses them all, so the sink splits the request to find it;
 * - 503: the channel threw a ChannelException — full (retried), or the request holds more events
 *   than the channel's `transactionCapacity` (the message says how many fit: requests shrink);
 * - 500: the handler or an interceptor failed unexpectedly: retried;
 * - 401, 403, 404: not Flume's source itself (its servlet answers every path, without
 *   authentication) but something in front of it that refuses us: no retry helps.
 */

export type Outcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'capacity'; readonly capacity: number; readonly reason: string }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'fatal'; readonly reason: string };

/** "Put queue for MemoryTransaction of capacity 100 full" (memory, file and spillable channels). */
const CAPACITY = /capacity (\d+) full/;

export function responseOutcome(status: number, body: string): Outcome {
  if (status === 200) return { kind: 'ok' };
  const reason = `HTTP ${status}: ${serverMessage(body) || 'no message'}`;
  if (status === 400 || status === 413) return { kind: 'refused', reason };
  if (status === 503) {
    const capacity = CAPACITY.exec(reason);
    if (capacity) return { kind: 'capacity', capacity: Number(capacity[1]), reason };
    return { kind: 'retry', reason };
  }
  if (status === 401 || status === 403 || status === 404 || status === 405) return { kind: 'fatal', reason };
  return { kind: 'retry', reason };
}

/** The message of Jetty's error page (`<th>MESSAGE:</th><td>…</td>`), else the body as text. */
export function serverMessage(body: string): string {
  const cell = /<th>MESSAGE:<\/th><td>([\s\S]*?)<\/td>/.exec(body);
  const text = cell ? cell[1]! : /<title>([\s\S]*?)<\/title>/.exec(body)?.[1] ?? body;
  return unescapeHtml(text).replace(/\s+/g, ' ').trim().slice(0, 500);
}

function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
}

/** A request the source did not answer with 200. */
export class FlumeResponseError extends Error {
  constructor(readonly outcome: Exclude<Outcome, { kind: 'ok' }>) {
    super(outcome.reason);
    this.name = 'FlumeResponseError';
  }
}

/** A network-level failure (refused, reset, timed out) with its code in the message. */
export function describe(error: unknown): string {
  const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
  const message = e?.message ?? String(error);
  const code = e?.code ?? e?.cause?.code;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
