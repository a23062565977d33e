/**
 * The "looking ahead" digest: what a schedule posts. One composer serves the run and
 * /schedule preview, so a preview is exactly what the run would post.
 *
 * Header with the local date in the schedule's zone; forward-looking items matching the theme
 * filter (dated soonest first, then undated), those new since this schedule's last digest marked;
 * briefings new since then; brief or full. Sizes are budgeted here so that the digest ends with an
 * honest "and N more — /lookahead" rather than being cut by the limits module, which every reply
 * still passes as the last gate.
 */
import { type APIEmbed, ButtonStyle } from 'discord.js';
import type { Briefing, Library, LookaheadEntry } from '../briefings/index.js';
import { escapeInline, escapeText } from '../render/escape.js';
import type { Reply } from '../render/index.js';
import { fitReply, totalEmbedLength, truncate } from '../render/limits.js';
import { BRAND_COLOUR } from '../render/style.js';
import { discordTimestamp, periodMarkdown, publishedMarkdown } from '../render/timestamps.js';
import { itemsAhead, type Published, publishedSince } from './ahead.js';
import type { Schedule } from './index.js';

export interface ComposeInput {
  library: Library;
  schedule: Pick<Schedule, 'id' | 'themes' | 'format' | 'skipIfEmpty' | 'timezone' | 'seen' | 'mention'>;
  /** The slot this digest is for: the header's date and the horizon items are measured from. */
  slot: Date;
  late?: boolean;
  manual?: boolean;
  /** Run marker for the footer (see ledger.ts). */
  marker?: string;
  locale?: string;
}

export interface Digest {
  /** null when the digest is empty and the schedule skips empty digests. */
  reply: Reply | null;
  empty: boolean;
  /** Items matching the filter, and how many of them made it into the message. */
  items: number;
  shown: number;
  newBriefings: number;
  /** What to remember as seen once this digest is posted. */
  seen: { lookahead: string[]; briefings: string[] };
}

/**
 * The Notify me button's custom id: the /notify command's `toggle` action with the role's id
 * (commands/notify.ts reads it; the digest builds it here, as it imports no command).
 */
export const notifyButtonId = (roleId: string): string => `notify:toggle:${roleId}`;

/** A digest that pings a role: the role's mention, and a button to join or leave the role. */
const pingOf = (roleId: string): Pick<Reply, 'content' | 'components'> => ({
  content: `<@&${roleId}>`,
  components: [
    {
      type: 1,
      components: [
        {
          type: 2,
          style: ButtonStyle.Secondary,
          label: 'Notify me',
          emoji: { name: '🔔' },
          custom_id: notifyButtonId(roleId),
        },
      ],
    },
  ],
});

const postDates = new Map<string, Intl.DateTimeFormat>();

/**
 * A forum post's title (and a digest thread's name): "Looking ahead — Wed 2 Dec 2026", the slot's
 * date in the schedule's zone. At most 100 characters, Discord's limit for a thread name.
 */
export function postTitle(slot: Date, timeZone: string): string {
  let format = postDates.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    });
    postDates.set(timeZone, format);
  }
  // en-GB writes "Wed, 2 Dec 2026"; the title reads better without the comma.
  return `Looking ahead — ${format.format(slot).replace(',', '')}`.slice(0, 100);
}

const SIZES = {
  brief: { maxItems: 10, itemText: 180, briefings: 5, briefingSummary: 0 },
  full: { maxItems: 25, itemText: 400, briefings: 10, briefingSummary: 280 },
} as const;

/** Room kept under Discord's 6,000 total for titles, footers and the "more" line. */
const TOTAL_BUDGET = 5600;
const DESCRIPTION_BUDGET = 3900;
const FIELD_BUDGET = 1000;
const NEW = '🆕';
/** Briefings published this long before a schedule's first digest count as new. */
const FIRST_DIGEST_LOOKBACK_MS = 7 * 86_400_000;

// Building a formatter costs far more than using one, and a fan-out dates a digest per channel.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

const localDate = (at: Date, timeZone: string, locale: string): string => {
  const key = `${locale}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    };
    try {
      format = new Intl.DateTimeFormat(locale, options);
    } catch {
      format = new Intl.DateTimeFormat('en-GB', options);
    }
    if (dateFormats.size < 1000) dateFormats.set(key, format);
  }
  return format.format(at);
};

/**
 * Briefings published more than this before a digest are archive, never announced as new (an old
 * article curated late is not news). It also bounds what a schedule remembers between digests to
 * the recent briefings, whatever the size of the archive.
 */
const NEW_BRIEFING_WINDOW_MS = 90 * 86_400_000;

function newBriefings(
  recent: readonly Published[],
  seen: ComposeInput['schedule']['seen'],
  at: Date,
): Briefing[] {
  if (seen) {
    const known = new Set(seen.briefings);
    return recent.filter((p) => !known.has(p.briefing.id)).map((p) => p.briefing);
  }
  const since = at.getTime() - FIRST_DIGEST_LOOKBACK_MS;
  return recent.filter((p) => p.end > since).map((p) => p.briefing);
}

function itemLine(entry: LookaheadEntry, isNew: boolean, input: ComposeInput): string {
  const size = SIZES[input.schedule.format];
  const when = entry.period ? periodMarkdown(entry.period, input.slot, input.locale) : 'No date yet';
  const text = truncate(escapeText(entry.item.text.replace(/\s+/g, ' ').trim()), size.itemText);
  const from = input.schedule.format === 'full' ? `\n  ↳ *${escapeInline(entry.briefing.title)}*` : '';
  return `${isNew ? `${NEW} ` : ''}**${when}** — ${text}${from}`;
}

function briefingLine(briefing: Briefing, input: ComposeInput): string {
  const size = SIZES[input.schedule.format];
  const head = `**${escapeInline(briefing.title)}** — ${escapeInline(briefing.source.name)}, ${publishedMarkdown(briefing.published, input.locale)}`;
  if (!size.briefingSummary) return `• ${head}`;
  return `• ${head}\n${truncate(escapeText(briefing.summary.replace(/\s+/g, ' ').trim()), size.briefingSummary)}`;
}

export function composeDigest(input: ComposeInput): Digest {
  const { library, schedule, slot } = input;
  const locale = input.locale ?? 'en-GB';
  const size = SIZES[schedule.format];
  const items = itemsAhead(library, schedule.themes, slot);
  const seenKeys = new Set(schedule.seen?.lookahead ?? []);
  const recent = publishedSince(library, slot.getTime() - NEW_BRIEFING_WINDOW_MS);
  const briefings = newBriefings(recent, schedule.seen, slot);
  const empty = items.count === 0 && briefings.length === 0;
  const briefingIds = recent.map((p) => p.briefing.id);
  if (empty && schedule.skipIfEmpty) {
    return {
      reply: null,
      empty,
      items: 0,
      shown: 0,
      newBriefings: 0,
      seen: { lookahead: [], briefings: briefingIds },
    };
  }

  const themeNames = schedule.themes.length
    ? schedule.themes.map((id) => escapeInline(library.theme(id)?.label ?? id)).join(', ')
    : 'all themes';
  const intro: string[] = [];
  if (input.late) {
    intro.push(`*Late: this digest was due ${discordTimestamp(slot, 'f')}; the bot was offline then.*`);
  }
  intro.push(`Forward-looking items on ${themeNames}, soonest first.`);
  if (schedule.seen) intro.push(`${NEW} marks what is new since the last digest.`);

  const footer = {
    text: ['Attaché', `schedule ${schedule.id}`, input.manual ? 'run by hand' : undefined, input.marker]
      .filter(Boolean)
      .join(' · '),
  };
  const header: APIEmbed = {
    title: truncate(`Looking ahead — ${localDate(slot, schedule.timezone, locale)}`, 256),
    color: BRAND_COLOUR,
    footer,
    timestamp: slot.toISOString(),
  };

  // Items go into the description while they fit; the rest are counted in the "more" line.
  const lines: string[] = [];
  const shownKeys: string[] = [];
  let used = intro.join('\n').length + 2;
  for (const entry of items.inOrder()) {
    if (shownKeys.length >= size.maxItems) break;
    const line = itemLine(entry, schedule.seen !== undefined && !seenKeys.has(entry.key), input);
    if (used + line.length + 1 > DESCRIPTION_BUDGET) break;
    lines.push(line);
    shownKeys.push(entry.key);
    used += line.length + 1;
  }
  const shown = shownKeys.length;
  if (items.count === 0) lines.push('Nothing on the horizon for these themes right now.');
  const hidden = items.count - shown;
  const more = hidden > 0 ? `\n…and ${hidden} more — /lookahead` : '';
  header.description = `${intro.join('\n')}\n\n${lines.join('\n')}${more}`;

  const fields: NonNullable<APIEmbed['fields']> = [];
  if (briefings.length) {
    const listed: string[] = [];
    let length = 0;
    for (const b of briefings.slice(0, size.briefings)) {
      const line = briefingLine(b, input);
      if (length + line.length + 1 > FIELD_BUDGET) break;
      listed.push(line);
      length += line.length + 1;
    }
    const rest = briefings.length - listed.length;
    const value = `${listed.join('\n')}${rest > 0 ? `\n…and ${rest} more — /sources` : ''}`;
    const field = { name: schedule.seen ? 'New briefings since the last digest' : 'Recent briefings', value };
    if (totalEmbedLength([{ ...header, fields: [field] }]) <= TOTAL_BUDGET) fields.push(field);
  }
  if (fields.length) header.fields = fields;

  // Items cut for space stay "new" until a digest shows them.
  const seen = {
    lookahead: items.stillAhead([...shownKeys, ...seenKeys]),
    briefings: briefingIds,
  };
  return {
    // The ping goes on after fitting: fitReply neutralises every mention in content, this one included.
    reply: {
      ...fitReply({ embeds: [header] }),
      ...(schedule.mention ? pingOf(schedule.mention.roleId) : {}),
    },
    empty,
    items: items.count,
    shown,
    newBriefings: briefings.length,
    seen,
  };
}
