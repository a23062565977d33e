/**
 * Fires schedules: one node-cron task per active schedule, in the schedule's time zone, with
 * noOverlap. node-cron does not catch up, so at start the scheduler does: for each schedule, the
 * latest slot at or before now with no ledger entry is run once, labelled late, if it is inside
 * the catch-up window; older misses are recorded as skipped. A pending entry (a crash mid-send)
 * is resumed with the same nonce.
 *
 * A shard runs only the schedules of the guilds it holds (`ownsGuild`).
 *
 * Schedule ids are unique only within a guild, so tasks are keyed by guild and id together: one
 * guild's change can never stop or replace another guild's task.
 */
import cron from 'node-cron';
import type { Logger } from '../log.js';
import type { LedgerEntry, Schedule } from './index.js';
import { runKey, TransientDeliveryError } from './ledger.js';
import type { Store } from './store.js';
import { compileRule } from './when.js';

/** The part of node-cron the scheduler uses; tests may pass their own. */
export interface CronTask {
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

export interface SchedulerDeps {
  store: Store;
  run: RunFn;
  now: () => Date;
  catchUpWindowMs: number;
  ownsGuild?: (guildId: string) => boolean;
  cron?: CronLike;
  log?: Logger | undefined;
  /**
   * Delays between retries of a transient failure; all inside Discord's nonce window. After the
   * last one the run is recorded failed (see deliver.ts).
   */
  retryDelaysMs?: readonly number[];
}

export interface CatchUpReport {
  scheduleId: string;
  guildId: string;
  slot?: string;
  action: 'none' | 'posted-late' | 'resumed' | 'skipped';
  missed: number;
}

export interface Scheduler {
  /** Catch up every owned schedule, then start their tasks. */
  start(): Promise<CatchUpReport[]>;
  /** Creates, replaces or removes the task to match the schedule (paused = no task). */
  sync(schedule: Schedule): void;
  remove(guildId: string, scheduleId: string): void;
  /** `guildId:scheduleId` of every schedule with a live task. */
  active(): string[];
  /** Stops every task and pending retry; settles when runs in flight have finished. */
  stop(): Promise<void>;
}

/** Runs closer than this to their slot are on time, not late. */
const ON_TIME_MS = 60_000;
/** Bound on counting old misses (an hourly schedule down for a month is 720). */
const MAX_MISSED_COUNT = 5000;

export const taskKey = (guildId: string, scheduleId: string): string => `${guildId}:${scheduleId}`;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const cronLib: CronLike = deps.cron ?? (cron as unknown as CronLike);
  const owns = deps.ownsGuild ?? (() => true);
  const retryDelays = deps.retryDelaysMs ?? [20_000, 40_000];
  const tasks = new Map<string, CronTask>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
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
    // node-cron passes the slot it fired for; map it onto our slot rules (first of a repeated hour).
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
    // A slot node-cron skipped while the process slept or the loop was blocked: the same rule as
    // catch-up at start (posted once, late, if still inside the window; the ledger keeps it once).
    task.on?.('execution:missed', (context) => {
      const slot = slotOf(context);
      if (!slot || stopped) return;
      const lateBy = deps.now().getTime() - slot.getTime();
      if (lateBy > deps.catchUpWindowMs) {
        deps.log?.warn(
          { guildId: schedule.guildId, scheduleId: schedule.id, slot: slot.toISOString() },
          'slot missed beyond the catch-up window',
        );
        return;
      }
      void runWithRetry(schedule.guildId, schedule.id, slot, lateBy > ON_TIME_MS);
    });
    tasks.set(key, task);
  };

  const countMissed = (schedule: Schedule, latest: Date): number => {
    const rule = compileRule(schedule.cron, schedule.timezone);
    const lastKnown =
      schedule.lastRun && !schedule.lastRun.manual ? Date.parse(schedule.lastRun.slot) : Number.NaN;
    const since = Math.max(Date.parse(schedule.activeSince), Number.isNaN(lastKnown) ? 0 : lastKnown);
    let count = 0;
    let cursor = rule.prev(new Date(latest.getTime() - 1));
    while (cursor && cursor.getTime() > since && count < MAX_MISSED_COUNT) {
      count++;
      cursor = rule.prev(new Date(cursor.getTime() - 1));
    }
    return count;
  };

  const recordSkipped = async (schedule: Schedule, slot: Date, missed: number): Promise<void> => {
    const stamp = deps.now().toISOString();
    const key = runKey(schedule.guildId, schedule.id, slot.toISOString());
    const entry: LedgerEntry = {
      key,
      guildId: schedule.guildId,
      scheduleId: schedule.id,
      slot: slot.toISOString(),
      status: 'skipped',
      nonce: '',
      reason: 'missed while the bot was offline, too old to catch up',
      attempts: 0,
      createdAt: stamp,
      updatedAt: stamp,
    };
    await deps.store.ledgerSet(entry);
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
    // The schedule's own record already says this slot ended (lastRun is written only with a final
    // outcome): no ledger read, which is most of a start with thousands of schedules.
    if (schedule.lastRun && !schedule.lastRun.manual && schedule.lastRun.slot === report.slot) return report;
    const entry = await deps.store.ledgerGet(runKey(schedule.guildId, schedule.id, latest.toISOString()));
    if (entry && entry.status !== 'pending') return report;
    const lateBy = now.getTime() - latest.getTime();
    report.missed = entry ? 0 : countMissed(schedule, latest);
    if (entry) {
      report.action = 'resumed';
      await runWithRetry(schedule.guildId, schedule.id, latest, entry.late === true || lateBy > ON_TIME_MS);
    } else if (lateBy <= deps.catchUpWindowMs) {
      report.action = 'posted-late';
      await runWithRetry(schedule.guildId, schedule.id, latest, lateBy > ON_TIME_MS);
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

  return {
    async start() {
      stopped = false;
      const reports: CatchUpReport[] = [];
      for await (const { guildId, schedules } of deps.store.guilds()) {
        if (!owns(guildId)) continue;
        for (const schedule of schedules) {
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
    },
    sync,
    remove: (guildId, scheduleId) => removeKey(taskKey(guildId, scheduleId)),
    active: () => [...tasks.keys()],
    async stop() {
      stopped = true;
      for (const key of [...tasks.keys()]) removeKey(key);
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
