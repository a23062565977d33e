/**
 * Dates as readers see them. Discord timestamps (`<t:unix:D>`) render in each reader's own time
 * zone and language, so dated items use them; a partial date (`2026-Q2`) keeps its own precision
 * in words and gets a relative timestamp for its start.
 */
import type { Period } from '../briefings/index.js';
import { PARTIAL_DATE_RE } from '../briefings/schema.js';

export type TimestampStyle = 't' | 'T' | 'd' | 'D' | 'f' | 'F' | 'R';

export const discordTimestamp = (date: Date, style: TimestampStyle = 'D'): string =>
  `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;

/** The period a partial date names, [start, end) in UTC; undefined when it is not one. */
export function resolvePartialDate(value: string): Period | undefined {
  const m = PARTIAL_DATE_RE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[4]) {
    const q = Number(m[4]);
    return {
      start: new Date(Date.UTC(year, (q - 1) * 3, 1)),
      end: new Date(Date.UTC(year, q * 3, 1)),
      precision: 'quarter',
    };
  }
  if (m[2]) {
    const month = Number(m[2]) - 1;
    if (m[3]) {
      const day = Number(m[3]);
      return {
        start: new Date(Date.UTC(year, month, day)),
        end: new Date(Date.UTC(year, month, day + 1)),
        precision: 'day',
      };
    }
    return {
      start: new Date(Date.UTC(year, month, 1)),
      end: new Date(Date.UTC(year, month + 1, 1)),
      precision: 'month',
    };
  }
  return {
    start: new Date(Date.UTC(year, 0, 1)),
    end: new Date(Date.UTC(year + 1, 0, 1)),
    precision: 'year',
  };
}

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
 * A dated item for a message body. A day gets a full Discord timestamp; a coarser period keeps its
 * words and says how far away it is.
 */
export function periodMarkdown(period: Period, now: Date, locale = 'en-GB'): string {
  if (period.precision === 'day') {
    const at = midday(period.start);
    return `${discordTimestamp(at, 'D')} (${discordTimestamp(at, 'R')})`;
  }
  const label = periodLabel(period, locale);
  if (period.start.getTime() <= now.getTime() && now.getTime() < period.end.getTime())
    return `${label} (under way)`;
  if (period.end.getTime() <= now.getTime()) return `${label} (ended ${discordTimestamp(period.end, 'R')})`;
  return `${label} (${discordTimestamp(period.start, 'R')})`;
}

/**
 * Where a period stands for a reader, to put under its label: a day as a Discord timestamp, a
 * coarser period as when it starts, that it is under way, or when it ended.
 */
export function periodRelative(period: Period, now: Date): string {
  if (period.precision === 'day') {
    const at = midday(period.start);
    return `${discordTimestamp(at, 'D')} (${discordTimestamp(at, 'R')})`;
  }
  if (period.end.getTime() <= now.getTime()) return `Ended ${discordTimestamp(period.end, 'R')}`;
  if (period.start.getTime() <= now.getTime()) return `Under way; ends ${discordTimestamp(period.end, 'R')}`;
  return `Starts ${discordTimestamp(period.start, 'R')}`;
}

/** A publication date for a message body: a Discord timestamp for a day, words for a month. */
export function publishedMarkdown(value: string, locale = 'en-GB'): string {
  const period = resolvePartialDate(value);
  if (!period) return value;
  return period.precision === 'day'
    ? discordTimestamp(midday(period.start), 'D')
    : periodLabel(period, locale);
}
