/**
 * Sends a batch's messages with at most `limit` in flight. Messages of one FIFO group go one
 * after another, in batch order, and once one of them fails the rest of its group is not sent
 * (sending them would put them ahead of the failed one when it is retried).
 */
import type { OutgoingMessage } from './messages.js';

export type SendOutcome<R> = { readonly ok: true; readonly receipt: R } | { readonly ok: false; readonly error: unknown };

export class GroupBlockedError extends Error {
  constructor(group: string) {
    super(`not sent: an earlier message of FIFO group "${group}" failed in this batch`);
    this.name = 'GroupBlockedError';
  }
}

/** Runs `work` on every item with at most `limit` at once; never rejects. */
export async function forEachLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<SendOutcome<R>[]> {
  return sendOrdered(items, () => undefined, limit, work);
}

export async function sendAll<R>(messages: readonly OutgoingMessage[], limit: number, send: (message: OutgoingMessage) => Promise<R>): Promise<SendOutcome<R>[]> {
  return sendOrdered(messages, (m) => m.messageGroup, limit, send);
}

async function sendOrdered<T, R>(messages: readonly T[], groupOf: (item: T) => string | undefined, limit: number, send: (item: T) => Promise<R>): Promise<SendOutcome<R>[]> {
  const outcomes: SendOutcome<R>[] = new Array(messages.length);
  let running = 0;
  const waiters: (() => void)[] = [];
  const acquire = async () => {
    while (running >= limit) await new Promise<void>((resolve) => waiters.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    waiters.shift()?.();
  };
  const one = async (i: number) => {
    await acquire();
    try {
      outcomes[i] = { ok: true, receipt: await send(messages[i]!) };
    } catch (error) {
      outcomes[i] = { ok: false, error };
    } finally {
      release();
    }
  };
  const groups = new Map<string, number[]>();
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < messages.length; i++) {
    const group = groupOf(messages[i]!);
    if (group === undefined) tasks.push(one(i));
    else {
      const members = groups.get(group);
      if (members) members.push(i);
      else groups.set(group, [i]);
    }
  }
  for (const [group, members] of groups) {
    tasks.push(
      (async () => {
        let blocked = false;
        for (const i of members) {
          if (blocked) {
            outcomes[i] = { ok: false, error: new GroupBlockedError(group) };
            continue;
          }
          await one(i);
          blocked = !outcomes[i]!.ok;
        }
      })(),
    );
  }
  await Promise.all(tasks);
  return outcomes;
}
