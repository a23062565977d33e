/**
 * How schedules read in /schedule and /status: one line of facts per schedule, next runs as
 * Discord timestamps (each reader sees their own zone), failing channels called out with the
 * reason and missing permission.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Library } from '../briefings/index.js';
import { escapeInline } from '../render/escape.js';
import { truncate } from '../render/limits.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../render/style.js';
import { discordTimestamp } from '../render/timestamps.js';
import { type Schedule, type ScheduleView, SNOWFLAKE } from './index.js';

export const channelMention = (s: Pick<Schedule, 'channelId' | 'channelName'>): string =>
  SNOWFLAKE.test(s.channelId) ? `<#${s.channelId}>` : `#${escapeInline(s.channelName ?? s.channelId)}`;

export const whenText = (s: Schedule): string => `${escapeInline(s.when)} (${s.timezone})`;

export const nextRunsText = (runs: readonly Date[]): string =>
  runs.length ? runs.map((d) => `${discordTimestamp(d, 'F')} (${discordTimestamp(d, 'R')})`).join('\n') : '—';

export const themesText = (s: Schedule, library?: Library): string =>
  s.themes.length
    ? s.themes.map((id) => escapeInline(library?.theme(id)?.label ?? id)).join(', ')
    : 'all themes';

export function lastRunText(s: Schedule): string {
  const run = s.lastRun;
  if (!run) return 'not run yet';
  const at = discordTimestamp(new Date(run.at), 'R');
  const tags = [run.late ? 'late' : '', run.manual ? 'by hand' : ''].filter(Boolean).join(', ');
  const label = {
    sent: '✅ sent',
    empty: '⏭️ nothing to post (skipped)',
    failed: '❌ failed',
    skipped: '⏭️ missed while offline',
  }[run.outcome];
  const reason = run.reason && run.outcome !== 'sent' ? ` — ${truncate(escapeInline(run.reason), 200)}` : '';
  return `${label}${tags ? ` (${tags})` : ''} ${at}${reason}`;
}

export function healthText(s: Schedule): string | undefined {
  if (s.health.status !== 'failing') return undefined;
  const missing = s.health.missing?.length ? ` Missing: **${s.health.missing.join(', ')}**.` : '';
  const since = s.health.since ? ` Since ${discordTimestamp(new Date(s.health.since), 'R')}.` : '';
  return `⚠️ Failing: ${escapeInline(s.health.reason ?? 'cannot post')}.${missing}${since}`;
}

export const missedText = (s: Schedule): string | undefined =>
  s.missed
    ? `${s.missed.count} run${s.missed.count === 1 ? '' : 's'} missed while offline (latest ${discordTimestamp(new Date(s.missed.latest), 'f')})`
    : undefined;

const stateIcon = (s: Schedule): string => (s.paused ? '⏸️' : s.health.status === 'failing' ? '⚠️' : '🟢');

/** One field per schedule: what, where, when next, how it last went. */
export function scheduleField(view: ScheduleView, library?: Library): APIEmbedField {
  const s = view.schedule;
  const next = s.paused
    ? 'paused'
    : view.nextRuns[0]
      ? `${discordTimestamp(view.nextRuns[0], 'F')} (${discordTimestamp(view.nextRuns[0], 'R')})`
      : '—';
  const lines = [
    `${channelMention(s)} · ${themesText(s, library)} · ${s.format}${s.skipIfEmpty ? '' : ' · posts even when empty'}`,
    `Next: ${next}`,
    `Last: ${lastRunText(s)}`,
    healthText(s),
    missedText(s) ? `⏭️ ${missedText(s)}` : undefined,
  ].filter(Boolean);
  return {
    name: truncate(`${stateIcon(s)} ${s.id} · ${s.when} (${s.timezone})`, 256),
    value: truncate(lines.join('\n'), 1024),
  };
}

/** A saved (added or edited) schedule, with its next runs and any DST notes. */
export function savedEmbed(
  title: string,
  view: ScheduleView,
  notes: readonly string[],
  library?: Library,
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
    {
      name: s.paused ? 'Next runs (paused)' : 'Next runs',
      value: s.paused ? 'none while paused' : nextRunsText(view.nextRuns),
    },
  ];
  if (notes.length) fields.push({ name: '⚠️ Daylight saving time', value: truncate(notes.join('\n'), 1024) });
  const health = healthText(s);
  if (health) fields.push({ name: 'Channel health', value: health });
  return {
    title,
    color: notes.length || health ? ERROR_COLOUR : BRAND_COLOUR,
    fields,
    footer: { text: `Schedule ${s.id} · /schedule preview id:${s.id} shows the next digest` },
  };
}

/** `2 d 3 h 4 min` */
export function formatUptime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`].filter(Boolean);
  return parts.join(' ');
}
