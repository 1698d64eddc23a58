/**
 * Finding the records a target refused when it refuses a whole request for them: InfluxDB
 * answers 400 to a write with one bad line, Flume's HTTP source 400 to a request with one event
 * its handler refuses. The request is split in halves until each refused record is alone, so
 * the rest get written and only the refused ones are dead-lettered.
 *
 * Only for targets where a refused request wrote nothing, or where writing an accepted record
 * twice is harmless: the halves of a refused request are sent again.
 */

/** An item the target refused on its own, with the target's reason. */
export interface RefusedItem<T> {
  readonly item: T;
  readonly error: Error;
}

export interface IsolationResult<T> {
  /** Items refused alone, in their order. */
  readonly refused: readonly RefusedItem<T>[];
  /**
   * Set when a request failed for another reason (the target down, a timeout): that error, and
   * the items not written because of it (that request's and every one not sent yet), in order.
   * Everything else was written or refused.
   */
  readonly unsent?: { readonly items: readonly T[]; readonly error: unknown };
}

/**
 * Sends `items` with `send` (one request; resolves when the target accepted all of them). When
 * `refusal` turns the error into a reason (the request was refused for its content), the
 * request is split in halves, each sent in turn, down to single items; any other error stops
 * the sending and is returned with what is left.
 */
export async function isolateRefused<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<void>,
  refusal: (error: unknown) => Error | undefined,
): Promise<IsolationResult<T>> {
  const refused: RefusedItem<T>[] = [];
  // Parts still to send, first one next; a refused part is replaced by its halves.
  const parts: (readonly T[])[] = items.length > 0 ? [items] : [];
  while (parts.length > 0) {
    const part = parts.shift()!;
    try {
      await send(part);
    } catch (error) {
      const reason = refusal(error);
      if (reason === undefined) return { refused, unsent: { items: [part, ...parts].flat(), error } };
      if (part.length === 1) {
        refused.push({ item: part[0]!, error: reason });
      } else {
        const half = Math.ceil(part.length / 2);
        parts.unshift(part.slice(0, half), part.slice(half));
      }
    }
  }
  return { refused };
}
