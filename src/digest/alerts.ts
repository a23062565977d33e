/**
 * Alerts: the server's alert channel (/schedule alerts) is told once when a schedule starts failing
 * (a missing permission, a deleted channel or role, Discord failing on every retry), naming the
 * schedule, its channel and the fix, and once when it recovers.
 *
 * At most one alert per schedule per change of state, across processes: the state last announced
 * (`alerted`) is written in the same compare-and-set write of the guild record as the run's outcome
 * (run.ts), so of two processes recording the same change only the one whose write lands posts.
 * The claim also writes `alertPending` (the instant of the claim), which the poster takes off once
 * the alert is posted. An alert that could not be posted (a failed send, or a process that stopped
 * before it) is tried again by the next run recorded while the state still holds, once the claim
 * is older than ALERT_RETRY_AFTER_MS (younger, its poster may still be sending it); if the state
 * changed again meanwhile, the new one is announced (the last may have been posted after all). An
 * alert channel that refuses the bot (deleted, a permission missing) takes the claim off: no retry
 * storm, the warning is in the log. The alert carries a nonce of the schedule, the state and the
 * claim's instant, so a retry of a send that did land within Discord's nonce window is not posted
 * twice.
 */

import { escapeInline } from '../render/escape.js';
import type { Reply } from '../render/index.js';
import { fitReply, truncate } from '../render/limits.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../render/style.js';
import type { Schedule } from './index.js';
import { nonceFor } from './ledger.js';

export type AlertState = 'ok' | 'failing';

/** A change of state to announce: the schedule as recorded after it. */
export interface AlertTransition {
  to: AlertState;
  schedule: Schedule;
}

/** An alert claimed this long ago and still not posted is tried again by the next recorded run. */
export const ALERT_RETRY_AFTER_MS = 60_000;

/**
 * The schedule with its announced state brought up to date (at `at`), and the change to announce
 * (a new one, or one claimed earlier and never posted); undefined when nothing is to be written.
 */
export function alertTransition(
  s: Schedule,
  at: string,
): { schedule: Schedule; transition?: AlertTransition } | undefined {
  if (!s.alerts) return undefined;
  const to: AlertState = s.health.status;
  const claimed: AlertState = s.alerted ?? 'ok';
  if (s.alertPending) {
    // Younger, its poster may still be sending it: nothing to decide yet.
    if (Date.parse(at) - Date.parse(s.alertPending) <= ALERT_RETRY_AFTER_MS) return undefined;
    // Not known to be posted, and the state still holds: try it again.
    if (to === claimed) return { schedule: s, transition: { to, schedule: s } };
    // The state has changed again. The alert for the last one may have been posted (a process that
    // stopped before taking its claim off), so the new state is announced rather than left unsaid.
  } else if (to === claimed) {
    return undefined;
  }
  const schedule = { ...s, alerted: to, alertPending: at };
  return { schedule, transition: { to, schedule } };
}

/** Whether the schedule's record still waits for this alert to be posted. */
export const awaits = (s: Schedule, transition: AlertTransition): boolean =>
  s.alerted === transition.to && s.alertPending === transition.schedule.alertPending;

const channelOf = (s: Schedule): string => `<#${s.channelId}>`;

/** What the admin can do about a failure, from its reason. */
export function fixFor(s: Schedule): string {
  const reason = s.health.reason ?? '';
  const missing = s.health.missing ?? [];
  if (missing.length) {
    return `Grant the bot ${missing.join(', ')} in ${channelOf(s)} (channel settings → Permissions).`;
  }
  if (/channel not found/.test(reason)) {
    return `Pick a channel that exists: \`/schedule edit id:${s.id} channel:#…\`.`;
  }
  if (/role .*deleted/.test(reason)) {
    return `Pick another role with \`/schedule edit id:${s.id} mention:@…\`, or stop the ping with \`no_mention:true\`.`;
  }
  if (/tag/.test(reason)) return `Pick the forum's tags again with \`/schedule edit id:${s.id} tags:…\`.`;
  if (/not published/.test(reason)) {
    return `Check the bot may Send Messages in ${channelOf(s)}; the digest was posted, only not published.`;
  }
  if (/thread/.test(reason)) return `Grant the bot Create Public Threads in ${channelOf(s)}.`;
  return `Discord or the network failed on every retry; the next run tries again. \`/schedule run-now id:${s.id}\` retries now.`;
}

/** The alert for a change of state, inside Discord's limits. Mentions nobody: a channel reference pings no one. */
export const alertReply = (transition: AlertTransition): Reply => fitReply(alertBody(transition));

function alertBody(transition: AlertTransition): Reply {
  const s = transition.schedule;
  const name = `Schedule ${s.id} (${escapeInline(s.when)}, ${escapeInline(s.timezone)})`;
  if (transition.to === 'failing') {
    const reason = escapeInline(truncate(s.health.reason ?? 'the digest could not be posted', 300));
    return {
      embeds: [
        {
          title: `⚠️ ${name} is failing`,
          color: ERROR_COLOUR,
          description: `Its digests cannot be posted in ${channelOf(s)}: ${reason}.\n\n**Fix:** ${fixFor(s)}`,
          footer: { text: `One alert until it recovers · /schedule list shows every schedule` },
        },
      ],
    };
  }
  return {
    embeds: [
      {
        title: `✅ ${name} has recovered`,
        color: BRAND_COLOUR,
        description: `Its digests are posted in ${channelOf(s)} again.`,
      },
    ],
  };
}

/** The alert's nonce: one per schedule, state and claim. */
export const alertNonce = (guildId: string, transition: AlertTransition): string =>
  nonceFor(
    `alert:${guildId}:${transition.schedule.id}:${transition.to}:${transition.schedule.alertPending ?? ''}`,
  );
