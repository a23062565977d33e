/**
 * One run of one schedule, end to end: compose the digest, deliver it at most once through the
 * ledger, and record the outcome on the schedule (last run, channel health, what was seen).
 * Used by the scheduler (on time and catch-up) and by /schedule run-now.
 */
import type { Library } from '../briefings/index.js';
import type { Logger } from '../log.js';
import { composeDigest, type Digest } from './compose.js';
import type { Health, LastRun, Poster, RunOutcome, Schedule } from './index.js';
import { deliverOnce, type RunResult, TransientDeliveryError } from './ledger.js';
import type { Store } from './store.js';

export interface RunDeps {
  store: Store;
  poster: Poster;
  now: () => Date;
  /** The snapshot current at run time (hot reload swaps it). */
  library: () => Library;
  log?: Logger | undefined;
  locale?: string;
}

export interface RunOptions {
  late?: boolean;
  manual?: boolean;
  /** Compose against this snapshot instead of the current one (run-now from a command). */
  library?: Library;
}

/** Runs of the same key in flight in this process: a second caller waits for the first. */
const inFlight = new Map<string, Promise<RunOutcome>>();

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function healthAfter(result: RunResult, previous: Health, at: string): Health {
  if (result.missing !== undefined) {
    return {
      status: 'failing',
      reason: result.entry.reason ?? 'cannot post in the channel',
      missing: result.missing,
      since: previous.status === 'failing' && previous.since ? previous.since : at,
    };
  }
  if (result.entry.status === 'sent' || result.entry.status === 'empty') return { status: 'ok' };
  return previous;
}

/**
 * Runs the schedule for the slot (or by hand when `slot` is 'manual'). Returns the outcome; a
 * transient failure is recorded and rethrown as TransientDeliveryError so the caller can retry
 * with the same nonce.
 */
export async function executeRun(
  deps: RunDeps,
  guildId: string,
  scheduleId: string,
  slot: Date | 'manual',
  options: RunOptions = {},
): Promise<RunOutcome> {
  const slotKey = slot === 'manual' ? `manual-${deps.now().toISOString()}` : slot.toISOString();
  const flightKey = `${guildId}:${scheduleId}:${slotKey}`;
  const running = inFlight.get(flightKey);
  if (running) return running;
  const run = runOnce(deps, guildId, scheduleId, slot, slotKey, options).finally(() =>
    inFlight.delete(flightKey),
  );
  inFlight.set(flightKey, run);
  return run;
}

async function runOnce(
  deps: RunDeps,
  guildId: string,
  scheduleId: string,
  slot: Date | 'manual',
  slotKey: string,
  options: RunOptions,
): Promise<RunOutcome> {
  const schedule = (await deps.store.readGuild(guildId)).find((s) => s.id === scheduleId);
  if (!schedule) return { status: 'skipped', reason: 'the schedule no longer exists' };
  if (schedule.paused && !options.manual) return { status: 'skipped', reason: 'the schedule is paused' };

  const library = options.library ?? deps.library();
  let digest: Digest | undefined;
  const slotDate = slot === 'manual' ? deps.now() : slot;
  let result: RunResult;
  try {
    result = await deliverOnce(
      { store: deps.store, poster: deps.poster, now: deps.now, log: deps.log },
      {
        guildId,
        channelId: schedule.channelId,
        scheduleId,
        slot: slotKey,
        ...(options.late ? { late: true } : {}),
        ...(options.manual ? { manual: true } : {}),
        compose: (marker) => {
          digest = composeDigest({
            library,
            schedule,
            slot: slotDate,
            now: deps.now(),
            late: options.late === true,
            manual: options.manual === true,
            marker,
            ...(deps.locale ? { locale: deps.locale } : {}),
          });
          return digest.reply;
        },
      },
    );
  } catch (error) {
    if (error instanceof TransientDeliveryError) {
      deps.log?.warn(
        { guildId, scheduleId, slot: slotKey, err: error },
        'digest delivery failed; will retry',
      );
      await record(deps, schedule, {
        slot: slotKey,
        outcome: 'failed',
        at: deps.now().toISOString(),
        reason: `Discord did not accept it (${describe(error)}); retrying with the same nonce`,
        ...(options.late ? { late: true } : {}),
        ...(options.manual ? { manual: true } : {}),
      });
    }
    throw error;
  }
  const { entry } = result;
  const outcome: RunOutcome = {
    status: entry.status,
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
  if (result.replayed || entry.status === 'pending') return outcome;

  const at = deps.now().toISOString();
  const lastRun: LastRun = {
    slot: slotKey,
    outcome: entry.status === 'sent' ? 'sent' : entry.status === 'empty' ? 'empty' : 'failed',
    at,
    ...(options.late ? { late: true } : {}),
    ...(options.manual ? { manual: true } : {}),
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
  const seen = entry.status === 'sent' && digest ? { at, ...digest.seen } : undefined;
  await record(deps, schedule, lastRun, (s) => ({
    ...s,
    health: healthAfter(result, s.health, at),
    ...(seen ? { seen } : {}),
  }));
  const level = entry.status === 'failed' ? 'warn' : 'info';
  deps.log?.[level](
    { guildId, scheduleId, slot: slotKey, status: entry.status, reason: entry.reason },
    'digest run',
  );
  return outcome;
}

async function record(
  deps: RunDeps,
  schedule: Schedule,
  lastRun: LastRun,
  also: (s: Schedule) => Schedule = (s) => s,
): Promise<void> {
  await deps.store.updateGuild(schedule.guildId, (schedules) => ({
    schedules: schedules.map((s) => (s.id === schedule.id ? also({ ...s, lastRun }) : s)),
    result: undefined,
  }));
}
