/**
 * Partial dates as curators write them (`2026-03-15`, `2026-03`, `2026-Q2`, `2026`) resolved to a
 * half-open UTC period [start, end), so "soonest first" and "within a month" are plain comparisons.
 */
import type { LookaheadWindow, Period } from './index.js';
import { PARTIAL_DATE_RE } from './schema.js';

const utc = (year: number, monthIndex: number, day = 1): Date => new Date(Date.UTC(year, monthIndex, day));

/** The period a partial date covers, or undefined when the text is not a partial date. */
export function resolvePeriod(value: string | number): Period | undefined {
  const m = PARTIAL_DATE_RE.exec(String(value).trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[4] !== undefined) {
    const firstMonth = (Number(m[4]) - 1) * 3;
    return { start: utc(year, firstMonth), end: utc(year, firstMonth + 3), precision: 'quarter' };
  }
  if (m[2] === undefined) return { start: utc(year, 0), end: utc(year + 1, 0), precision: 'year' };
  const month = Number(m[2]) - 1;
  if (m[3] === undefined) return { start: utc(year, month), end: utc(year, month + 1), precision: 'month' };
  const day = Number(m[3]);
  const start = utc(year, month, day);
  // Date.UTC rolls 2026-02-30 over to March; the schema rejects such dates, and so do we.
  if (start.getUTCMonth() !== month || start.getUTCDate() !== day) return undefined;
  return { start, end: utc(year, month, day + 1), precision: 'day' };
}

/** Adds calendar months, clamping to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = date.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

const DAY_MS = 86_400_000;

/** The end of the window [now, end) a `/lookahead within:` choice means; undefined for `all`. */
export function windowEnd(now: Date, window: LookaheadWindow): Date | undefined {
  switch (window) {
    case 'week':
      return new Date(now.getTime() + 7 * DAY_MS);
    case 'month':
      return addMonths(now, 1);
    case 'quarter':
      return addMonths(now, 3);
    case 'year':
      return addMonths(now, 12);
    case 'all':
      return undefined;
  }
}

export const overlaps = (period: Period, start: Date, end: Date): boolean =>
  period.start < end && period.end > start;

/** How coarse a date or a window is: a day sits in a week, a month in a month, and so on. */
export const PRECISION_RANK: Record<Period['precision'], number> = { day: 0, month: 1, quarter: 2, year: 3 };
const WINDOW_RANK: Record<Exclude<LookaheadWindow, 'all'>, number> = {
  week: 0,
  month: 1,
  quarter: 2,
  year: 3,
};

/**
 * Whether an item dated [start, end) is expected within [from, to), in epoch milliseconds. It is
 * when it overlaps the window and either it is due by the window's end (its period ends inside:
 * "2026" in the last week of December), or it starts inside the window and is no coarser than
 * the window ("2026-Q2" within a quarter from 25 March). An item dated only "2026" is therefore
 * not "within a week" in June: it could fall on any day of the year.
 */
export function spanInWindow(
  start: number,
  end: number,
  rank: number,
  from: number,
  to: number,
  windowRank: number,
): boolean {
  return start < to && end > from && (end <= to || (rank <= windowRank && start >= from));
}

/** `/lookahead within:` for one period; every dated item is within `all`. */
export function inWindow(period: Period, now: Date, window: LookaheadWindow): boolean {
  const to = windowEnd(now, window);
  if (window === 'all' || to === undefined) return true;
  return spanInWindow(
    period.start.getTime(),
    period.end.getTime(),
    PRECISION_RANK[period.precision],
    now.getTime(),
    to.getTime(),
    WINDOW_RANK[window],
  );
}

export const windowRank = (window: Exclude<LookaheadWindow, 'all'>): number => WINDOW_RANK[window];

/** Soonest first; for the same start, the narrower (more precise) period first. */
export const comparePeriods = (a: Period, b: Period): number =>
  a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime();

/** English month names, January first. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Human wording at the period's own precision: "15 March 2026", "March 2026", "Q2 2026", "2026". */
export function describePeriod(period: Period): string {
  const year = period.start.getUTCFullYear();
  const month = period.start.getUTCMonth();
  switch (period.precision) {
    case 'day':
      return `${period.start.getUTCDate()} ${MONTHS[month]} ${year}`;
    case 'month':
      return `${MONTHS[month]} ${year}`;
    case 'quarter':
      return `Q${Math.floor(month / 3) + 1} ${year}`;
    case 'year':
      return String(year);
  }
}
