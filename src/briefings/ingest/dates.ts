/**
 * Dates as articles write them ("January 2026", "Jan. 14, 2026", "noon on 3 December", "next
 * month", "by the end of February", "the first quarter of next year") turned into the partial dates
 * of the data model (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn). chrono-node finds and resolves the dates;
 * what it does not know is kept here: quarters, bare years, "this/next year" after a month, the
 * year of a month or day given without one (its next occurrence on or after the dateline), and how
 * precise a horizon is (a day stays a day; "the end of February" is the month; a span such as
 * "within two years" is no time at all).
 */
import * as chrono from 'chrono-node';

export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
  quarter?: number;
}

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

// "Sept." is common in news copy.
export const MONTH_RE =
  '(?:Jan(?:uary|\\.)?|Feb(?:ruary|\\.)?|Mar(?:ch|\\.)?|Apr(?:il|\\.)?|May|June?|July?|Aug(?:ust|\\.)?|Sep(?:t(?:ember|\\.)?|\\.)?|Oct(?:ober|\\.)?|Nov(?:ember|\\.)?|Dec(?:ember|\\.)?)';

export function monthNumber(name: string): number | undefined {
  const key = name.toLowerCase().replace(/\.$/, '').slice(0, 3);
  const i = MONTH_NAMES.findIndex((m) => m.startsWith(key));
  return i < 0 ? undefined : i + 1;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatPartialDate(d: PartialDate): string {
  if (d.quarter !== undefined) return `${d.year}-Q${d.quarter}`;
  if (d.month === undefined) return String(d.year);
  if (d.day === undefined) return `${d.year}-${pad(d.month)}`;
  return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

export interface DateMention {
  date: PartialDate;
  index: number;
  length: number;
}

const QUARTER_WORDS = ['first', 'second', 'third', 'fourth'];
const QUARTER =
  /\b(?:Q([1-4])|(first|second|third|fourth)\s+quarter)(?:(?:\s+of)?,?\s+((?:19|20)\d{2})\b|\s+of\s+(next|this|the)\s+year\b)?/gi;
// A span of time is not a time: "within two years", "after a pause of two months".
const SPAN =
  /^(?:(?:within|in|for|over|after)\s+)?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|\d+|a few|several)\s+(?:days?|weeks?|months?|years?|decades?)\b/i;
// A bare day range before a month ("29 and 30 September") is read from its first day; the
// replacement keeps the text's length so indices still point into the sentence.
const DAY_RANGE = new RegExp(`\\b(\\d{1,2})\\s*(?:and|to|-|–)\\s*(\\d{1,2})(?=\\s+${MONTH_RE}\\b)`, 'g');
const dayRange = (whole: string, first: string, last: string): string =>
  `${first}-${last}`.padStart(whole.length, ' ');

const DATE_WORD = new RegExp(`\\d|\\b(?:week|month|year|quarter)\\b|\\b${MONTH_RE}`, 'i');

interface Candidate {
  at: number;
  end: number;
  date: PartialDate;
}

const reference = (p: PartialDate): Date => new Date(Date.UTC(p.year, (p.month ?? 1) - 1, p.day ?? 1, 12));

/** The year of a month (and day) given without one: its next occurrence on or after the dateline. */
function nextOccurrence(month: number, day: number | undefined, published: PartialDate): number {
  const pm = published.month ?? 1;
  if (month !== pm) return month > pm ? published.year : published.year + 1;
  if (day === undefined || published.day === undefined) return published.year;
  return day >= published.day ? published.year : published.year + 1;
}

function quarters(text: string, published?: PartialDate): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(QUARTER)) {
    const quarter = m[1] ? Number(m[1]) : QUARTER_WORDS.indexOf((m[2] ?? '').toLowerCase()) + 1;
    let year: number | undefined;
    if (m[3]) year = Number(m[3]);
    else if (published) {
      const rel = m[4]?.toLowerCase();
      if (rel === 'next') year = published.year + 1;
      else if (rel) year = published.year;
      else year = quarter * 3 >= (published.month ?? 1) ? published.year : published.year + 1;
    }
    const at = m.index ?? 0;
    if (year !== undefined) out.push({ at, end: at + m[0].length, date: { year, quarter } });
  }
  return out;
}

/** What chrono reads in `text`, resolved against `published` when given (absolute dates only otherwise). */
function chronoDates(text: string, published?: PartialDate): Candidate[] {
  const prepared = text.replace(DAY_RANGE, dayRange);
  const results = chrono.parse(
    prepared,
    published ? { instant: reference(published), timezone: 0 } : undefined,
  );
  const out: Candidate[] = [];
  for (const r of results) {
    const s = r.start;
    const at = r.index;
    let end = at + r.text.length;
    if (out.some((c) => at < c.end)) continue;
    // Without a dateline only a date that names its year is absolute; chrono would resolve the rest
    // against today's clock.
    if (!published && !/\b(?:19|20)\d{2}\b/.test(r.text)) continue;
    const tags = [...s.tags()];
    // "now", "today", "on Thursday": the article's own time, not a horizon.
    if (SPAN.test(r.text) || tags.some((t) => t.includes('CasualDate')) || !DATE_WORD.test(r.text)) continue;
    const month = s.isCertain('month') ? (s.get('month') ?? undefined) : undefined;
    const rawDay = s.isCertain('day') ? (s.get('day') ?? undefined) : undefined;
    let year = s.isCertain('year') ? (s.get('year') ?? undefined) : undefined;
    // A weekday, an hour or "today" alone says nothing a month-level dateline can anchor.
    if (month === undefined && year === undefined) continue;
    const before = text.slice(0, at);
    const after = text.slice(end);
    if (/\blast\s+$/i.test(before) && month !== undefined && !r.text.includes(' ')) continue;
    // "the end of February": the month, not its last day. "next week": the month it falls in.
    const endOf = tags.some((t) => /EndOf/.test(t)) || /\bend\s+of\b/i.test(r.text);
    const week = /\bweek\b/i.test(r.text);
    const day = endOf || week ? undefined : rawDay;
    if (year === undefined && month !== undefined) {
      if (!published) continue;
      const relMatch = /^\s+(?:of\s+)?(next|this)\s+year\b/i.exec(after);
      const rel = relMatch?.[1]?.toLowerCase();
      // The month owns its "this year"/"next year", which must not count again as a year of its own.
      if (relMatch) end += relMatch[0].length;
      if (rel === 'next') year = published.year + 1;
      else if (rel === 'this') year = published.year;
      else if (/\bnext\s+$/i.test(before) && month <= (published.month ?? 1)) year = published.year + 1;
      else year = nextOccurrence(month, day, published);
    }
    if (year === undefined) continue;
    out.push({
      at,
      end,
      date: { year, ...(month === undefined ? {} : { month }), ...(day === undefined ? {} : { day }) },
    });
  }
  return out;
}

/** What chrono leaves: "May" as a month after a preposition, "next May", bare years, "this year". */
function leftovers(text: string, published: PartialDate | undefined, taken: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  const free = (at: number, end: number) => !taken.some((c) => at < c.end && c.at < end);
  const add = (at: number, end: number, date: PartialDate | undefined) => {
    if (date && free(at, end)) out.push({ at, end, date });
  };
  for (const m of text.matchAll(/\b(?:19|20)\d{2}\b/g)) {
    const at = m.index ?? 0;
    add(at, at + 4, { year: Number(m[0]) });
  }
  if (!published) return out;
  // "may" the verb is lower case; "May" the month follows a preposition or "next".
  for (const m of text.matchAll(
    /\b(in|by|until|from|before|after|during|of|early|late|mid-?|next|this)\s+May\b(?!\s+(?:be|have|not)\b)/g,
  )) {
    const at = (m.index ?? 0) + m[0].length - 3;
    const rest = text.slice(at + 3);
    const year =
      /^\s+(?:of\s+)?next\s+year\b/i.test(rest) || (m[1] === 'next' && (published.month ?? 1) >= 5)
        ? published.year + 1
        : nextOccurrence(5, undefined, published);
    add(at, at + 3, { year, month: 5 });
  }
  const relative: [RegExp, () => PartialDate][] = [
    [/\bnext year\b/i, () => ({ year: published.year + 1 })],
    [/\b(?:this|the|the current|the coming|the rest of the) year\b/i, () => ({ year: published.year })],
  ];
  for (const [re, read] of relative) {
    const m = re.exec(text);
    if (m) add(m.index, m.index + m[0].length, read());
  }
  return out;
}

function candidates(text: string, published?: PartialDate): Candidate[] {
  const found = quarters(text, published);
  const free = (c: Candidate) => !found.some((f) => c.at < f.end && f.at < c.end);
  found.push(...chronoDates(text, published).filter(free));
  found.push(...leftovers(text, published, found));
  return found.sort((a, b) => a.at - b.at);
}

/** Every absolute date in `text` (a month, day or quarter with its year; a bare year is not one), in order. */
export function findDates(text: string): DateMention[] {
  return candidates(text)
    .filter((c) => c.date.month !== undefined || c.date.quarter !== undefined)
    .map((c) => ({ date: c.date, index: c.at, length: c.end - c.at }));
}

const compare = (a: PartialDate, b: PartialDate): number =>
  a.year - b.year ||
  (a.month ?? quarterStart(a)) - (b.month ?? quarterStart(b)) ||
  (a.day ?? 0) - (b.day ?? 0);
const quarterStart = (d: PartialDate): number => (d.quarter ? (d.quarter - 1) * 3 + 1 : 1);

/** A period that has not entirely passed by `published`. */
function notPast(d: PartialDate, published: PartialDate): boolean {
  if (d.year !== published.year) return d.year > published.year;
  if (d.quarter !== undefined) return published.month === undefined || d.quarter * 3 >= published.month;
  if (d.month === undefined || published.month === undefined) return true;
  if (d.month !== published.month) return d.month > published.month;
  return d.day === undefined || published.day === undefined || d.day >= published.day;
}

const within = (inner: PartialDate, outer: PartialDate): boolean =>
  inner.year === outer.year &&
  (outer.month === undefined || inner.month === outer.month) &&
  (outer.quarter === undefined ||
    (inner.month !== undefined && Math.ceil(inner.month / 3) === outer.quarter));

const precision = (d: PartialDate): number =>
  d.day !== undefined ? 4 : d.month !== undefined ? 3 : d.quarter !== undefined ? 2 : 1;

/**
 * When a forward-looking sentence says its event will happen: the most specific time it states
 * (the first of equals), resolved against `published`. Times already past at publication are
 * skipped, since they say what happened before, not what is expected.
 */
export function horizonOf(sentence: string, published?: PartialDate): string | undefined {
  const usable = candidates(sentence, published).filter((c) => !published || notPast(c.date, published));
  // The first time stated, narrowed by a later one inside it ("in April … on 26 April"); a later,
  // different time ("in June, before the summit on July 7") is another event's.
  let best: Candidate | undefined;
  for (const c of usable)
    if (!best || (precision(c.date) > precision(best.date) && within(c.date, best.date))) best = c;
  return best ? formatPartialDate(best.date) : undefined;
}

/** A dated mention (with its year) that lies after publication: a sign that the sentence looks forward. */
export function mentionsFutureDate(sentence: string, published?: PartialDate): boolean {
  if (!published) return false;
  return candidates(sentence).some((c) => notPast(c.date, published) && compare(c.date, published) > 0);
}
