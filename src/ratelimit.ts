/**
 * A per-user rate limit on commands and button presses, shared by both transports. A token bucket:
 * each user may spend `burst` actions at once, and gets one back every `60 / perMinute` seconds.
 * Without it, one member repeating an expensive search (or replaying its page button) could keep
 * the event loop busy for everyone; with it, the cost any one member can impose is bounded.
 *
 * State is one small record per recently active user, in memory: a restart forgets it, which only
 * ever lets someone through early. Records whose bucket has refilled are dropped as it grows.
 */
export interface RateLimitOptions {
  /** Sustained actions per minute per user. 0 turns the limit off. */
  perMinute: number;
  /** Actions a user may take at once before the sustained rate applies. */
  burst: number;
  /** Milliseconds since the epoch; tests pass their own. */
  now?: () => number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  /** Spends one action of `key` (a user id) if it has one left. */
  take(key: string): RateDecision;
  /** Users remembered now (for tests and memory checks). */
  readonly tracked: number;
}

/** Past this many users tracked, those whose bucket is full again are forgotten. */
const PRUNE_ABOVE = 10_000;

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const burst = Math.max(1, Math.floor(options.burst));
  if (options.perMinute <= 0) return { take: () => ({ ok: true }), tracked: 0 };
  const msPerToken = 60_000 / options.perMinute;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (bucket: { tokens: number; at: number }, t: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) / msPerToken);
    bucket.at = t;
  };

  return {
    get tracked() {
      return buckets.size;
    },
    take(key) {
      const t = now();
      if (buckets.size > PRUNE_ABOVE) {
        for (const [k, b] of buckets) {
          refill(b, t);
          if (b.tokens >= burst) buckets.delete(k);
        }
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: t };
      refill(bucket, t);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) * msPerToken) };
    },
  };
}

/** The polite answer to someone going too fast: what happened and when to try again. */
export const slowDownMessage = (retryAfterMs: number): string => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `You're sending commands faster than the bot answers them for everyone. Please wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`;
};
