/**
 * Alerts: the server's alert channel (/schedule alerts) is told once when a schedule starts failing
 * (a missing permission, a deleted channel or role, Discord failing on every retry), naming the
 * schedule, its channel and the fix, and once when it recovers.
 *
 * At most one alert per schedule per change of state, across processes: the state last announced
 * (`alerted`) is written in the same compare-and-set write of the guild record as the run's outcome
 * (run.ts), so of two processes recording the same change only the one whose write lands posts.
 * The alert itself carries a nonce of the schedule, the state and the instant it began, so a retry
 * of its send is not posted twice either. An alert that cannot be posted is logged, not retried:
 * the schedule's health in /schedule list and /status still says it all.
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

/**
 * The schedule with its announced state brought up to date, and the change to announce; undefined
 * when there is nothing to announce (no alert channel, or no change since the last alert).
 */
export function alertTransition(
  s: Schedule,
): { schedule: Schedule; transition: AlertTransition } | undefined {
  if (!s.alerts) return undefined;
  const to: AlertState = s.health.status;
  if (to === (s.alerted ?? 'ok')) return undefined;
  const schedule = { ...s, alerted: to };
  return { schedule, transition: { to, schedule } };
}

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

/** The alert's nonce: one per schedule, state and instant the state began. */
export const alertNonce = (guildId: string, transition: AlertTransition): string =>
  nonceFor(
    `alert:${guildId}:${transition.schedule.id}:${transition.to}:${transition.schedule.health.since ?? transition.schedule.lastRun?.at ?? ''}`,
  );
