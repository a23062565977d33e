/** How much each measurement does: the full run, and the small one CI can afford (--quick). */
export interface Plan {
  /** Corpus sizes for cold load and RSS. */
  sizes: number[];
  /** Corpus size for handlers, e2e and hot reload. */
  big: number;
  /** Calls per handler, autocomplete and button (after `warmup` uncounted ones). */
  calls: number;
  warmup: number;
  interactions: number;
  /** Digest fan-out: channels, one schedule each, all due the same minute. */
  channels: number;
  /** Schedules in the store at start. */
  schedules: number;
}

export const FULL: Plan = {
  sizes: [100, 1000, 10_000],
  big: 10_000,
  calls: 1000,
  warmup: 20,
  interactions: 1000,
  channels: 1000,
  schedules: 10_000,
};

export const QUICK: Plan = {
  sizes: [100, 1000],
  big: 1000,
  calls: 30,
  warmup: 5,
  interactions: 100,
  channels: 100,
  schedules: 1000,
};

export const planFor = (quick: boolean): Plan => (quick ? QUICK : FULL);
