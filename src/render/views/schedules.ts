/**
 * How schedules read in /schedule and /status: one line of facts per schedule, failing ones first
 * with the reason and missing permission, in pages so that every schedule of a guild at the cap is
 * reachable; next runs as Discord timestamps (each reader sees their own zone).
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Library } from '../../briefings/index.js';
import { SNOWFLAKE } from '../../config.js';
import type { Schedule, ScheduleView, StatusProvider } from '../../digest/index.js';
import { escapeInline } from '../escape.js';
import { truncate } from '../limits.js';
import { clampPage, pack } from '../pagination.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../style.js';
import { discordTimestamp } from '../timestamps.js';

export const channelMention = (s: Pick<Schedule, 'channelId' | 'channelName'>): string =>
  SNOWFLAKE.test(s.channelId) ? `<#${s.channelId}>` : `#${escapeInline(s.channelName ?? s.channelId)}`;

/** Reasons come from Discord and the network: shown escaped and cut, never trusted as markdown. */
const REASON_MAX = 300;

export const whenText = (s: Schedule): string => `${escapeInline(s.when)} (${s.timezone})`;

export const nextRunsText = (runs: readonly Date[]): string =>
  runs.length ? runs.map((d) => `${discordTimestamp(d, 'F')} (${discordTimestamp(d, 'R')})`).join('\n') : '—';

export const themesText = (s: Schedule, library?: Library): string =>
  s.themes.length
    ? s.themes.map((id) => escapeInline(library?.theme(id)?.label ?? id)).join(', ')
    : 'all themes';

/** Who reads a schedule's reasons: a server's admin, or the operator in their own server. */
export interface Reader {
  operator?: boolean;
}

export const readerIn = (guildId: string | null, status?: Pick<StatusProvider, 'operator'>): Reader => ({
  operator: guildId !== null && status?.operator?.(guildId) === true,
});

/**
 * A failure reason as a server's admin may read it. A reason carries the raw error of the network
 * or of a REST proxy in parentheses ("Discord did not accept it (connect ECONNREFUSED
 * 10.0.0.7:443)"): the operator's hosts, the same for every server, and on a public bot every
 * server owner is an admin. That part stays in the log, where the run wrote it in full; Discord's
 * own codes ("(Discord 50013)") are the server's business and stay.
 */
export function publicReason(reason: string): string {
  const open = reason.search(/\((?!Discord \d+\))/);
  if (open < 0) return reason;
  const close = reason.lastIndexOf(')');
  const rest = close > open ? reason.slice(close + 1) : '';
  return `${reason.slice(0, open)}(details in the bot's log)${rest}`;
}

const reasonText = (reason: string, reader: Reader): string =>
  escapeInline(truncate(reader.operator ? reason : publicReason(reason), REASON_MAX));

export function healthText(s: Schedule, reader: Reader = {}): string | undefined {
  if (s.health.status !== 'failing') return undefined;
  const missing = s.health.missing?.length ? ` Missing: **${s.health.missing.join(', ')}**.` : '';
  const since = s.health.since ? ` Since ${discordTimestamp(new Date(s.health.since), 'R')}.` : '';
  return `⚠️ Failing: ${reasonText(s.health.reason ?? 'cannot post', reader)}.${missing}${since}`;
}

export const missedText = (s: Schedule): string | undefined =>
  s.missed
    ? `${s.missed.count} run${s.missed.count === 1 ? '' : 's'} missed while offline (latest ${discordTimestamp(new Date(s.missed.latest), 'f')})`
    : undefined;

/** How each digest is posted beyond the message: a forum post's tags, a discussion thread. */
export const postingText = (s: Schedule): string | undefined => {
  const parts: string[] = [];
  if (s.tags?.length) parts.push(`forum post tagged ${s.tags.map((t) => escapeInline(t.name)).join(', ')}`);
  if (s.thread) parts.push('with a discussion thread');
  if (s.mention) parts.push(`pings @${escapeInline(s.mention.name)} (🔔 Notify me to join)`);
  return parts.length ? parts.join(', ') : undefined;
};

const stateIcon = (s: Schedule): string => (s.paused ? '⏸️' : s.health.status === 'failing' ? '⚠️' : '🟢');

const SHORT_OUTCOME: Record<NonNullable<Schedule['lastRun']>['outcome'], string> = {
  sent: '✅ sent',
  empty: '⏭️ nothing to post',
  failed: '❌ failed',
  skipped: '⏭️ missed',
};

/**
 * One schedule in one line (what, where, when next, how it last went), then one indented line for
 * each thing the admin must know: why it is failing, runs missed while offline.
 */
export function scheduleLine(view: ScheduleView, library?: Library, reader: Reader = {}): string {
  const s = view.schedule;
  const next = s.paused
    ? 'paused'
    : view.nextRuns[0]
      ? `next ${discordTimestamp(view.nextRuns[0], 'R')}`
      : 'no next run';
  const last = s.lastRun
    ? `last ${SHORT_OUTCOME[s.lastRun.outcome]}${s.lastRun.late ? ' (late)' : ''}${s.lastRun.manual ? ' (by hand)' : ''} ${discordTimestamp(new Date(s.lastRun.at), 'R')}`
    : 'not run yet';
  const posting = postingText(s);
  const settings = `${s.format}, ${truncate(themesText(s, library), 80)}${s.skipIfEmpty ? '' : ', posts even when empty'}${posting ? `, ${truncate(posting, 80)}` : ''}`;
  const lines = [
    `${stateIcon(s)} **${s.id}** · ${whenText(s)} · ${channelMention(s)} · ${settings} · ${next} · ${last}`,
  ];
  const health = healthText(s, reader);
  if (health) lines.push(`└ ${health}`);
  else if (s.lastRun?.outcome === 'failed' && s.lastRun.reason) {
    lines.push(`└ ❌ ${reasonText(s.lastRun.reason, reader)}`);
  }
  const missed = missedText(s);
  if (missed) lines.push(`└ ⏭️ ${missed}`);
  return lines.join('\n');
}

/** Failing schedules first (they need the admin), then the rest in the order they were added. */
export const listOrder = (views: readonly ScheduleView[]): ScheduleView[] => [
  ...views.filter((v) => v.schedule.health.status === 'failing'),
  ...views.filter((v) => v.schedule.health.status !== 'failing'),
];

export interface SchedulePage {
  /** The lines of this page, joined. */
  text: string;
  page: number;
  pageCount: number;
  failing: number;
}

/**
 * One page of the schedule list. Pages are packed by size in a fixed order, so a page number in a
 * button finds the same page again; a page that no longer exists shows the last one.
 */
export function schedulePage(
  views: readonly ScheduleView[],
  page: number,
  options: { budget: number; library?: Library } & Reader,
): SchedulePage {
  const lines = listOrder(views).map((v) => scheduleLine(v, options.library, options));
  const pages = pack(lines, (line) => line.length + 1, { budget: options.budget, maxPerPage: 25 });
  const at = clampPage(page, pages.length);
  return {
    text: (pages[at] ?? []).join('\n'),
    page: at,
    pageCount: pages.length,
    failing: views.filter((v) => v.schedule.health.status === 'failing').length,
  };
}

/** A saved (added or edited) schedule, with its next runs and any DST notes. */
export function savedEmbed(
  title: string,
  view: ScheduleView,
  notes: readonly string[],
  library?: Library,
  reader: Reader = {},
): APIEmbed {
  const s = view.schedule;
  const fields: APIEmbedField[] = [
    { name: 'Channel', value: channelMention(s), inline: true },
    { name: 'When', value: whenText(s), inline: true },
    {
      name: 'Format',
      value: `${s.format}${s.skipIfEmpty ? ', skipped when empty' : ', posted even when empty'}`,
      inline: true,
    },
    { name: 'Themes', value: themesText(s, library) },
    ...(postingText(s) ? [{ name: 'Posting', value: truncate(postingText(s) ?? '', 1024) }] : []),
    {
      name: s.paused ? 'Next runs (paused)' : 'Next runs',
      value: s.paused ? 'none while paused' : nextRunsText(view.nextRuns),
    },
  ];
  if (notes.length) fields.push({ name: '⚠️ Daylight saving time', value: truncate(notes.join('\n'), 1024) });
  const health = healthText(s, reader);
  if (health) fields.push({ name: 'Channel health', value: health });
  return {
    title,
    color: notes.length || health ? ERROR_COLOUR : BRAND_COLOUR,
    fields,
    footer: { text: `Schedule ${s.id} · /schedule preview id:${s.id} shows the next digest` },
  };
}
