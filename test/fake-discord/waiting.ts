/**
 * Waiting for what the fake or the client will have done: re-checked after every request and
 * dispatch, and every few ms as well, because what a test waits for is often client-side state
 * (a cache updated after a dispatch). Timers are the real ones, so fake timers cannot stall it.
 */
import { monotonicMs, realClearTimeout, realSetTimeout } from './clock.js';
import type { CallbackBody, Core, FakeMessage, InteractionRecord } from './core.js';

export type Predicate<F, T> = (fake: F) => T | undefined | null | false;
export type WaitFor<F> = <T>(predicate: Predicate<F, T>, timeoutMs?: number) => Promise<T>;

export const describeRecent = (core: Core) =>
  core.requests
    .slice(-8)
    .map((r) => `  ${r.method} ${r.path} -> ${r.status ?? '…'}`)
    .join('\n') || '  (no requests)';

export const createWaiting = <F>(core: Core, getFake: () => F) => {
  const waiters = new Set<() => void>();
  const waitFor: WaitFor<F> = <T>(predicate: Predicate<F, T>, timeoutMs = 2000) =>
    new Promise<T>((resolve, reject) => {
      const started = monotonicMs();
      let poll: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        waiters.delete(check);
        if (poll) realClearTimeout(poll);
        outcome();
      };
      function check() {
        if (settled) return;
        try {
          const value = predicate(getFake());
          if (value) finish(() => resolve(value));
        } catch (err) {
          finish(() => reject(err));
        }
      }
      const tick = () => {
        check();
        if (settled) return;
        if (monotonicMs() - started >= timeoutMs) {
          const elapsed = Math.round(monotonicMs() - started);
          finish(() =>
            reject(
              new Error(
                `fake-discord: waitFor timed out after ${elapsed} ms; last requests:\n${describeRecent(core)}`,
              ),
            ),
          );
          return;
        }
        poll = realSetTimeout(tick, 5);
      };
      waiters.add(check);
      tick();
    });
  const notify = () => {
    for (const wake of [...waiters]) wake();
  };
  return { waitFor, notify };
};

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE data that was dispatched. */
  readonly payload: Record<string, unknown>;
  /** The first callback the bot sent. */
  readonly callback: CallbackBody;
  /** Whether Discord (the fake) accepted that callback. */
  readonly accepted: boolean;
  /** From INTERACTION_CREATE sent to the first callback received, in ms (the e2e latency). */
  readonly latencyMs: number;
  /** The response message as it stands now (after edits), if the callback created or targeted one. */
  readonly reply: FakeMessage | undefined;
  readonly edits: readonly unknown[];
  readonly followups: readonly FakeMessage[];
  readonly record: InteractionRecord;
  /** Resolves with the response message once it has been edited `count` times in total. */
  waitForEdit(count?: number, timeoutMs?: number): Promise<FakeMessage>;
  waitForFollowup(count?: number, timeoutMs?: number): Promise<FakeMessage>;
  /** Resolves when the response message exists and is no longer a loading (deferred) message. */
  waitForReply(timeoutMs?: number): Promise<FakeMessage>;
}

const LOADING = 128;

export const interactionHandle = <F>(record: InteractionRecord, waitFor: WaitFor<F>): InteractionHandle => {
  const first = () => {
    const cb = record.callbacks[0];
    if (!cb) throw new Error('fake-discord: no callback yet');
    return cb;
  };
  return {
    id: record.id,
    token: record.token,
    payload: record.payload,
    get callback() {
      return first().body;
    },
    get accepted() {
      return first().accepted;
    },
    get latencyMs() {
      return first().at - record.dispatchedAt;
    },
    get reply() {
      return record.original;
    },
    edits: record.edits,
    followups: record.followups,
    record,
    waitForEdit: (count = 1, timeoutMs = 3000) =>
      waitFor(() => record.edits.length >= count && record.original, timeoutMs),
    waitForFollowup: (count = 1, timeoutMs = 3000) =>
      waitFor(() => record.followups.length >= count && record.followups[count - 1], timeoutMs),
    waitForReply: (timeoutMs = 3000) =>
      waitFor(() => record.original && !(record.original.flags & LOADING) && record.original, timeoutMs),
  };
};
