/**
 * Exactly-once delivery of one run, keyed by (guild, schedule, slot).
 *
 * The ledger entry is written `pending` before anything is sent, then `sent` with the message id,
 * or `failed` with the reason. The message carries a nonce derived from the run key, with
 * enforce_nonce, so Discord itself answers a second send of the same nonce with the first message
 * instead of posting again. How each crash point ends:
 *
 * - before the claim: nothing was sent and nothing recorded; the slot is still due.
 * - after the claim (pending, 0 attempts), before the send: nothing was sent; a resume sends it,
 *   even past the nonce window. The claim is insert-if-absent, so of two processes that reach a
 *   slot at once only one goes on; the other replays the claim.
 * - after pending, before or during the send: the entry is pending. Within Discord's nonce window
 *   (documented as "a few minutes"; we count 2) a resend with the same nonce is safe either way:
 *   Discord posts it once, or returns the message it already posted.
 * - after the send, before the `sent` write: the same as above; the resend is de-duplicated.
 * - a pending entry older than the window: the nonce no longer protects us, so the ledger decides.
 *   With a Poster that can `find`, we look in the channel for the digest's marker (its footer):
 *   found means sent, verified absent (the history since the run started read to its end) means
 *   send now. Without `find`, when the channel cannot be read, or when more history lies beyond
 *   the pages the Poster reads, the run is recorded failed as "outcome unknown" and not resent: a missing digest is
 *   visible in /status and can be re-run by hand; a duplicate cannot be taken back.
 *
 * - a forum post: Discord takes no nonce when a post is created, so nothing de-duplicates a resend.
 *   A pending forum run that may have been sent (attempts > 0) is always looked for first (its
 *   marker among the forum's active and recently archived posts), however recent; found means
 *   sent, verified absent means send now, anything else is "outcome unknown" as above.
 *
 * After the post, what follows it is done once and never reposts: an announcement is published
 * (crossposted; Discord refuses a second publish, which counts as done) and a thread is started
 * from the message (Discord gives a message one thread, and a second start counts as done). They
 * are written on the entry as `due` with the pending write before the send, and taken off only
 * when tried: a process that stops after the post, before or during them, leaves a sent (or, if
 * it stopped before that write, pending and then found) entry with them still due, and the next
 * run of that slot (the catch-up at start) does them from the recorded message. Each is tried a
 * few times; what still fails is recorded on the entry (`followUp`), which stays `sent`.
 *
 * A failure that may pass (network, 5xx, a channel lookup that timed out, a composer that threw)
 * leaves the entry as it was and throws TransientDeliveryError, so the caller retries with the same
 * nonce; on the caller's last attempt it is recorded `failed` with the reason instead, so a slot is
 * never left pending (or unrecorded) for good.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Reply } from '../render/index.js';
import {
  type ChannelCheck,
  type ChannelKind,
  DeliveryError,
  describeError,
  type LedgerEntry,
  type Poster,
} from './index.js';
import type { Store } from './store.js';

/** Discord's enforce_nonce window is "a few minutes"; stay well inside it. */
export const NONCE_WINDOW_MS = 2 * 60_000;

export const runKey = (guildId: string, scheduleId: string, slot: string): string =>
  `${guildId}:${scheduleId}:${slot}`;

/** 120 bits of the run key's SHA-256 in base 36: at most 24 characters (Discord allows 25). */
export function nonceFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return BigInt(`0x${digest.subarray(0, 15).toString('hex')}`).toString(36);
}

const ROLE_GONE =
  'the role this schedule pings was deleted: pick another with /schedule edit mention, or stop pinging with no_mention';

/** Tries of a step after the post (publish, thread) before it is recorded as failed. */
export const FOLLOW_UP_ATTEMPTS = 3;

/** A digest's discussion thread is archived after a day without messages unless said otherwise. */
export const THREAD_AUTO_ARCHIVE_MINUTES = 1440;

/** The marker a digest carries in its footer, so a later process can find it in the channel. */
export const markerFor = (nonce: string): string => `run ${nonce.slice(0, 10)}`;

/** Runs closer than this to their slot are on time, not late. */
export const ON_TIME_MS = 60_000;

export interface RunRequest {
  guildId: string;
  channelId: string;
  scheduleId: string;
  /** ISO instant of the slot, or `manual-<ISO>` for /schedule run-now. */
  slot: string;
  late?: boolean;
  manual?: boolean;
  /** Builds the message; null means skip (empty digest with skip-if-empty). */
  compose(marker: string): Reply | null;
  /** A forum post's title, and a thread's name. */
  title?: string;
  /** Forum tag ids each post carries. */
  tags?: string[];
  /** Start a discussion thread from the digest (text and announcement channels). */
  thread?: boolean;
  /** The role the digest pings: checked before the run, named alone in allowed_mentions. */
  mentionRoleId?: string;
  /**
   * Which attempt this is when the caller retries. On the last one (or without it: manual runs
   * answer an admin who is waiting) a transient failure is recorded `failed` instead of thrown.
   */
  attempt?: { number: number; of: number };
}

interface LedgerDeps {
  store: Store;
  poster: Poster;
  now: () => Date;
  log?: Logger | undefined;
}

export interface RunResult {
  entry: LedgerEntry;
  /** The reply that was sent (or attempted); undefined when nothing was composed. */
  reply?: Reply;
  /** Permissions found missing, for channel health. */
  missing?: string[];
  /** True when this call decided nothing new (already sent, failed or skipped before). */
  replayed: boolean;
  /** Failed on a last attempt for a reason that may pass: running it again may succeed. */
  transient?: boolean;
}

/** A failure that may pass (network, 5xx after the client's own retries): the entry stays pending. */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
}

/** Delivers one run at most once; see the module comment for every crash point. */
export async function deliverOnce(deps: LedgerDeps, request: RunRequest): Promise<RunResult> {
  const { store, poster, now, log } = deps;
  const key = runKey(request.guildId, request.scheduleId, request.slot);
  let existing = await store.ledgerGet(key);
  if (!existing) {
    // Claimed (insert-if-absent) before anything is checked or sent: of two processes that reach
    // the slot at once, one runs it and the other replays its claim, instead of both posting and
    // leaving the nonce to sort it out.
    const stamp = now().toISOString();
    const claim: LedgerEntry = {
      key,
      guildId: request.guildId,
      scheduleId: request.scheduleId,
      slot: request.slot,
      status: 'pending',
      nonce: nonceFor(key),
      attempts: 0,
      createdAt: stamp,
      updatedAt: stamp,
      channelId: request.channelId,
      ...(request.late ? { late: true } : {}),
      ...(request.manual ? { manual: true } : {}),
    };
    const theirs = await store.ledgerClaim(claim);
    if (theirs) return { entry: theirs, replayed: true };
    existing = claim;
  }
  const base: LedgerEntry = { ...existing };
  // Past the claim, the entry is this run's own: later writes replace it whole.
  const record = async (patch: Partial<LedgerEntry>): Promise<LedgerEntry> => {
    // A reason belongs to the outcome it explains: a retried failure's reason does not outlive it.
    const entry: LedgerEntry = { ...base, reason: undefined, ...patch, updatedAt: now().toISOString() };
    await store.ledgerSet(entry);
    Object.assign(base, patch);
    return entry;
  };
  /** Records the post as sent, then does what is due after it. */
  const sentThen = async (messageId: string): Promise<LedgerEntry> => {
    const sent = await record({ status: 'sent', messageId, reason: undefined });
    if (!sent.due?.length) return sent;
    return record(await followUps(poster, request, sent));
  };

  // Sent by a process that stopped before finishing what follows the post: finish it, post nothing.
  if (existing.status === 'sent' && existing.due?.length && existing.messageId) {
    log?.info({ key, due: existing.due }, 'finishing what was due after a posted digest');
    return { entry: await record(await followUps(poster, request, existing)), replayed: true };
  }
  // An admin repeating run-now after a failure means "try again"; everything else decided stays decided.
  const retryByHand = existing.status === 'failed' && request.manual === true;
  if (existing.status !== 'pending' && !retryByHand) return { entry: existing, replayed: true };

  const { nonce } = existing;
  const marker = markerFor(nonce);
  // A run that may have been sent stays in the channel it was sent to, though the schedule has
  // moved since: that is where the post is looked for, where a resend meets its nonce, and where
  // what follows the post is done.
  const channelId = existing.attempts > 0 && existing.channelId ? existing.channelId : request.channelId;

  // A claim never sent (attempts 0: the process stopped before the send) needs no search. A forum
  // post has no nonce, so there is no window in which a resend is safe.
  if (
    existing.status === 'pending' &&
    existing.attempts > 0 &&
    (existing.target === 'forum' || now().getTime() - Date.parse(existing.updatedAt) > NONCE_WINDOW_MS)
  ) {
    if (!poster.find) {
      const reason =
        existing.target === 'forum'
          ? `outcome unknown: a forum post pending since ${existing.updatedAt} cannot be looked for; not resent to avoid a duplicate`
          : `outcome unknown: pending since ${existing.updatedAt}, past Discord's nonce window; not resent to avoid a duplicate`;
      log?.warn({ key }, reason);
      return { entry: await record({ status: 'failed', reason }), replayed: false };
    }
    try {
      const since = new Date(Date.parse(existing.createdAt) - 60_000);
      const found = await poster.find(request.guildId, channelId, marker, since);
      if (found) {
        log?.info({ key, messageId: found }, 'pending run was already posted; recorded as sent');
        return { entry: await sentThen(found), replayed: false };
      }
    } catch (error) {
      const reason = `outcome unknown: could not check the channel for it (${describeError(error)}); not resent to avoid a duplicate`;
      return { entry: await record({ status: 'failed', reason }), replayed: false };
    }
  }

  /** Retried by the caller with the same nonce, or recorded failed when this is the last attempt. */
  const transient = async (what: string, error: unknown): Promise<RunResult> => {
    const cause = `${what} (${describeError(error)})`;
    const { attempt } = request;
    if (attempt && attempt.number < attempt.of) throw new TransientDeliveryError(cause);
    const reason = attempt && attempt.of > 1 ? `gave up after ${attempt.of} attempts: ${cause}` : cause;
    log?.warn({ key, reason }, 'digest run failed on its last attempt');
    return { entry: await record({ status: 'failed', reason }), replayed: false, transient: true };
  };

  let check: ChannelCheck;
  try {
    check = request.thread
      ? await poster.check(request.guildId, channelId, { thread: true })
      : await poster.check(request.guildId, channelId);
  } catch (error) {
    return transient('could not check the channel', error);
  }
  if (!check.ok) {
    const reason =
      check.reason === 'channel-gone'
        ? 'channel not found: it was deleted or the bot cannot see it'
        : `missing permission: ${check.missing.join(', ')}`;
    const missing = check.reason === 'missing-permissions' ? check.missing : [];
    return { entry: await record({ status: 'failed', reason }), missing, replayed: false };
  }
  const kind: ChannelKind = check.kind ?? 'text';
  const forum = kind === 'forum';
  const tags = request.tags ?? [];
  if (forum && check.forum) {
    const known = new Set(check.forum.tags.map((t) => t.id));
    const gone = tags.filter((t) => !known.has(t));
    if (gone.length || (check.forum.requireTag && tags.length === 0)) {
      const reason = gone.length
        ? 'a tag of this schedule was deleted from the forum: pick the tags again with /schedule edit tags'
        : 'the forum requires a tag: pick one with /schedule edit tags';
      return { entry: await record({ status: 'failed', reason }), missing: [], replayed: false };
    }
  }

  // A deleted role fails the run (the admin picks another); one the bot can no longer hand out
  // still gets its ping, and the Notify me button says so to whoever presses it.
  if (request.mentionRoleId && poster.roleCheck) {
    let role: Awaited<ReturnType<NonNullable<Poster['roleCheck']>>>;
    try {
      role = await poster.roleCheck(request.guildId, request.mentionRoleId, channelId);
    } catch (error) {
      return transient('could not check the role to ping', error);
    }
    if (!role.ok && role.reason === 'role-gone') {
      const reason = ROLE_GONE;
      return { entry: await record({ status: 'failed', reason }), missing: [], replayed: false };
    }
  }

  let reply: Reply | null;
  try {
    reply = request.compose(marker);
  } catch (error) {
    return transient('could not compose the digest', error);
  }
  if (!reply) return { entry: await record({ status: 'empty' }), replayed: false };

  // Written before sending: a crash from here on leaves a pending entry, never an unrecorded post,
  // and what follows the post is on it, to be finished by whoever finds the post.
  const due: NonNullable<LedgerEntry['due']> = [];
  if (kind === 'announcement' && poster.publish) due.push('publish');
  if (request.thread && (kind === 'text' || kind === 'announcement') && poster.startThread)
    due.push('thread');
  await record({
    status: 'pending',
    attempts: base.attempts + 1,
    channelId,
    due: due.length ? due : undefined,
    ...(forum ? { target: 'forum' as const } : {}),
  });
  let messageId: string;
  try {
    const mention = request.mentionRoleId ? { mentionRoleId: request.mentionRoleId } : {};
    messageId = forum
      ? await poster.send(request.guildId, channelId, reply, nonce, {
          forum: { title: request.title ?? 'Looking ahead', tags },
          ...mention,
        })
      : request.mentionRoleId
        ? await poster.send(request.guildId, channelId, reply, nonce, mention)
        : await poster.send(request.guildId, channelId, reply, nonce);
  } catch (error) {
    if (error instanceof DeliveryError) {
      const reason =
        error.code === 10003
          ? 'channel not found: it was deleted or the bot cannot see it'
          : error.code === 40067
            ? 'the forum requires a tag: pick one with /schedule edit tags'
            : error.code === 10011
              ? ROLE_GONE
              : error.missing.length
                ? `missing permission: ${error.missing.join(', ')}`
                : `${error.code === 50001 ? 'missing access' : 'missing permissions'} (Discord ${error.code})`;
      return {
        entry: await record({ status: 'failed', reason }),
        reply,
        missing: error.missing,
        replayed: false,
      };
    }
    const result = await transient('Discord did not accept it', error);
    return { ...result, reply };
  }
  return { entry: await sentThen(messageId), reply, replayed: false };
}

/** Runs `step` up to FOLLOW_UP_ATTEMPTS times; Discord's refusals (DeliveryError) are not retried. */
async function retried<T>(step: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < FOLLOW_UP_ATTEMPTS; i++) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      last = error;
    }
  }
  throw last;
}

/**
 * Does what is due after a posted digest (publish, thread) in the channel it was posted to; the
 * patch takes them off `due` and says what failed. A step Discord already took counts as done.
 */
async function followUps(
  poster: Poster,
  request: RunRequest,
  entry: LedgerEntry,
): Promise<Partial<LedgerEntry>> {
  const patch: Partial<LedgerEntry> = { due: undefined };
  const failed: string[] = [];
  const channelId = entry.channelId ?? request.channelId;
  const messageId = entry.messageId as string;
  const due = entry.due ?? [];
  if (due.includes('publish') && poster.publish) {
    const publish = poster.publish.bind(poster);
    try {
      await retried(() => publish(request.guildId, channelId, messageId));
      patch.published = true;
    } catch (error) {
      patch.published = false;
      failed.push(`posted, but not published to following servers (${describeError(error)})`);
    }
  }
  if (due.includes('thread') && poster.startThread) {
    const start = poster.startThread.bind(poster);
    try {
      patch.threadId = await retried(() =>
        start(request.guildId, channelId, messageId, {
          name: request.title ?? 'Looking ahead',
          autoArchiveMinutes: THREAD_AUTO_ARCHIVE_MINUTES,
        }),
      );
    } catch (error) {
      failed.push(`posted, but its thread could not be started (${describeError(error)})`);
    }
  }
  if (failed.length) patch.followUp = failed.join('; ');
  return patch;
}
