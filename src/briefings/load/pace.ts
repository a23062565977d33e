/**
 * Keeps a big load from stalling the bot: file reads run with bounded concurrency, and CPU work
 * hands the event loop back (setImmediate) every few milliseconds so interactions and cron keep
 * their timing during a reload.
 */

import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export type Pacer = () => Promise<void>;

export const createPacer = (sliceMs = 8): Pacer => {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await yieldToEventLoop();
    since = performance.now();
  };
};

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
