/**
 * Wiring of the digest domain for main.ts: store, scheduler and ScheduleService over one Poster.
 * `start()` catches up on missed runs and starts the cron tasks; `stop()` stops them and closes
 * the store (pending writes first).
 */
import type { Library } from '../briefings/index.js';
import type { Logger } from '../log.js';
import { createRunner } from './deliver.js';
import type { Poster, ScheduleService } from './index.js';
import { type CatchUpReport, type CronLike, createScheduler, type Scheduler } from './scheduler.js';
import { createScheduleService } from './service.js';
import { openStore, type Store } from './store.js';

/** Run records past their retention are swept at start and then this often. */
const PRUNE_EVERY_MS = 86_400_000;

export interface DigestOptions {
  /** STORE_URL, e.g. sqlite://state/attache.sqlite or memory:// */
  storeUrl: string;
  poster: Poster;
  /** The current snapshot (hot reload swaps it). */
  library: () => Library;
  now?: () => Date;
  defaultTimezone: string;
  minIntervalMinutes: number;
  maxPerGuild: number;
  catchUpWindowHours: number;
  /**
   * For sharding: only schedules of guilds this process holds run here. Combined with the
   * poster's own `serves` (console vs Discord guilds).
   */
  ownsGuild?: (guildId: string) => boolean;
  log?: Logger;
  cron?: CronLike;
  locale?: string;
  /** An already open store (tests wrap one to inject faults); storeUrl is then only reported. */
  store?: Store;
  /** Delays between retries of a run Discord did not accept (default 20 s, 40 s). */
  retryDelaysMs?: readonly number[];
}

export interface Digests {
  store: Store;
  scheduler: Scheduler;
  schedules: ScheduleService;
  start(): Promise<CatchUpReport[]>;
  stop(): Promise<void>;
}

export async function createDigests(options: DigestOptions): Promise<Digests> {
  const now = options.now ?? (() => new Date());
  const store = options.store ?? (await openStore(options.storeUrl));
  // One runner for the scheduler and run-now: one record of runs in flight per app.
  const run = createRunner({
    store,
    poster: options.poster,
    now,
    library: options.library,
    log: options.log,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const scheduler = createScheduler({
    store,
    now,
    catchUpWindowMs: options.catchUpWindowHours * 3_600_000,
    run: (guildId, scheduleId, slot, { late, attempt }) => run(guildId, scheduleId, slot, { late, attempt }),
    ownsGuild: (guildId) =>
      (options.ownsGuild?.(guildId) ?? true) && (options.poster.serves?.(guildId) ?? true),
    ...(options.cron ? { cron: options.cron } : {}),
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    log: options.log,
  });
  const schedules = createScheduleService({
    store,
    poster: options.poster,
    scheduler,
    now,
    library: options.library,
    minIntervalMinutes: options.minIntervalMinutes,
    maxPerGuild: options.maxPerGuild,
    defaultTimezone: options.defaultTimezone,
    log: options.log,
    ...(options.locale ? { locale: options.locale } : {}),
    run,
  });
  let pruneTimer: NodeJS.Timeout | undefined;
  const prune = async (): Promise<void> => {
    try {
      const pruned = await store.pruneExpired();
      if (pruned) options.log?.info({ pruned }, 'deleted run records past their retention');
    } catch (error) {
      // Old rows only cost space; a failed sweep must not keep digests from running.
      options.log?.warn({ err: error }, 'could not delete run records past their retention');
    }
  };
  return {
    store,
    scheduler,
    schedules,
    async start() {
      await prune();
      clearInterval(pruneTimer);
      pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS);
      pruneTimer.unref();
      return scheduler.start();
    },
    async stop() {
      clearInterval(pruneTimer);
      // Runs in flight finish (and record) before the store closes.
      await scheduler.stop();
      await store.close();
    },
  };
}
