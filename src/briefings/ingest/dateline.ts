/**
 * The dateline that opens a news article's first paragraph, in the shapes agencies and papers use:
 *   "Washington, D.C., United States, January 2026, Brussels Morning Newspaper highlights …"
 *   "BRUSSELS, Jan. 14, 2026 — …", "KYIV, Jan 14 (Reuters) - …", "GENEVA (AP) — …"
 * It yields the place, the date (as precise as given), the source when one is named, and where the
 * article's own words begin.
 */
import { findDates, MONTH_RE, monthNumber, type PartialDate } from './dates.js';

export interface Dateline {
  place?: string;
  date?: PartialDate;
  source?: string;
  /** The dateline text as it appears, for the report. */
  raw: string;
  /** The paragraph with the place and date removed (the source phrase is kept: it reads as prose). */
  rest: string;
}

const WORD = "[\\p{Lu}][\\p{L}.'’-]*";
const SEGMENT = `${WORD}(?:\\s+(?:(?:of|and|de|la|el|upon|am)\\s+)?${WORD}){0,3}`;
const PLACE = `${SEGMENT}(?:,\\s*${SEGMENT}){0,3}`;
const DATE =
  `(?:${MONTH_RE}\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?` +
  `|\\d{1,2}\\s+${MONTH_RE}(?:,?\\s+\\d{4})?` +
  `|${MONTH_RE},?\\s+\\d{4}` +
  `|\\d{4}-\\d{2}-\\d{2})`;
const DASH = '(?:—|–|-{1,2})';
const AGENCY = '\\(([^()]{2,40})\\)';

const WITH_DATE = new RegExp(`^(${PLACE}),\\s+(${DATE})\\s*(?:${AGENCY})?\\s*(?:[,:.]|${DASH})\\s*`, 'u');
const AGENCY_ONLY = new RegExp(`^(${PLACE})\\s*${AGENCY}\\s*${DASH}\\s*`, 'u');
// Without a date or agency a dash after a capitalised word is too common in prose; require capitals.
const CAPS_ONLY = new RegExp(
  `^([\\p{Lu}][\\p{Lu}.'’ -]{2,40}(?:,\\s*[\\p{Lu}][\\p{L}.'’ -]{1,40})?)\\s*${DASH}\\s*`,
  'u',
);

const SOURCE_VERB =
  '(?:highlights|reports|reported|writes|wrote|notes|noted|has learned|learned|understands|can reveal|reveals|observes|examines|looks at|explores|reviews|outlines)';
const SOURCE = new RegExp(`^((?:The\\s+)?${WORD}(?:\\s+${WORD}){0,5})\\s+${SOURCE_VERB}\\b`, 'u');

/** "BRUSSELS" → "Brussels", "D.C." stays. */
const tidyPlace = (place: string): string =>
  place
    .split(/(\s+|,\s*)/)
    .map((w) => (/^[\p{Lu}]{2,}$/u.test(w) ? w.charAt(0) + w.slice(1).toLowerCase() : w))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

function readDate(raw: string): PartialDate | undefined {
  const absolute = findDates(raw)[0];
  if (absolute) return absolute.date;
  return undefined;
}

/** Month and day without a year ("Jan 14"): usable only with a year from elsewhere. */
export function monthDayWithoutYear(raw: string): { month: number; day: number } | undefined {
  const m =
    new RegExp(`^(${MONTH_RE})\\s+(\\d{1,2})`).exec(raw) ??
    new RegExp(`^(\\d{1,2})\\s+(${MONTH_RE})`).exec(raw);
  if (!m?.[1] || !m[2]) return undefined;
  const first = monthNumber(m[1]);
  return first !== undefined
    ? { month: first, day: Number(m[2]) }
    : { month: monthNumber(m[2]) ?? 0, day: Number(m[1]) };
}

export function parseDateline(paragraph: string): Dateline | undefined {
  const dated = WITH_DATE.exec(paragraph);
  if (dated?.[1] && dated[2]) {
    const rest = paragraph.slice(dated[0].length);
    return {
      place: tidyPlace(dated[1]),
      ...optional('date', readDate(dated[2])),
      ...optional('source', dated[3]?.trim() ?? sourceIn(rest)),
      raw: dated[0]
        .trim()
        .replace(/[,:.—–-]+$/, '')
        .trim(),
      rest,
    };
  }
  const agency = AGENCY_ONLY.exec(paragraph) ?? CAPS_ONLY.exec(paragraph);
  if (agency?.[1]) {
    const rest = paragraph.slice(agency[0].length);
    return {
      place: tidyPlace(agency[1]),
      ...optional('source', agency[2]?.trim() ?? sourceIn(rest)),
      raw: agency[0]
        .trim()
        .replace(/[—–-]+$/, '')
        .trim(),
      rest,
    };
  }
  return undefined;
}

function sourceIn(rest: string): string | undefined {
  return SOURCE.exec(rest)?.[1];
}

const SEPARATOR = /\s+(?:—|–|-{1,2}|\|)\s+/;
// "the Example Gazette foreign desk": the outlet without its desk.
const DESK =
  /\s+(?:foreign|news|world|politics|europe|diplomatic|international)?\s*(?:desk|staff|bureau|correspondents?|reporters?)$/i;

/**
 * A dateline or byline on a line of its own, above the article:
 *   "Riga, Latvia — May 2027 — The Example Times", "Geneva, 14 October 2027",
 *   "By Ana Petrova, The Example Herald, Skopje, 23 September 2027",
 *   "By the Example Gazette foreign desk, Vienna, 4 June 2027", "By Jonathan Reyes, Washington, 11 January 2027".
 * A person's name in a byline is the author, never the source; a line that names no outlet gives none.
 */
export function parseHeaderLine(line: string): Dateline | undefined {
  const raw = line.trim();
  const byline = /^By\s+/i.test(raw);
  const body = raw.replace(/^By\s+/i, '');
  const parts = body.split(SEPARATOR).length > 1 ? body.split(SEPARATOR) : body.split(/,\s*/);
  const at = parts.findIndex((p) => findDates(p).length > 0);
  let date = at >= 0 ? findDates(parts[at] ?? '')[0]?.date : undefined;
  let placeParts: string[];
  let sourcePart: string | undefined;
  if (at < 0) {
    // "Geneva, 14 October 2027" splits the date across commas only when the day has its own comma.
    const whole = findDates(body)[0];
    if (!whole) return undefined;
    date = whole.date;
    placeParts = body
      .slice(0, whole.index)
      .replace(/[,\s]+$/, '')
      .split(/,\s*/);
  } else if (byline) {
    const before = parts.slice(0, at);
    // The part just before the date is the place; before it, the author and perhaps the outlet.
    placeParts = before.slice(-1);
    const credit = before.slice(0, -1);
    const desk = credit[0] && /^the\s+/i.test(credit[0]) ? credit[0] : undefined;
    sourcePart = desk ? desk.replace(/^the\s+/i, '').replace(DESK, '') : credit[1];
  } else {
    placeParts = parts.slice(0, at);
    sourcePart = parts.slice(at + 1).join(' ') || undefined;
  }
  const place = placeParts.join(', ').trim();
  if (!place || !/^[\p{Lu}]/u.test(place) || wordCount(place) > 6) return undefined;
  return {
    place: tidyPlace(place),
    ...optional('date', date),
    ...optional('source', sourcePart?.trim() || undefined),
    raw,
    rest: '',
  };
}

const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
