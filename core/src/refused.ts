/**
 * Finding the records a target refused when it refuses a multi-record request as a whole
 * (InfluxDB's 400 for one bad point, HBase's 4xx for one bad row): the request is halved until
 * each refused record stands alone. Only for idempotent writes: the accepted halves are sent
 * again, and some targets (HBase) apply the good part of a refused request anyway.
 */

/**
 * Sends `items` with `send`; when it throws an error `isRefusal` says is about the data (not
 * the connection or the server), sends each half on its own, down to single items, which are
 * handed to `onRefused` with the error that refused them. Any other error is thrown at once.
 */
export async function sendFindingRefused<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<void>,
  isRefusal: (error: unknown) => boolean,
  onRefused: (item: T, error: unknown) => void,
): Promise<void> {
  if (items.length === 0) return;
  try {
    await send(items);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (items.length === 1) {
      onRefused(items[0]!, error);
      return;
    }
    const half = Math.ceil(items.length / 2);
    await sendFindingRefused(items.slice(0, half), send, isRefusal, onRefused);
    await sendFindingRefused(items.slice(half), send, isRefusal, onRefused);
  }
}
