/**
 * Where quotations sit in a paragraph, and where the sentences around them begin and end. Character
 * level on purpose: a quotation may hold several sentences, so it cannot be found sentence by sentence.
 */

export interface QuoteSpan {
  /** Index of the opening mark. */
  open: number;
  /** Index of the closing mark, or the paragraph's length when the quotation runs on. */
  close: number;
  closed: boolean;
  /** The words between the marks, trimmed. */
  inner: string;
}

const PAIRS: Record<string, string[]> = { '“': ['”'], '«': ['»'], '„': ['“', '”'] };

/** Double quotations (curly, straight, guillemets); British single curly ones when there are none. */
export function findSpans(p: string): QuoteSpan[] {
  const spans: QuoteSpan[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p.charAt(i);
    const closers = c === '"' ? ['"'] : PAIRS[c];
    if (!closers) {
      i++;
      continue;
    }
    const j = nearest(p, closers, i + 1);
    spans.push(span(p, i, j));
    if (j < 0) break;
    i = j + 1;
  }
  return spans.length > 0 ? spans : findSingleSpans(p);
}

function nearest(p: string, marks: string[], from: number): number {
  const found = marks.map((m) => p.indexOf(m, from)).filter((n) => n >= 0);
  return found.length > 0 ? Math.min(...found) : -1;
}

function span(p: string, open: number, close: number): QuoteSpan {
  const end = close < 0 ? p.length : close;
  return { open, close: end, closed: close >= 0, inner: p.slice(open + 1, end).trim() };
}

/**
 * ‘…’ doubles as apostrophes (officials’ views), so an opening mark must start a word and the
 * closing one must end the quotation: followed by a space, punctuation or the end.
 */
function findSingleSpans(p: string): QuoteSpan[] {
  const spans: QuoteSpan[] = [];
  const re = /(^|[\s(—–])‘(?=[\p{L}\p{N}])/gu;
  for (const m of p.matchAll(re)) {
    const open = (m.index ?? 0) + (m[1]?.length ?? 0);
    if (spans.length > 0 && open < (spans.at(-1)?.close ?? 0)) continue;
    const closeRe = /’(?=$|[\s,.;:!?)—–])/gu;
    closeRe.lastIndex = open + 1;
    const c = closeRe.exec(p);
    spans.push(span(p, open, c ? c.index : -1));
  }
  return spans;
}

// Words whose trailing full stop does not end a sentence.
const ABBREVIATION =
  /(?:^|[\s(])(?:Dr|Mr|Mrs|Ms|Mx|Prof|Gen|Sen|Rep|Gov|Col|Lt|Capt|Sgt|Adm|Amb|Pres|St|Jr|Sr|Mt|No|Nos|Vol|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|approx|Inc|Ltd|Co|Corp|Dept|Gov't|cf|e\.g|i\.e)\.$|(?:^|[\s(])(?:\p{L}\.)+$/u;

export const endsWithAbbreviation = (textBefore: string): boolean => ABBREVIATION.test(textBefore);

// Long enough for any abbreviation or initialism; keeps the checks below linear in paragraph length.
const LOOKBEHIND = 24;

/** Index where the sentence containing `index` starts, never before `floor`. */
export function sentenceStart(p: string, index: number, floor = 0): number {
  for (let k = index - 1; k > floor; k--) {
    if (!/\s/.test(p.charAt(k))) continue;
    let j = k - 1;
    while (j >= floor && /[”"’»)]/.test(p.charAt(j))) j--;
    if (j < floor || !/[.!?]/.test(p.charAt(j))) continue;
    const before = p.slice(Math.max(floor, j - LOOKBEHIND), j + 1);
    if (!endsWithAbbreviation(before) && /^\s*[\p{Lu}\p{N}“"‘«(]/u.test(p.slice(k, k + 4))) return k + 1;
  }
  return floor;
}

const TITLE_BEFORE_NAME = /(?:Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Gov|Col|Lt|Capt|Amb|St)\.$/;

/** Index just past the end of the sentence containing `index`, never after `ceiling`. */
export function sentenceEnd(p: string, index: number, ceiling = p.length): number {
  for (let k = index; k < ceiling; k++) {
    const c = p.charAt(k);
    if (c !== '.' && c !== '!' && c !== '?') continue;
    const next = p.charAt(k + 1);
    if (next !== '' && !/\s/.test(next)) continue;
    if (c === '.') {
      const before = p.slice(Math.max(0, k - LOOKBEHIND), k + 1);
      const after = p.slice(k + 1, k + 4);
      if (endsWithAbbreviation(before)) {
        // "U.S. officials" goes on; "Dr. Weber" goes on; "… in the U.S. Officials said" is ambiguous: a break.
        if (/^\s+[\p{Ll}\p{N}]/u.test(after)) continue;
        if (k + 1 < ceiling && TITLE_BEFORE_NAME.test(before) && /^\s+\p{Lu}/u.test(after)) continue;
      }
    }
    return k + 1;
  }
  return ceiling;
}
