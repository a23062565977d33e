/**
 * Dates as articles write them ("January 2026", "Jan. 14, 2026", "14 January", "Q2 2026", "next
 * month", "later this year") turned into the partial dates of the data model (YYYY, YYYY-MM,
 * YYYY-MM-DD, YYYY-Qn). Relative phrases are resolved against the article's publication date.
 */

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

// "Sept." is common in news copy; "May" is only a month when a day or year follows (see below).
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

const isRealDay = (y: number, m: number, d: number): boolean => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

export interface DateMention {
  date: PartialDate;
  index: number;
  length: number;
}

const YEAR = '((?:19|20)\\d{2})';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const ABSOLUTE: { re: RegExp; read: (m: RegExpExecArray) => PartialDate | undefined }[] = [
  {
    re: /\b((?:19|20)\d{2})-(0[1-9]|1[0-2])-(\d{2})\b/g,
    read: (m) => day(Number(m[1]), Number(m[2]), Number(m[3])),
  },
  {
    re: new RegExp(`\\b(${MONTH_RE})\\s+${DAY},?\\s+${YEAR}\\b`, 'g'),
    read: (m) => withMonth(m[1], Number(m[3]), Number(m[2])),
  },
  {
    re: new RegExp(`\\b${DAY}\\s+(${MONTH_RE}),?\\s+${YEAR}\\b`, 'g'),
    read: (m) => withMonth(m[2], Number(m[3]), Number(m[1])),
  },
  {
    re: new RegExp(`\\b(${MONTH_RE}),?\\s+(?:of\\s+)?${YEAR}\\b`, 'g'),
    read: (m) => withMonth(m[1], Number(m[2])),
  },
  {
    re: new RegExp(`\\b(?:Q([1-4])|(first|second|third|fourth) quarter)(?:\\s+of)?,?\\s+${YEAR}\\b`, 'gi'),
    read: (m) => ({
      year: Number(m[3]),
      quarter: m[1]
        ? Number(m[1])
        : ['first', 'second', 'third', 'fourth'].indexOf((m[2] ?? '').toLowerCase()) + 1,
    }),
  },
];

function day(year: number, month: number, d: number): PartialDate | undefined {
  return isRealDay(year, month, d) ? { year, month, day: d } : undefined;
}

function withMonth(name: string | undefined, year: number, d?: number): PartialDate | undefined {
  const month = name ? monthNumber(name) : undefined;
  if (month === undefined) return undefined;
  return d === undefined ? { year, month } : day(year, month, d);
}

/** Every absolute date in `text` (those that carry a year), in order, longest match first. */
export function findDates(text: string): DateMention[] {
  const found: DateMention[] = [];
  for (const { re, read } of ABSOLUTE) {
    for (const m of text.matchAll(re)) {
      const date = read(m as RegExpExecArray);
      const index = m.index ?? 0;
      const overlaps = found.some((f) => index < f.index + f.length && f.index < index + m[0].length);
      if (date && !overlaps) found.push({ date, index, length: m[0].length });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

const weekLater = (d: PartialDate): PartialDate => {
  const t = new Date(Date.UTC(d.year, (d.month ?? 1) - 1, (d.day ?? 1) + 7));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1 };
};

const addMonths = (d: PartialDate, n: number): PartialDate => {
  const zero = d.year * 12 + (d.month ?? 1) - 1 + n;
  return { year: Math.floor(zero / 12), month: (zero % 12) + 1 };
};

const QUARTER_WORDS = ['first', 'second', 'third', 'fourth'];

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
  return compare({ year: d.year, month: d.month }, { year: published.year, month: published.month }) >= 0;
}

/**
 * When a forward-looking sentence says its event will happen, as precisely as it says it.
 * `published` anchors relative phrases ("next month", "in March"); dates already past at
 * publication are skipped, since they say what happened before, not what is expected.
 */
export function horizonOf(sentence: string, published?: PartialDate): string | undefined {
  const candidates: { at: number; date: PartialDate }[] = findDates(sentence).map((m) => ({
    at: m.index,
    date: m.date,
  }));
  const taken = (at: number) => candidates.some((c) => Math.abs(c.at - at) < 12);
  const yearOf = (month: number): number =>
    published ? (month >= (published.month ?? 1) ? published.year : published.year + 1) : Number.NaN;

  for (const m of sentence.matchAll(
    new RegExp(`\\b(${MONTH_RE})(?:\\s+(\\d{1,2})(?:st|nd|rd|th)?)?\\b(?!,?\\s+\\d{4})`, 'g'),
  )) {
    const name = m[1] ?? '';
    const at = m.index ?? 0;
    const lead = sentence.slice(0, at);
    // "May" is a month only in a date-like setting; "may" the verb is lower case and not matched.
    if (
      name === 'May' &&
      !m[2] &&
      !/\b(?:in|by|until|from|before|after|during|early|late|mid-?|next|this)\s+$/i.test(lead)
    ) {
      continue;
    }
    if (name.length <= 4 && !name.endsWith('.') && !m[2] && !/^(?:May|June|July)$/.test(name)) continue;
    const month = monthNumber(name);
    if (month === undefined || !published || taken(at)) continue;
    // "next May" in May means a year on; "next March" in January still means this March.
    const year =
      /\bnext\s+$/i.test(lead) && published.month !== undefined && month <= published.month
        ? published.year + 1
        : yearOf(month);
    const day = m[2] ? Number(m[2]) : undefined;
    candidates.push({
      at,
      date: day !== undefined && isRealDay(year, month, day) ? { year, month, day } : { year, month },
    });
  }
  if (published) {
    const s = sentence.toLowerCase();
    const relative: [RegExp, () => PartialDate | undefined][] = [
      [/\b(?:q([1-4])|(first|second|third|fourth) quarter)\b/, () => undefined],
      [/\bnext month\b/, () => (published.month === undefined ? undefined : addMonths(published, 1))],
      // A week on from a known day: the month that falls in (a partial date has no weeks).
      [/\bnext week\b/, () => (published.day === undefined ? undefined : weekLater(published))],
      [
        /\b(?:this|the current) month\b/,
        () => (published.month === undefined ? undefined : { year: published.year, month: published.month }),
      ],
      [/\bnext year\b/, () => ({ year: published.year + 1 })],
      [/\b(?:this|the|the current|the coming|the rest of the) year\b/, () => ({ year: published.year })],
      [/\b(?:19|20)\d{2}\b/, () => undefined],
    ];
    for (const [re, read] of relative) {
      const m = re.exec(s);
      if (!m || taken(m.index)) continue;
      if (re.source.startsWith('\\b(?:q')) {
        const q = m[1] ? Number(m[1]) : QUARTER_WORDS.indexOf(m[2] ?? '') + 1;
        candidates.push({ at: m.index, date: { year: published.year, quarter: q } });
      } else if (re.source.includes('\\d{2}')) {
        candidates.push({ at: m.index, date: { year: Number(m[0]) } });
      } else {
        const date = read();
        if (date) candidates.push({ at: m.index, date });
      }
    }
  }
  const usable = candidates
    .filter((c) => !published || notPast(c.date, published))
    .sort((a, b) => a.at - b.at);
  const first = usable[0];
  return first ? formatPartialDate(first.date) : undefined;
}

/** A date in the sentence that lies after publication: a sign that the sentence looks forward. */
export function mentionsFutureDate(sentence: string, published?: PartialDate): boolean {
  if (!published) return false;
  const later = (d: PartialDate) => notPast(d, published) && compare(d, published) > 0;
  if (findDates(sentence).some((m) => later(m.date))) return true;
  return [...sentence.matchAll(/\b((?:19|20)\d{2})\b/g)].some((m) => Number(m[1]) > published.year);
}
