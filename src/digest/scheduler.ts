/**
 * Fires schedules: one node-cron task per active schedule, in the schedule's time zone, with
 * noOverlap. node-cron does not catch up, so at start the scheduler does: for each schedule, the
 * latest slot at or before now with no ledger entry is run once, labelled late, if it is inside
 * the catch-up window; older misses are recorded as skipped. A pending entry (a crash mid-send)
 * is resumed with the same nonce.
 *
 * The same rule applies while running. node-cron reports each slot it skipped (the process was
 * asleep, the loop blocked, the VM paused) one by one, and arms its timers on a monotonic clock, so
 * after a forward jump of the wall clock it notices only when its timer fires (up to a day later).
 * Left alone, a 3.5 h jump would post every missed hourly slot late, in one burst. So a skipped slot
 * never runs as itself: it triggers the start-up catch-up for its schedule (latest slot once, late;
 * the older ones recorded skipped). A one-minute tick that sees the wall clock move much further
 * than a minute does the same for every schedule and re-arms their tasks on the new time.
 *
 * A shard runs only the schedules of the guilds it holds (`ownsGuild`). Which those are may change
 * while it runs (a shard's lease taken over from a stopped instance, or lost to another, see
 * lease.ts): `arm` catches up and starts the schedules of guilds it gained, by the start-up rule,
 * and `disarm` stops the tasks of guilds it lost.
 *
 * Schedule ids are unique only within a guild, so tasks are keyed by guild and id together: one
 * guild's change can never stop or replace another guild's task.
 */
import cron from 'node-cron';
import type { Logger } from '../log.js';
import type { LedgerEntry, Schedule } from './index.js';
import { ON_TIME_MS, runKey, TransientDeliveryError } from './ledger.js';
import type { Store } from './store.js';
import { compileRule } from './when.js';

/** The part of node-cron the scheduler uses; tests may pass their own. */
interface CronTask {
  stop(): unknown;
  destroy(): unknown;
  /** node-cron reports slots it skipped because the process was asleep or the loop blocked. */
  on?(event: 'execution:missed', listener: (context: { date: Date }) => void): void;
}

export interface CronLike {
  schedule(
    expression: string,
    fn: (context: { date: Date }) => unknown,
    options: { timezone: string; name: string; noOverlap: boolean; suppressMissedWarning: boolean },
  ): CronTask;
}

export type RunFn = (
  guildId: string,
  scheduleId: string,
  slot: Date,
  options: { late: boolean; attempt: { number: number; of: number } },
) => Promise<unknown>;

/** Runs read back at catch-up for a publish or thread left due (see catchUp). */
const DUE_LOOKBACK = 10;

interface SchedulerDeps {
  store: Store;
  run: RunFn;
  now: () => Date;
  catchUpWindowMs: number;
  ownsGuild?: (guildId: string) => boolean;
  cron?: CronLike;
  log?: Logger | undefined;
  /**
   * Delays between retries of a transient failure; all inside Discord's nonce window. After the
   * last one the run is recorded failed (see run.ts).
   */
  retryDelaysMs?: readonly number[];
}

export interface CatchUpReport {
  scheduleId: string;
  guildId: string;
  slot?: string;
  /** `recorded`: the ledger had the run, the schedule did not (a crash between the two writes). */
  action: 'none' | 'posted-late' | 'resumed' | 'recorded' | 'skipped';
  missed: number;
}

export interface Scheduler {
  /** Catch up every owned schedule, then start their tasks. */
  start(): Promise<CatchUpReport[]>;
  /** After start: catch up and start the owned schedules of the guilds `guilds` picks, as at start. */
  arm(guilds: (guildId: string) => boolean): Promise<CatchUpReport[]>;
  /** Stops the tasks of the guilds `guilds` picks (runs in flight finish); how many were stopped. */
  disarm(guilds: (guildId: string) => boolean): number;
  /** Creates, replaces or removes the task to match the schedule (paused = no task). */
  sync(schedule: Schedule): void;
  remove(guildId: string, scheduleId: string): void;
  /** `guildId:scheduleId` of every schedule with a live task. */
  active(): string[];
  /** Stops every task and pending retry; settles when runs in flight have finished. */
  stop(): Promise<void>;
}

/** Bound on counting old misses (an hourly schedule down for a month is 720). */
const MAX_MISSED_COUNT = 5000;
/** How often the wall clock is compared with the time that really passed. */
const CLOCK_TICK_MS = 60_000;

export const taskKey = (guildId: string, scheduleId: string): string => `${guildId}:${scheduleId}`;
/** The guild of a task key (schedule ids never hold a colon; guild ids might one day). */
const guildOf = (key: string): string => key.slice(0, key.lastIndexOf(':'));

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const cronLib: CronLike = deps.cron ?? (cron as unknown as CronLike);
  const owns = deps.ownsGuild ?? (() => true);
  const retryDelays = deps.retryDelaysMs ?? [20_000, 40_000];
  const tasks = new Map<string, CronTask>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  /** Catch-ups while running, one after another per schedule so each sees what the last decided. */
  const catchUps = new Map<string, Promise<void>>();
  let clockTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const runWithRetry = (
    guildId: string,
    scheduleId: string,
    slot: Date,
    late: boolean,
    attempt = 0,
  ): Promise<void> =>
    track(
      deps.run(guildId, scheduleId, slot, {
        late,
        attempt: { number: attempt + 1, of: retryDelays.length + 1 },
      }),
    ).then(
      () => undefined,
      (error: unknown) => {
        const delay = retryDelays[attempt];
        if (error instanceof TransientDeliveryError && delay !== undefined && !stopped) {
          const timer = setTimeout(() => {
            retryTimers.delete(timer);
            void runWithRetry(guildId, scheduleId, slot, late, attempt + 1);
          }, delay);
          retryTimers.add(timer);
          return;
        }
        deps.log?.error({ err: error, guildId, scheduleId, slot: slot.toISOString() }, 'digest run failed');
      },
    );

  const removeKey = (key: string): void => {
    const task = tasks.get(key);
    if (!task) return;
    task.destroy();
    tasks.delete(key);
  };

  const sync = (schedule: Schedule): void => {
    const key = taskKey(schedule.guildId, schedule.id);
    removeKey(key);
    if (stopped || schedule.paused || !owns(schedule.guildId)) return;
    const rule = compileRule(schedule.cron, schedule.timezone);
    const activeSince = Date.parse(schedule.activeSince);
    // node-cron passes the run it fired for, which is a slot of the same rule; prev() only trims
    // stray milliseconds (and finds the slot when a stand-in cron passes no date).
    const slotOf = (context: { date?: Date } | undefined): Date | undefined => {
      const fired = context?.date instanceof Date ? context.date : deps.now();
      const slot = rule.prev(new Date(fired.getTime() + 999));
      return slot && slot.getTime() >= activeSince ? slot : undefined;
    };
    const task = cronLib.schedule(
      schedule.cron,
      (context) => {
        const slot = slotOf(context);
        if (!slot) return undefined;
        return runWithRetry(
          schedule.guildId,
          schedule.id,
          slot,
          deps.now().getTime() - slot.getTime() > ON_TIME_MS,
        );
      },
      {
        timezone: schedule.timezone,
        name: `digest-${key}`,
        noOverlap: true,
        suppressMissedWarning: true,
      },
    );
    // A slot node-cron skipped: caught up by the start-up rule, never run as itself (see header).
    task.on?.('execution:missed', (context) => {
      const slot = slotOf(context);
      if (slot && !stopped) catchUpWhileRunning(schedule.guildId, schedule.id, { reported: slot });
    });
    tasks.set(key, task);
  };

  /** Slots missed before `latest`: how many, and those still inside the catch-up window. */
  const olderMisses = (schedule: Schedule, latest: Date): { count: number; recent: Date[] } => {
    const rule = compileRule(schedule.cron, schedule.timezone);
    const lastKnown =
      schedule.lastRun && !schedule.lastRun.manual ? Date.parse(schedule.lastRun.slot) : Number.NaN;
    const since = Math.max(Date.parse(schedule.activeSince), Number.isNaN(lastKnown) ? 0 : lastKnown);
    const windowStart = deps.now().getTime() - deps.catchUpWindowMs;
    const before = new Date(latest.getTime() - 1);
    // Stepped forward from where the schedule last stood, as its node-cron task steps.
    const older = rule.between(new Date(since), before, MAX_MISSED_COUNT);
    const recent =
      older.length < MAX_MISSED_COUNT
        ? older.filter((slot) => slot.getTime() >= windowStart)
        : rule.between(new Date(Math.max(since, windowStart - 1)), before);
    return { count: older.length, recent: recent.reverse() };
  };

  /** The ledger's record of a slot that was not run, and why. */
  const skippedEntry = (schedule: Schedule, slot: Date, reason: string): LedgerEntry => {
    const stamp = deps.now().toISOString();
    return {
      key: runKey(schedule.guildId, schedule.id, slot.toISOString()),
      guildId: schedule.guildId,
      scheduleId: schedule.id,
      slot: slot.toISOString(),
      status: 'skipped',
      nonce: '',
      reason,
      attempts: 0,
      createdAt: stamp,
      updatedAt: stamp,
    };
  };

  /**
   * An older slot passed over for a later one; written only if nothing was recorded for it. A claim,
   * not a read and a write: another process may be recording that slot at the same moment.
   */
  const recordPassedOver = async (schedule: Schedule, slot: Date, latest: string): Promise<void> => {
    await deps.store.ledgerClaim(
      skippedEntry(
        schedule,
        slot,
        `missed while the bot was offline or asleep; only the latest missed slot (${latest}) was caught up`,
      ),
    );
  };

  const recordSkipped = async (schedule: Schedule, slot: Date, missed: number): Promise<void> => {
    const entry = skippedEntry(schedule, slot, 'missed while the bot was offline, too old to catch up');
    const stamp = entry.createdAt;
    // Another process that ran or recorded this slot meanwhile wins: its record stands, no skip counted.
    if (await deps.store.ledgerClaim(entry)) return;
    await deps.store.updateGuild(schedule.guildId, (list) => ({
      schedules: list.map((s) =>
        s.id === schedule.id
          ? {
              ...s,
              missed: { count: missed + 1, latest: slot.toISOString(), recordedAt: stamp },
              lastRun: {
                slot: slot.toISOString(),
                outcome: 'skipped' as const,
                at: stamp,
                reason: `missed while offline (outside the ${Math.round(deps.catchUpWindowMs / 3_600_000)} h catch-up window)`,
              },
            }
          : s,
      ),
      result: undefined,
    }));
  };

  const catchUp = async (schedule: Schedule): Promise<CatchUpReport> => {
    const report: CatchUpReport = {
      scheduleId: schedule.id,
      guildId: schedule.guildId,
      action: 'none',
      missed: 0,
    };
    if (schedule.paused) return report;
    const now = deps.now();
    const rule = compileRule(schedule.cron, schedule.timezone);
    const latest = rule.prev(now);
    if (!latest || latest.getTime() < Date.parse(schedule.activeSince)) return report;
    report.slot = latest.toISOString();
    // The schedule's own record already says this slot ended (a final outcome, not an attempt to be
    // retried): no ledger read, which is most of a start with thousands of schedules.
    const last = schedule.lastRun;
    if (last && !last.manual && !last.retrying && last.slot === report.slot) return report;
    // Slots since the one on the schedule whose post went out but whose publish or thread a stopped
    // process left due: finished (nothing is posted again) before the latest slot is looked at.
    if (last) {
      for (const entry of await deps.store.ledgerList(schedule.guildId, schedule.id, DUE_LOOKBACK)) {
        if (entry.status !== 'sent' || !entry.due?.length || entry.manual || entry.slot === report.slot)
          continue;
        await runWithRetry(schedule.guildId, schedule.id, new Date(entry.slot), entry.late === true);
      }
    }
    const entry = await deps.store.ledgerGet(runKey(schedule.guildId, schedule.id, latest.toISOString()));
    if (entry && entry.status !== 'pending') {
      // Decided, but not on the schedule: the process stopped between the ledger's write and the
      // schedule's. The runner replays the ledger's outcome (nothing is sent) and records it.
      report.action = 'recorded';
      await runWithRetry(schedule.guildId, schedule.id, latest, entry.late === true);
      return report;
    }
    const lateBy = now.getTime() - latest.getTime();
    const older = entry ? { count: 0, recent: [] } : olderMisses(schedule, latest);
    report.missed = older.count;
    if (entry) {
      report.action = 'resumed';
      await runWithRetry(schedule.guildId, schedule.id, latest, entry.late === true || lateBy > ON_TIME_MS);
    } else if (lateBy <= deps.catchUpWindowMs) {
      report.action = 'posted-late';
      await runWithRetry(schedule.guildId, schedule.id, latest, lateBy > ON_TIME_MS);
      // Those that were still due by the window get their own skipped entry (a handful at most:
      // the window over the minimum interval); older ones are only counted.
      for (const slot of older.recent) await recordPassedOver(schedule, slot, report.slot);
      if (report.missed > 0) {
        const stamp = deps.now().toISOString();
        await deps.store.updateGuild(schedule.guildId, (list) => ({
          schedules: list.map((s) =>
            s.id === schedule.id
              ? { ...s, missed: { count: report.missed, latest: latest.toISOString(), recordedAt: stamp } }
              : s,
          ),
          result: undefined,
        }));
      }
    } else {
      report.action = 'skipped';
      await recordSkipped(schedule, latest, report.missed);
    }
    return report;
  };

  const catchUpWhileRunning = (
    guildId: string,
    scheduleId: string,
    options: { reported?: Date; resync?: boolean },
  ): void => {
    const key = taskKey(guildId, scheduleId);
    const previous = catchUps.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (stopped || !owns(guildId)) return;
      const schedule = (await deps.store.readGuild(guildId)).find((s) => s.id === scheduleId);
      if (!schedule || schedule.paused) return;
      const report = await catchUp(schedule);
      const { reported } = options;
      if (reported && report.slot && reported.toISOString() < report.slot) {
        await recordPassedOver(schedule, reported, report.slot);
      }
      // node-cron's timer still counts toward the slot it armed before the jump: arm it afresh.
      if (!options.resync || stopped) return;
      const fresh = (await deps.store.readGuild(guildId)).find((s) => s.id === scheduleId);
      if (fresh) sync(fresh);
      else removeKey(key);
    });
    const settled = track(next).catch((error: unknown) =>
      deps.log?.error({ err: error, guildId, scheduleId }, 'catch-up after a missed slot failed'),
    );
    catchUps.set(key, settled);
    void settled.then(() => {
      if (catchUps.get(key) === settled) catchUps.delete(key);
    });
  };

  /** A wall clock that moved much more than the tick (a jump, a paused VM): catch everything up. */
  const watchClock = (): void => {
    let last = deps.now().getTime();
    clockTimer = setInterval(() => {
      const at = deps.now().getTime();
      const beyondTick = at - last - CLOCK_TICK_MS;
      last = at;
      if (beyondTick <= ON_TIME_MS || stopped) return;
      deps.log?.warn(
        { beyondTickMs: beyondTick },
        'the clock moved on without us; catching up missed digests',
      );
      for (const key of [...tasks.keys()]) {
        catchUpWhileRunning(guildOf(key), key.slice(key.lastIndexOf(':') + 1), { resync: true });
      }
    }, CLOCK_TICK_MS);
    clockTimer.unref();
  };

  /** The start-up rule for the owned schedules of some guilds: catch up, then start the task. */
  const catchUpAndArm = async (guilds: (guildId: string) => boolean): Promise<CatchUpReport[]> => {
    const reports: CatchUpReport[] = [];
    for await (const { guildId, schedules } of deps.store.guilds()) {
      if (!guilds(guildId) || !owns(guildId)) continue;
      for (const schedule of schedules) {
        if (stopped) return reports;
        try {
          reports.push(await catchUp(schedule));
        } catch (error) {
          deps.log?.error({ err: error, guildId, scheduleId: schedule.id }, 'catch-up failed');
        }
        try {
          sync(schedule);
        } catch (error) {
          // One bad record (say, a zone this runtime no longer knows) must not stop the others.
          deps.log?.error({ err: error, guildId, scheduleId: schedule.id }, 'could not start the schedule');
        }
      }
    }
    const late = reports.filter((r) => r.action !== 'none');
    if (late.length) deps.log?.info({ catchUp: late }, 'caught up on missed digests');
    return reports;
  };

  return {
    async start() {
      stopped = false;
      const reports = await catchUpAndArm(() => true);
      if (!stopped && !clockTimer) watchClock();
      return reports;
    },
    arm: (guilds) => track(catchUpAndArm(guilds)),
    disarm(guilds) {
      const keys = [...tasks.keys()].filter((key) => guilds(guildOf(key)));
      for (const key of keys) removeKey(key);
      return keys.length;
    },
    sync,
    remove: (guildId, scheduleId) => removeKey(taskKey(guildId, scheduleId)),
    active: () => [...tasks.keys()],
    async stop() {
      stopped = true;
      clearInterval(clockTimer);
      clockTimer = undefined;
      for (const key of [...tasks.keys()]) removeKey(key);
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
