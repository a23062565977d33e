/**
 * Randomness that tests and "another quote" buttons can replay: a generator is a plain
 * `() => number` in [0, 1), and `seededRandom` makes one from a number or a string.
 */

/** FNV-1a: turns a string seed (a custom id, a date) into 32 bits. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast and well distributed enough for picking quotes; not for secrets. */
export function seededRandom(seed: number | string): () => number {
  let state = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** One item chosen by `random`; tolerant of generators that return exactly 1 or drift out of range. */
export function pickRandom<T>(items: readonly T[], random: () => number): T | undefined {
  if (items.length === 0) return undefined;
  const r = random();
  const index = Number.isFinite(r) ? Math.floor(r * items.length) : 0;
  return items[Math.min(items.length - 1, Math.max(0, index))];
}
