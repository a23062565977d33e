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
 *
 * A Discord bot's process is told its shards (`shards`): it runs the schedules of a guild only
 * while it holds the lease of the guild's shard (lease.ts). Leases are taken at start, before the
 * catch-up; a lease gained later arms and catches up that shard's schedules (the start-up rule);
 * a lease lost stops that shard's tasks at once, and a task that fires checks the lease first.
 */
import cron from 'node-cron';
import type { Library } from '../briefings/index.js';
import type { Logger } from '../log.js';
import type { Poster, Schedule, ScheduleService, ShardStatus } from './index.js';
import { createShardLeases, HEARTBEAT_MS, type ShardLeases, type ShardSet, shardOf } from './lease.js';
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
   * The shards this process runs, known once the client has logged in (read at start): a guild's
   * schedules run here only if its shard is among them and this process holds the shard's lease,
   * and the poster `serves` the guild. Without it (the console, which has a guild of its own) every
   * guild the poster serves runs here and no lease is taken.
   */
  shards?: () => ShardSet;
  /** The shard leases' timing (TTL 30 s, heartbeat 10 s) and this process's name in them. */
  lease?: { ttlMs?: number; heartbeatMs?: number; holder?: string };
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
  /**
   * Renews the shard leases held and tries those not (run every heartbeat after start); settles
   * once the schedules of shards it gained are armed and caught up (the timer does not wait).
   */
  heartbeat(): Promise<void>;
  /** The guild's shard and who runs it; undefined without `shards` or before start. */
  shardStatus(guildId: string): ShardStatus | undefined;
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
  /** Set at start when the process runs shards: which, and their leases. */
  let sharding: { shards: ShardSet; leases: ShardLeases } | undefined;
  const leaseOf = (guildId: string) => {
    if (!sharding) return undefined;
    const shard = shardOf(guildId, sharding.shards.total);
    return { shard, mine: sharding.shards.ids.includes(shard), leases: sharding.leases };
  };
  const ownsGuild = (guildId: string) => {
    if (!(options.poster.serves?.(guildId) ?? true)) return false;
    if (!options.shards) return true;
    const lease = leaseOf(guildId);
    return lease?.mine === true && lease.leases.holds(lease.shard);
  };
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
      const lease = leaseOf(guildId);
      if (options.shards && !(lease?.mine && (await lease.leases.confirm(lease.shard)))) {
        const reason = `this instance no longer holds the lease of shard ${lease?.shard ?? 0}`;
        options.log?.info(
          { guildId, scheduleId, slot: slot.toISOString(), reason },
          'a task fired; nothing posted',
        );
        return { status: 'skipped', reason };
      }
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
  /** Shards gained whose schedules could not be armed yet: tried again at every heartbeat. */
  const unarmed = new Set<number>();
  const arming = new Set<Promise<unknown>>();
  /** True during start's catch-up, which a shard gained meanwhile waits for (it would run twice). */
  let starting = false;
  const armShard = (shard: number): void => {
    const current = sharding;
    if (!current) return;
    if (starting) {
      unarmed.add(shard);
      return;
    }
    unarmed.delete(shard);
    const armed = scheduler
      .arm((guildId) => shardOf(guildId, current.shards.total) === shard)
      .then(
        (reports) =>
          options.log?.info(
            { shard, schedules: reports.length, caughtUp: reports.filter((r) => r.action !== 'none').length },
            `armed the schedules of shard ${shard}`,
          ),
        (error: unknown) => {
          unarmed.add(shard);
          options.log?.warn(
            { err: error, shard },
            `could not arm the schedules of shard ${shard}; trying again at the next heartbeat`,
          );
        },
      )
      .finally(() => arming.delete(armed));
    arming.add(armed);
  };
  const armWaiting = (): void => {
    for (const shard of [...unarmed]) if (sharding?.leases.holds(shard)) armShard(shard);
  };
  const heartbeat = async (): Promise<void> => {
    await sharding?.leases.beat();
    armWaiting();
  };
  let beating: Promise<void> | undefined;
  const heartbeatOnce = (): Promise<void> =>
    (beating ??= heartbeat().finally(() => {
      beating = undefined;
    }));
  let pruneTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
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
  const startSchedules = async (): Promise<CatchUpReport[]> => {
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
  };
  return {
    store,
    scheduler,
    schedules,
    async start() {
      const shards = options.shards?.();
      if (shards && !sharding) {
        const current = shards;
        const leases = createShardLeases({
          store,
          shards,
          now: () => now().getTime(),
          ...(options.lease?.holder ? { holder: options.lease.holder } : {}),
          ...(options.lease?.ttlMs ? { ttlMs: options.lease.ttlMs } : {}),
          log: options.log,
          onGained: armShard,
          onLost: (shard) => scheduler.disarm((guildId) => shardOf(guildId, current.total) === shard),
        });
        sharding = { shards, leases };
      }
      // Before the catch-up: it runs only the schedules of the shards this process holds. The
      // heartbeat starts at once, as a long catch-up (many late digests) may outlast the TTL.
      starting = true;
      try {
        await sharding?.leases.start();
        if (sharding) {
          clearInterval(heartbeatTimer);
          heartbeatTimer = setInterval(
            () => void heartbeatOnce(),
            options.lease?.heartbeatMs ?? HEARTBEAT_MS,
          );
          heartbeatTimer.unref();
        }
        return await startSchedules();
      } finally {
        starting = false;
        armWaiting();
      }
    },
    refresh,
    async heartbeat() {
      await heartbeatOnce();
      await Promise.all([...arming]);
    },
    shardStatus(guildId) {
      const lease = leaseOf(guildId);
      if (!lease) return undefined;
      const { shard, mine, leases } = lease;
      const total = sharding?.shards.total ?? 1;
      const running = mine && leases.holds(shard);
      const other = running ? undefined : leases.heldBy(shard);
      return {
        id: shard,
        total,
        running,
        ...(other ? { heldBy: { holder: other.holder, until: new Date(other.expiresAt) } } : {}),
      };
    },
    async stop() {
      clearInterval(pruneTimer);
      clearInterval(refreshTimer);
      clearInterval(heartbeatTimer);
      // Runs, a refresh and a sweep in flight finish (and record) before the store closes; the
      // leases are given up only then, so the next holder starts after this one's last post.
      await scheduler.stop();
      await Promise.all([refreshing, pruning, beating, ...arming]);
      await sharding?.leases.stop();
      await store.close();
    },
  };
}
