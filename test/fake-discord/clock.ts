/**
 * Real timers and clocks, captured when this module loads. Tests may install vitest fake timers
 * after that; the fake must keep measuring real time (the 3 s interaction window, rate-limit
 * windows, waitFor timeouts) or it would hang or time out at random.
 */
export const realSetTimeout = globalThis.setTimeout;
export const realClearTimeout = globalThis.clearTimeout;
const realPerformance = globalThis.performance;

/** Monotonic milliseconds, immune to fake timers. */
export const monotonicMs = (): number => realPerformance.now();

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Snowflakes that sort by creation and decode to a plausible timestamp, as discord.js expects. */
export const createSnowflakes = (now: () => number) => {
  let increment = 0n;
  return (): string => {
    increment = (increment + 1n) & 0xfffn;
    const ms = BigInt(Math.floor(now())) - DISCORD_EPOCH;
    return ((ms << 22n) | (1n << 17n) | increment).toString();
  };
};
