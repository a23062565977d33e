/**
 * Wiring of the digest domain for app.ts: store, scheduler and ScheduleService over one Poster.
 * `start()` catches up on missed runs and starts the cron tasks; `stop()` stops them and closes
 * the store (pending writes first).
 *
 * Other processes may change schedules in the same store. So a task, when it fires, re-reads its
 * schedule and runs only if the slot still belongs to the schedule's current rule and zone and the
 * schedule is active (a task another process made stale posts nothing), and once a minute
 * `refresh()` compares the stored revisions of guild records with those last seen and re-arms the
 * tasks whose rule changed (one small query when nothing did).
 */
import cron from 'node-cron';
import type { Library } from '../briefings/index.js';
import type { Logger } from '../log.js';
import type { Poster, Schedule, ScheduleService } from './index.js';
import { createSlotRunner } from './run.js';
import { type CatchUpReport, type CronLike, createScheduler, type Scheduler, taskKey } from './scheduler.js';
import { createScheduleService } from './service.js';
import { openStore, type Store } from './store.js';
import { compileRule } from './when.js';

/** Run records past their retention are swept at start and then this often. */
const PRUNE_EVERY_MS = 86_400_000;
/** How soon a change made by another process reaches this one's tasks. */
const REFRESH_EVERY_MS = 60_000;

/** Why a slot fired by a task is not (or no longer) a slot of the schedule; undefined when it is. */
function staleSlot(schedule: Schedule | undefined, slot: Date): string | undefined {
  if (!schedule) return 'the schedule no longer exists';
  if (schedule.paused) return 'the schedule is paused';
  if (slot.getTime() < Date.parse(schedule.activeSince))
    return 'the slot is before the schedule’s current rule';
  const own = compileRule(schedule.cron, schedule.timezone).prev(new Date(slot.getTime() + 999));
  if (own?.getTime() !== slot.getTime()) return 'the slot does not belong to the schedule’s current rule';
  return undefined;
}

export interface DigestRuntimeOptions {
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

/** The digest domain at work: its open store, the scheduler's cron tasks and the ScheduleService. */
export interface DigestRuntime {
  store: Store;
  scheduler: Scheduler;
  schedules: ScheduleService;
  start(): Promise<CatchUpReport[]>;
  /** Re-arms tasks whose schedule another process changed; run every minute after start. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** Opens the store and builds the scheduler and service over it; `start()` then runs them. */
export async function createDigestRuntime(options: DigestRuntimeOptions): Promise<DigestRuntime> {
  const now = options.now ?? (() => new Date());
  const store = options.store ?? (await openStore(options.storeUrl, options.log ? { log: options.log } : {}));
  // One runner for the scheduler and run-now: one record of runs in flight per app.
  const run = createSlotRunner({
    store,
    poster: options.poster,
    now,
    library: options.library,
    log: options.log,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const ownsGuild = (guildId: string) =>
    (options.ownsGuild?.(guildId) ?? true) && (options.poster.serves?.(guildId) ?? true);
  /** The rule each live task was armed with, by task key, to tell which a change made stale. */
  const armed = new Map<string, string>();
  const cronLib = options.cron ?? (cron as unknown as CronLike);
  const recordingCron: CronLike = {
    schedule(expression, fn, cronOptions) {
      const key = cronOptions.name.replace(/^digest-/, '');
      const task = cronLib.schedule(expression, fn, cronOptions);
      armed.set(key, `${expression}|${cronOptions.timezone}`);
      return {
        ...(task.on ? { on: task.on.bind(task) } : {}),
        stop: () => task.stop(),
        destroy: () => {
          armed.delete(key);
          return task.destroy();
        },
      };
    },
  };
  const scheduler: Scheduler = createScheduler({
    store,
    now,
    catchUpWindowMs: options.catchUpWindowHours * 3_600_000,
    run: async (guildId, scheduleId, slot, { late, attempt }) => {
      // Re-read at fire time: another process may have changed the rule since this task was armed.
      const current = (await store.readGuild(guildId)).find((s) => s.id === scheduleId);
      const stale = staleSlot(current, slot);
      if (stale) {
        options.log?.info(
          { guildId, scheduleId, slot: slot.toISOString(), reason: stale },
          'a task fired for a slot its schedule no longer has; nothing posted',
        );
        if (current) scheduler.sync(current);
        else scheduler.remove(guildId, scheduleId);
        return { status: 'skipped', reason: stale };
      }
      return run(guildId, scheduleId, slot, { late, attempt });
    },
    ownsGuild,
    cron: recordingCron,
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
  let refreshTimer: NodeJS.Timeout | undefined;
  const seen = new Map<string, string>();
  const refresh = async (): Promise<void> => {
    const revisions = await store.revisions();
    const changed = [...revisions].filter(([guildId, rev]) => seen.get(guildId) !== rev).map(([g]) => g);
    const gone = [...seen.keys()].filter((guildId) => !revisions.has(guildId));
    for (const guildId of [...changed, ...gone]) {
      // A guild counts as seen only once it is handled: a read that fails is tried again next time.
      const rev = revisions.get(guildId);
      if (!ownsGuild(guildId)) {
        if (rev === undefined) seen.delete(guildId);
        else seen.set(guildId, rev);
        continue;
      }
      const list = rev !== undefined ? await store.readGuild(guildId) : [];
      const ids = new Set(list.map((s) => s.id));
      for (const schedule of list) {
        const key = taskKey(guildId, schedule.id);
        const wanted = schedule.paused ? undefined : `${schedule.cron}|${schedule.timezone}`;
        // A run's own record (last run, health) changes the revision too: re-arm only on a new rule.
        if (armed.get(key) !== wanted) scheduler.sync(schedule);
      }
      for (const key of armed.keys()) {
        const id = key.slice(key.lastIndexOf(':') + 1);
        if (key.startsWith(`${guildId}:`) && !ids.has(id)) scheduler.remove(guildId, id);
      }
      if (rev === undefined) seen.delete(guildId);
      else seen.set(guildId, rev);
    }
  };
  // Timers do not wait for async work: one refresh and one sweep at a time, and stop() waits for them.
  let refreshing: Promise<void> | undefined;
  let pruning: Promise<void> | undefined;
  const refreshQuietly = (): Promise<void> =>
    (refreshing ??= refresh()
      .catch((error: unknown) => {
        // The next minute tries again; the fire-time check keeps stale tasks from posting meanwhile.
        options.log?.warn({ err: error }, 'could not compare schedules with the store');
      })
      .finally(() => {
        refreshing = undefined;
      }));
  const prune = (): Promise<void> =>
    (pruning ??= store
      .pruneExpired()
      .then((pruned) => {
        if (pruned) options.log?.info({ pruned }, 'deleted run records past their retention');
      })
      .catch((error: unknown) => {
        // Old rows only cost space; a failed sweep must not keep digests from running.
        options.log?.warn({ err: error }, 'could not delete run records past their retention');
      })
      .finally(() => {
        pruning = undefined;
      }));
  return {
    store,
    scheduler,
    schedules,
    async start() {
      await prune();
      clearInterval(pruneTimer);
      pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS);
      pruneTimer.unref();
      // Taken before the tasks start, so a change made while they do is seen by the first refresh.
      for (const [guildId, rev] of await store.revisions()) seen.set(guildId, rev);
      const reports = await scheduler.start();
      clearInterval(refreshTimer);
      refreshTimer = setInterval(() => void refreshQuietly(), REFRESH_EVERY_MS);
      refreshTimer.unref();
      return reports;
    },
    refresh,
    async stop() {
      clearInterval(pruneTimer);
      clearInterval(refreshTimer);
      // Runs, a refresh and a sweep in flight finish (and record) before the store closes.
      await scheduler.stop();
      await Promise.all([refreshing, pruning]);
      await store.close();
    },
  };
}
