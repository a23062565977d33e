/** How much each measurement does: the full run, and the small one CI can afford (--quick). */
export interface Plan {
  /** Corpus sizes for cold load and RSS. */
  sizes: number[];
  /** Corpus size for handlers, e2e and hot reload. */
  big: number;
  /** Calls per handler, autocomplete and button (after `warmup` uncounted ones). */
  calls: number;
  warmup: number;
  /** Time budget per handler (see HandlersInput). */
  budgetMs: number;
  interactions: number;
  /** Digest fan-out: channels, one schedule each, all due the same minute. */
  channels: number;
  /**
   * Also fan out over a corpus this small, to tell the delivery path's own cost from the cost
   * of a large archive (0: skip).
   */
  fanOutSmallN: number;
  /** Schedules in the store at start. */
  schedules: number;
  /**
   * Scaled-out fan-out: channels due the same minute over 3 shard processes on PostgreSQL, with and
   * without the REST proxy (0: skip; each run waits for a real minute).
   */
  scaleChannels: number;
}

export const FULL: Plan = {
  sizes: [100, 1000, 10_000],
  big: 10_000,
  calls: 1000,
  warmup: 20,
  budgetMs: 15_000,
  interactions: 1000,
  channels: 1000,
  fanOutSmallN: 100,
  schedules: 10_000,
  scaleChannels: 1000,
};

export const QUICK: Plan = {
  sizes: [100, 1000],
  big: 1000,
  calls: 30,
  warmup: 5,
  budgetMs: 60_000,
  interactions: 100,
  channels: 100,
  fanOutSmallN: 0,
  schedules: 1000,
  scaleChannels: 0,
};

export const planFor = (quick: boolean): Plan => (quick ? QUICK : FULL);
