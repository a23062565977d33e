/**
 * One runner per shard across processes. A guild belongs to shard `(id >> 22) % total`; a process
 * is told which shards it runs, and runs a shard's schedules only while it holds that shard's lease
 * in the shared store (store.ts: insert-if-absent, compare-and-set, delete-if-equal). Two instances
 * of one shard (a restart that overlapped, a second machine started by mistake) so never both run
 * its schedules; correctness still never rests on the lease alone (run claims, nonces).
 *
 * - A lease is `{holder, expiresAt}`, in wall-clock ms: each process judges expiry by its own clock,
 *   so clocks must agree to well within the TTL (NTP does). Taken at start, renewed every heartbeat
 *   (TTL 30 s, heartbeat 10 s), and given up on a clean stop, so a restart takes over at once; a
 *   holder that died is taken over once its lease runs out.
 * - A lease not held is tried again at every heartbeat. Refused: warned once per holder, not every
 *   beat. Gained later: `onGained`, which arms and catches up that shard's schedules.
 * - Lost, only when the store says another instance holds it, or when it ran out by our own clock
 *   without a renewal (a store that did not answer is logged and tried again next beat; the lease
 *   still counts until then): `onLost` stops that shard's tasks at once.
 * - A task that fires after this process stalled past the TTL asks `confirm` first, which renews
 *   the lease before saying yes: a process waking from a pause learns it lost the shard before it
 *   posts, not at its next heartbeat.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { describeError } from './index.js';
import type { Lease, Store } from './store.js';

/** The shards a process runs: ids among `total`. */
export interface ShardSet {
  ids: readonly number[];
  total: number;
}

export const LEASE_TTL_MS = 30_000;
export const HEARTBEAT_MS = 10_000;

/**
 * The shard of a guild, as Discord computes it. An id that is not a number (the console's guild,
 * never sent by Discord) is on shard 0.
 */
export function shardOf(guildId: string, total: number): number {
  if (total <= 1 || !/^\d+$/.test(guildId)) return 0;
  return Number((BigInt(guildId) >> 22n) % BigInt(total));
}

/** The lease's name in the store; the total is part of it, as a resharded bot's shards are others. */
export const leaseName = (shard: number, total: number): string => `shard:${total}:${shard}`;

/** Names this process in the log and in /status: the host and pid, and a random id (two in one process differ). */
export const holderName = (): string => `${hostname()} pid ${process.pid} #${randomBytes(3).toString('hex')}`;

export interface ShardLeaseOptions {
  store: Store;
  shards: ShardSet;
  /** Wall-clock ms. */
  now: () => number;
  holder?: string;
  ttlMs?: number;
  log?: Logger | undefined;
  /** A shard's lease was gained after start: its schedules run here from now on. */
  onGained(shard: number): void;
  /** A shard's lease was lost: stop its tasks now; how many were stopped. */
  onLost(shard: number): number;
}

export interface ShardLeases {
  readonly holder: string;
  /** Tries every shard's lease once, logging how each went. */
  start(): Promise<void>;
  /** One heartbeat (the caller runs one every HEARTBEAT_MS): renews the leases held, tries the others. */
  beat(): Promise<void>;
  /** Whether this instance holds the shard's lease, as of the last answer from the store. */
  holds(shard: number): boolean;
  /** Whether it holds it now: a lease that ran out by our clock is renewed first. */
  confirm(shard: number): Promise<boolean>;
  /** Another instance's lease on the shard, as last seen, while this one does not hold it. */
  heldBy(shard: number): Lease | undefined;
  /** Gives up every lease held; call after the heartbeats stopped. */
  stop(): Promise<void>;
}

interface ShardState {
  held: boolean;
  /** Our lease's end, while held. */
  expiresAt: number;
  /** The other holder's lease, while refused. */
  other?: Lease | undefined;
  /** The holder already warned about: one warning per holder, not one per heartbeat. */
  warned?: string | undefined;
}

export function createShardLeases(options: ShardLeaseOptions): ShardLeases {
  const { store, shards, now, log } = options;
  const holder = options.holder ?? holderName();
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const states = new Map<number, ShardState>(shards.ids.map((id) => [id, { held: false, expiresAt: 0 }]));
  const inFlight = new Map<number, Promise<void>>();
  let started = false;
  let stopped = false;
  const facts = (shard: number) => ({ shard, total: shards.total, holder });

  const lose = (shard: number, state: ShardState, why: string, other?: Lease): void => {
    state.held = false;
    state.other = other;
    state.warned = other?.holder;
    const stoppedTasks = options.onLost(shard);
    log?.warn(
      { ...facts(shard), ...(other ? { heldBy: other.holder } : {}), stoppedTasks },
      `lost the lease of shard ${shard}: ${why}; its schedules stopped here`,
    );
  };

  const attempt = async (shard: number, state: ShardState): Promise<void> => {
    const at = now();
    let lease: Lease;
    try {
      lease = await store.lease(leaseName(shard, shards.total), holder, { now: at, expiresAt: at + ttlMs });
    } catch (error) {
      if (state.held && now() >= state.expiresAt) {
        lose(shard, state, `it ran out at ${new Date(state.expiresAt).toISOString()} without a renewal`);
        return;
      }
      log?.warn(
        { ...facts(shard), reason: describeError(error) },
        state.held
          ? `could not renew the lease of shard ${shard}; trying again at the next heartbeat`
          : `could not take the lease of shard ${shard}; trying again at the next heartbeat`,
      );
      return;
    }
    if (lease.holder === holder) {
      const gained = !state.held;
      // Kept even while stopping: stop() gives up what is held once the attempts in flight are done.
      Object.assign(state, { held: true, expiresAt: lease.expiresAt, other: undefined, warned: undefined });
      if (!gained || stopped) return;
      if (!started) {
        log?.info(facts(shard), `took the lease of shard ${shard}; its schedules run here`);
        return;
      }
      log?.info(
        facts(shard),
        `gained the lease of shard ${shard} (its holder stopped or its lease ran out); its schedules run here from now on, missed ones caught up`,
      );
      options.onGained(shard);
      return;
    }
    const until = new Date(lease.expiresAt).toISOString();
    if (state.held) {
      lose(shard, state, `another instance (${lease.holder}) holds it until ${until}`, lease);
      return;
    }
    state.other = lease;
    if (state.warned === lease.holder) return;
    state.warned = lease.holder;
    log?.warn(
      { ...facts(shard), heldBy: lease.holder, until },
      `shard ${shard} is held by another instance (${lease.holder}) until ${until}; its schedules do not run here until then`,
    );
  };

  /** One attempt per shard at a time: a heartbeat and a task's `confirm` share it. */
  const beatShard = (shard: number): Promise<void> => {
    const state = states.get(shard);
    if (!state) return Promise.resolve();
    const running = inFlight.get(shard);
    if (running) return running;
    const next = attempt(shard, state).finally(() => inFlight.delete(shard));
    inFlight.set(shard, next);
    return next;
  };

  const beat = async (): Promise<void> => {
    await Promise.all(shards.ids.map(beatShard));
  };

  return {
    holder,
    async start() {
      stopped = false;
      await beat();
      started = true;
    },
    beat,
    holds: (shard) => states.get(shard)?.held === true,
    async confirm(shard) {
      const state = states.get(shard);
      if (!state?.held) return false;
      if (now() < state.expiresAt) return true;
      await beatShard(shard);
      return state.held;
    },
    heldBy: (shard) => {
      const state = states.get(shard);
      return state && !state.held ? state.other : undefined;
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight.values()]);
      for (const [shard, state] of states) {
        if (!state.held) continue;
        state.held = false;
        try {
          // Given up rather than left to run out: a restart, or the other instance, takes it at once.
          if (await store.leaseRelease(leaseName(shard, shards.total), holder)) {
            log?.info(facts(shard), `gave up the lease of shard ${shard}`);
          }
        } catch (error) {
          log?.warn(
            { ...facts(shard), reason: describeError(error) },
            `could not give up the lease of shard ${shard}; another instance can take it when it runs out`,
          );
        }
      }
    },
  };
}
