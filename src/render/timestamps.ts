/**
 * Dates as readers see them. Discord timestamps (`<t:unix:D>`) render in each reader's own time
 * zone and language, so dated items use them; a partial date (`2026-Q2`) keeps its own precision
 * in words and gets a relative timestamp for its start.
 */
import type { Period } from '../briefings/index.js';
import { resolvePeriod } from '../briefings/period.js';

export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

export const discordTimestamp = (date: Date, style: TimestampStyle = 'D'): string =>
  `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;

/** The period a partial date names, [start, end) in UTC; undefined when it is not one. */
export const resolvePartialDate = (value: string): Period | undefined => resolvePeriod(value);

const safeLocale = (locale: string): string => {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : 'en-GB';
  } catch {
    return 'en-GB';
  }
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter costs far more than using one, and autocomplete formats every briefing. */
function formatter(locale: string, precision: 'day' | 'month'): Intl.DateTimeFormat {
  const key = `${locale}|${precision}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      safeLocale(locale),
      precision === 'day'
        ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }
        : { month: 'long', year: 'numeric', timeZone: 'UTC' },
    );
    if (formatters.size < 200) formatters.set(key, f);
  }
  return f;
}

/** A period in words at its own precision: `15 March 2026`, `March 2026`, `Q2 2026`, `2026`. */
export function periodLabel(period: Period, locale = 'en-GB'): string {
  const { start } = period;
  switch (period.precision) {
    case 'day':
    case 'month':
      return formatter(locale, period.precision).format(start);
    case 'quarter':
      return `Q${Math.floor(start.getUTCMonth() / 3) + 1} ${start.getUTCFullYear()}`;
    case 'year':
      return String(start.getUTCFullYear());
  }
}

/** A publication date in words, or the raw value if it is not a date at all. */
export const dateLabel = (value: string, locale = 'en-GB'): string => {
  const period = resolvePartialDate(value);
  return period ? periodLabel(period, locale) : value;
};

/**
 * Midday UTC of a day, so a reader anywhere from UTC−12 to UTC+12 sees the same calendar day in a
 * `<t:…:D>` timestamp.
 */
const midday = (day: Date): Date => new Date(day.getTime() + 12 * 3600_000);

/**
 * The last day of a period, as readers count it. Periods are half-open, [start, end), but "2026
 * ends 1 January 2027" reads wrong: people say it runs until 31 December.
 */
const lastDay = (period: Period): Date => midday(new Date(period.end.getTime() - 86_400_000));

/**
 * A dated item inside a line of text (/brief, digests). A day gets a full Discord timestamp; a
 * coarser period keeps its words and says where it stands. No parentheses of its own: the console
 * writes a relative timestamp as "next month (1 Jan 2027)", and the line may already be in some.
 */
export function periodMarkdown(period: Period, now: Date, locale = 'en-GB'): string {
  if (period.precision === 'day') {
    const at = midday(period.start);
    return `${discordTimestamp(at, 'D')} (${discordTimestamp(at, 'R')})`;
  }
  const label = periodLabel(period, locale);
  if (period.end.getTime() <= now.getTime())
    return `${label}, ended ${discordTimestamp(lastDay(period), 'R')}`;
  if (period.start.getTime() <= now.getTime())
    return `${label}, under way until ${discordTimestamp(lastDay(period), 'D')}`;
  return `${label}, starts ${discordTimestamp(midday(period.start), 'R')}`;
}

/**
 * Where a period stands for a reader, to put under its label: a day as a Discord timestamp, a
 * coarser period as when it starts, that it is under way until its last day, or when it ended.
 */
export function periodRelative(period: Period, now: Date): string {
  if (period.precision === 'day') {
    const at = midday(period.start);
    return `${discordTimestamp(at, 'D')} (${discordTimestamp(at, 'R')})`;
  }
  if (period.end.getTime() <= now.getTime()) return `Ended ${discordTimestamp(lastDay(period), 'R')}`;
  if (period.start.getTime() <= now.getTime())
    return `Under way until ${discordTimestamp(lastDay(period), 'D')}`;
  return `Starts ${discordTimestamp(midday(period.start), 'R')}`;
}

/** A publication date for a message body: a Discord timestamp for a day, words for a month. */
export function publishedMarkdown(value: string, locale = 'en-GB'): string {
  const period = resolvePartialDate(value);
  if (!period) return value;
  return period.precision === 'day'
    ? discordTimestamp(midday(period.start), 'D')
    : periodLabel(period, locale);
}
