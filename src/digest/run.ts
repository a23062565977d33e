/**
 * One run of one schedule, end to end: compose the digest, deliver it at most once through the
 * ledger, and record the outcome on the schedule (last run, channel health, what was seen).
 * Used by the scheduler (on time and catch-up) and by /schedule run-now.
 */
import type { Library } from '../briefings/index.js';
import type { Logger } from '../log.js';
import { type AlertTransition, alertNonce, alertReply, alertTransition, awaits } from './alerts.js';
import { composeDigest, type Digest, postTitle } from './compose.js';
import {
  DeliveryError,
  type Health,
  type LastRun,
  type Poster,
  type RunOutcome,
  type Schedule,
} from './index.js';
import {
  deliverOnce,
  markerFor,
  ON_TIME_MS,
  type RunResult,
  runKey,
  TransientDeliveryError,
} from './ledger.js';
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

interface RunOptions {
  late?: boolean;
  manual?: boolean;
  /** Compose against this snapshot instead of the current one (run-now from a command). */
  library?: Library;
  /**
   * Which attempt this is, for callers that retry a transient failure. Without it the run is its
   * own last attempt: a failure is recorded, never left pending.
   */
  attempt?: { number: number; of: number };
}

/** Runs the schedule for the slot, or by hand when `slot` is 'manual'. */
export type SlotRunner = (
  guildId: string,
  scheduleId: string,
  slot: Date | 'manual',
  options?: RunOptions,
) => Promise<RunOutcome>;

/** A second run-now this soon after the first is the same run (a double click), not a new post. */
const MANUAL_REPEAT_MS = 60_000;

const minuteOf = (ms: number): string => new Date(ms - (ms % 60_000)).toISOString();

function healthAfter(result: RunResult, previous: Health, at: string): Health {
  const since = previous.status === 'failing' && previous.since ? previous.since : at;
  if (result.missing !== undefined) {
    return {
      status: 'failing',
      reason: result.entry.reason ?? 'cannot post in the channel',
      missing: result.missing,
      since,
    };
  }
  // Posted, but not published or without its thread: the admin has something to fix.
  if (result.entry.status === 'sent' && result.entry.followUp) {
    return { status: 'failing', reason: result.entry.followUp, since };
  }
  if (result.entry.status === 'sent' || result.entry.status === 'empty') return { status: 'ok' };
  if (result.entry.status === 'failed') {
    return { status: 'failing', reason: result.entry.reason ?? 'the digest could not be posted', since };
  }
  return previous;
}

/**
 * A slot runner with its own record of runs in flight: a second caller of the same run waits for the
 * first. Each app makes its own, so two apps in one process (tests, benchmarks) never share it.
 *
 * A transient failure that is not the last attempt is recorded on the schedule and rethrown as
 * TransientDeliveryError so the caller can retry with the same nonce; on the last attempt it is
 * recorded failed, with the reason, and the schedule is marked failing until a run succeeds.
 */
export function createSlotRunner(deps: RunDeps): SlotRunner {
  const inFlight = new Map<string, Promise<RunOutcome>>();
  const flightKey = (guildId: string, scheduleId: string, slotKey: string) =>
    runKey(guildId, scheduleId, slotKey);

  /**
   * Manual runs are keyed by minute, and a run-now within a minute of the previous one reuses its
   * key (even across a minute boundary), so a double click posts once.
   */
  const manualKey = async (guildId: string, scheduleId: string): Promise<string> => {
    const nowMs = deps.now().getTime();
    const previous = `manual-${minuteOf(nowMs - MANUAL_REPEAT_MS)}`;
    if (inFlight.has(flightKey(guildId, scheduleId, previous))) return previous;
    const earlier = await deps.store.ledgerGet(runKey(guildId, scheduleId, previous));
    if (earlier && nowMs - Date.parse(earlier.createdAt) < MANUAL_REPEAT_MS) return previous;
    return `manual-${minuteOf(nowMs)}`;
  };

  return async (guildId, scheduleId, slot, options = {}) => {
    const slotKey = slot === 'manual' ? await manualKey(guildId, scheduleId) : slot.toISOString();
    const key = flightKey(guildId, scheduleId, slotKey);
    const running = inFlight.get(key);
    if (running) return running.then((outcome) => ({ ...outcome, replayed: true }));
    const run = runOnce(deps, guildId, scheduleId, slot, slotKey, options).finally(() =>
      inFlight.delete(key),
    );
    inFlight.set(key, run);
    return run;
  };
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
  const attempt = options.manual ? undefined : options.attempt;
  const tags = {
    ...(options.late ? { late: true } : {}),
    ...(options.manual ? { manual: true } : {}),
  };
  let result: RunResult;
  try {
    result = await deliverOnce(
      { store: deps.store, poster: deps.poster, now: deps.now, log: deps.log },
      {
        guildId,
        channelId: schedule.channelId,
        scheduleId,
        slot: slotKey,
        ...tags,
        ...(attempt ? { attempt } : {}),
        title: postTitle(slotDate, schedule.timezone),
        ...(schedule.tags?.length ? { tags: schedule.tags.map((t) => t.id) } : {}),
        ...(schedule.thread ? { thread: true } : {}),
        ...(schedule.mention ? { mentionRoleId: schedule.mention.roleId } : {}),
        compose: (marker) => {
          digest = composeDigest({
            library,
            schedule,
            slot: slotDate,
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
    if (error instanceof TransientDeliveryError && attempt) {
      deps.log?.warn(
        { guildId, scheduleId, slot: slotKey, err: error, attempt: attempt.number, of: attempt.of },
        'digest delivery failed; will retry',
      );
      const transition = await record(deps, schedule, {
        slot: slotKey,
        outcome: 'failed',
        at: deps.now().toISOString(),
        reason: `${error.message}; attempt ${attempt.number} of ${attempt.of}, retrying with the same nonce`,
        retrying: true,
        ...tags,
      });
      if (transition) await postAlert(deps, guildId, transition);
    }
    throw error;
  }
  const { entry } = result;
  const outcome: RunOutcome = {
    status: entry.status,
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(result.replayed ? { replayed: true } : {}),
    ...(result.transient ? { retryable: true } : {}),
  };
  if (entry.status === 'pending') return outcome;
  // A replayed outcome is recorded only if the schedule has nothing as recent: the process that
  // decided it stopped before writing it there (the ledger is written first).
  const unrecorded = (s: Schedule): boolean =>
    slot !== 'manual' &&
    (!s.lastRun ||
      s.lastRun.manual === true ||
      Date.parse(s.lastRun.slot) < slot.getTime() ||
      (s.lastRun.retrying === true && s.lastRun.slot === slotKey));
  if (result.replayed && !unrecorded(schedule)) return outcome;

  const at = deps.now().toISOString();
  // Late is what the digest that stands says: a resend answered by the nonce with the message posted
  // on time before a crash is not late, however long after the slot it was confirmed.
  const postedAt = entry.messageId ? deps.poster.postedAt?.(entry.messageId) : undefined;
  const late =
    slot !== 'manual' && postedAt ? postedAt.getTime() - slot.getTime() > ON_TIME_MS : tags.late === true;
  const lastRun: LastRun = {
    slot: slotKey,
    outcome: entry.status === 'sent' ? 'sent' : entry.status === 'empty' ? 'empty' : 'failed',
    at,
    ...(late ? { late: true } : {}),
    ...(options.manual ? { manual: true } : {}),
    ...(entry.messageId ? { messageId: entry.messageId } : {}),
    ...(entry.reason ? { reason: entry.reason } : {}),
  };
  // A replayed run composed nothing here: what it showed is composed again, for the next digest's
  // "new" marks (from the snapshot current now, the closest there is to the one it was sent from).
  const shown =
    digest ??
    (entry.status === 'sent'
      ? composeDigest({
          library,
          schedule,
          slot: slotDate,
          late,
          manual: options.manual === true,
          marker: markerFor(entry.nonce),
          ...(deps.locale ? { locale: deps.locale } : {}),
        })
      : undefined);
  const seen = entry.status === 'sent' && shown ? { at, ...shown.seen } : undefined;
  const transition = await record(
    deps,
    schedule,
    lastRun,
    (s) => ({ ...s, health: healthAfter(result, s.health, at), ...(seen ? { seen } : {}) }),
    // Checked again on the record as it is now: the deciding process may have written it meanwhile.
    result.replayed ? unrecorded : undefined,
  );
  if (transition) await postAlert(deps, guildId, transition);
  const level = entry.status === 'failed' ? 'warn' : 'info';
  deps.log?.[level](
    { guildId, scheduleId, slot: slotKey, status: entry.status, reason: entry.reason },
    'digest run',
  );
  return outcome;
}

/**
 * Records the run on the schedule, and with it (same compare-and-set write) the state an alert
 * announces: the change to announce when this write made it, else undefined (see alerts.ts).
 */
async function record(
  deps: RunDeps,
  schedule: Schedule,
  lastRun: LastRun,
  also: (s: Schedule) => Schedule = (s) => s,
  /** When given, only a schedule it holds true of is written. */
  only?: (s: Schedule) => boolean,
): Promise<AlertTransition | undefined> {
  return deps.store.updateGuild(schedule.guildId, (schedules) => {
    let transition: AlertTransition | undefined;
    const next = schedules.map((s) => {
      if (s.id !== schedule.id) return s;
      if (only && !only(s)) return s;
      const updated = also({ ...s, lastRun });
      const decided = alertTransition(updated, lastRun.at);
      if (!decided) return updated;
      transition = decided.transition;
      return decided.schedule;
    });
    return { schedules: next, result: transition };
  });
}

/**
 * Posts an alert, then takes its claim off the schedule; a failure is logged and leaves the claim,
 * so the next run recorded while the state holds tries again (see alerts.ts).
 */
async function postAlert(deps: RunDeps, guildId: string, transition: AlertTransition): Promise<void> {
  const channelId = transition.schedule.alerts?.channelId;
  if (!channelId) return;
  const about = { guildId, scheduleId: transition.schedule.id, state: transition.to };
  try {
    await deps.poster.send(guildId, channelId, alertReply(transition), alertNonce(guildId, transition));
    deps.log?.info(about, 'alert posted');
  } catch (error) {
    if (!(error instanceof DeliveryError)) {
      deps.log?.warn({ err: error, ...about }, 'could not post an alert; the next run tries again');
      return;
    }
    // Refused (the channel deleted, a permission missing): trying at every run would only collect
    // Discord's refusals. The claim comes off; the log says why.
    deps.log?.warn({ err: error, ...about, channelId }, 'the alert channel refused the alert; not retried');
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.updateGuild(guildId, (schedules) => ({
        schedules: schedules.map((s) => {
          if (s.id !== transition.schedule.id || !awaits(s, transition)) return s;
          const { alertPending: _, ...posted } = s;
          return posted;
        }),
        result: undefined,
      }));
      return;
    } catch (error) {
      if (attempt < CLEAR_ATTEMPTS) continue;
      // Left claimed: a later run posts it again (with the same nonce, which Discord honours for
      // a few minutes only).
      deps.log?.warn({ err: error, ...about }, 'alert posted, but could not record it');
      return;
    }
  }
}

/** Tries of taking an alert's claim off once it is posted (see postAlert). */
const CLEAR_ATTEMPTS = 3;
