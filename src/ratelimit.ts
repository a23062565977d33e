/**
 * A per-user rate limit on commands and button presses, shared by both transports. Without it, one
 * member repeating an expensive search (or replaying its page button) could keep the event loop
 * busy for everyone; with it, the cost any one member can impose is bounded.
 *
 * rate-limiter-flexible counts the actions: a window of `burst` actions that lasts as long as the
 * sustained rate takes to earn them back (10 at once and 30 a minute is 10 per 20 s). Its memory
 * store forgets a user when their window ends, so what it holds is bounded by recent activity;
 * the same library has Redis and PostgreSQL stores for a limit shared by several processes.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

interface RateLimitOptions {
  /** Sustained actions per minute per user. 0 turns the limit off. */
  perMinute: number;
  /** Actions a user may take at once before the sustained rate applies. */
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  /** Spends one action of `key` (a user id) if it has one left. */
  take(key: string): Promise<RateDecision>;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  if (options.perMinute <= 0) return { take: async () => ({ ok: true }) };
  const burst = Math.max(1, Math.floor(options.burst));
  const limiter = new RateLimiterMemory({ points: burst, duration: (burst * 60) / options.perMinute });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return { ok: true };
      } catch (refusal) {
        // The library rejects with its result (how long until the window ends), or with an error.
        if (refusal instanceof RateLimiterRes) return { ok: false, retryAfterMs: refusal.msBeforeNext };
        throw refusal;
      }
    },
  };
}

/** The polite answer to someone going too fast: what happened and when to try again. */
export const slowDownMessage = (retryAfterMs: number): string => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `You're sending commands faster than the bot answers them for everyone. Please wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`;
};
