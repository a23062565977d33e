/**
 * The shape of a plain-text article: an optional title line and header lines (byline, date,
 * source), then paragraphs with short heading lines between sections. Works both for one paragraph
 * per line and for text hard-wrapped at a fixed width with blank lines between paragraphs.
 */
import { findDates, type PartialDate } from './dates.js';
import { squash, wordCount } from './text.js';

export interface RawSection {
  /** Undefined for the lead before the first heading (or a whole article without headings). */
  heading?: string;
  paragraphs: string[];
}

export interface ArticleStructure {
  title?: string;
  byline?: string;
  /** A date found on a header line such as "Published 14 January 2026". */
  headerDate?: PartialDate;
  /** A source named on a header line such as "Source: Brussels Morning Newspaper". */
  headerSource?: string;
  /** The header lines as written (dateline or byline on its own line), for where and by whom. */
  headerLines: string[];
  sections: RawSection[];
}

const CLOSERS = /[”"’»)\]*_]+$/;
/** The line's last meaningful character, looking through closing quotes and brackets. */
const lastChar = (line: string): string => line.replace(CLOSERS, '').slice(-1);
const ENDS_SENTENCE = /[.!?…:;,]/;

const MARKDOWN_HEADING = /^#{1,6}\s+(.+?)\s*#*$/;
const BYLINE = /^By\s+(?:the\s+)?[\p{Lu}]/u;
const SOURCE_LINE = /^(?:Source|Publication|Publisher|Via)\s*[:—–-]\s*(.+)$/i;
const META_PREFIX = /^(?:Published|Updated|Posted|Last updated|Filed|Dated)\b/i;
const NOISE = /^(?:Photo|Image|Picture|Credit|Advertisement|Read more|Related|Share this|Subscribe)\b/i;

const stripMarkdown = (line: string): string =>
  line.replace(/^\*\*(.+)\*\*$/, '$1').replace(/^__(.+)__$/, '$1');

/** Short, capitalised, unpunctuated: the shape of a heading or a title. */
export function isHeadingShaped(line: string, maxWords = 20): boolean {
  const text = stripMarkdown(line.trim());
  const words = wordCount(text);
  if (words === 0 || words > maxWords || text.length > 200) return false;
  if (!/^[\p{Lu}\p{N}“"‘']/u.test(text)) return false;
  const last = lastChar(text);
  if (last === '?' || last === '!') return words <= 14;
  return !ENDS_SENTENCE.test(last);
}

interface Line {
  text: string;
  blankBefore: boolean;
  blankAfter: boolean;
}

function toLines(text: string): Line[] {
  const raw = text.split('\n').map((l) => squash(l));
  const out: Line[] = [];
  raw.forEach((t, i) => {
    if (t === '') return;
    out.push({
      text: t,
      blankBefore: i === 0 || raw[i - 1] === '',
      blankAfter: i === raw.length - 1 || raw[i + 1] === '',
    });
  });
  return out;
}

/** The width the text was wrapped at, or undefined when each paragraph is one line. */
function wrapWidth(lines: Line[]): number | undefined {
  if (lines.length < 6) return undefined;
  const lengths = lines.map((l) => l.text.length).sort((a, b) => a - b);
  const max = lengths.at(-1) ?? 0;
  if (max > 120) return undefined;
  const nearMax = lengths.filter((n) => n >= max * 0.8).length;
  return nearMax / lengths.length >= 0.3 ? max : undefined;
}

function isMetaLine(line: Line): boolean {
  const text = line.text;
  if (BYLINE.test(text) && wordCount(text) <= 12) return true;
  if (SOURCE_LINE.test(text)) return true;
  // A dated header line stands alone; in wrapped text a dateline starts the lead paragraph instead.
  const standalone = META_PREFIX.test(text) || line.blankAfter || wordCount(text) <= 6;
  // "Updated Sept. 10, 2026, 4:15 p.m." ends with a full stop and is still a header line.
  const sentenceLike = /[.!?]$/.test(text) && !META_PREFIX.test(text) && !/\b[ap]\.m\.$/i.test(text);
  return wordCount(text) <= 14 && findDates(text).length > 0 && standalone && !sentenceLike;
}

export function parseStructure(text: string): ArticleStructure {
  const lines = toLines(text);
  const width = wrapWidth(lines);
  const result: ArticleStructure = { headerLines: [], sections: [] };
  let i = 0;

  const first = lines[0];
  if (first && isHeadingShaped(first.text.replace(MARKDOWN_HEADING, '$1'), 30) && lines.length > 1) {
    result.title = stripMarkdown(first.text.replace(MARKDOWN_HEADING, '$1'));
    i = 1;
  }
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (!line || !isMetaLine(line)) break;
    result.headerLines.push(line.text);
    readMeta(line.text, result);
  }

  let current: RawSection = { paragraphs: [] };
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length > 0) current.paragraphs.push(buffer.join(' '));
    buffer = [];
  };

  for (; i < lines.length; i++) {
    const line = lines[i] as Line;
    const next = lines[i + 1];
    const prev = buffer.at(-1);
    const startsParagraph = prev === undefined || line.blankBefore;
    if (NOISE.test(line.text) && wordCount(line.text) <= 12 && startsParagraph) continue;
    const heading = startsParagraph ? headingText(line, next, width) : undefined;
    if (heading !== undefined) {
      flush();
      if (current.heading !== undefined || current.paragraphs.length > 0) result.sections.push(current);
      current = { heading, paragraphs: [] };
      continue;
    }
    buffer.push(line.text);
    if (!continuesOnNextLine(line, next, width)) flush();
  }
  flush();
  if (current.heading !== undefined || current.paragraphs.length > 0) result.sections.push(current);
  // A heading with nothing under it is more likely a stray line than a section.
  result.sections = result.sections.filter((s) => s.paragraphs.length > 0);
  return result;
}

function readMeta(text: string, into: ArticleStructure): void {
  const source = SOURCE_LINE.exec(text);
  if (source?.[1]) into.headerSource = source[1].trim();
  else if (BYLINE.test(text)) into.byline = text.replace(/^By\s+/, '').trim();
  else if (/[|•·]/.test(text)) {
    // "*Atlantic Affairs Review* | Washington, D.C., April 2, 2026": the undated part names the outlet.
    const parts = text.split(/\s*[|•·]\s*/).map((p) => p.replace(/^[*_]+|[*_]+$/g, '').trim());
    const outlet = parts.find((p) => p && findDates(p).length === 0 && !/\bmin(?:ute)?s?\b/i.test(p));
    if (outlet && parts.indexOf(outlet) === 0) into.headerSource ??= outlet;
  }
  const date = findDates(text)[0];
  if (date && !into.headerDate) into.headerDate = date.date;
}

function headingText(line: Line, next: Line | undefined, width: number | undefined): string | undefined {
  const md = MARKDOWN_HEADING.exec(line.text);
  if (md?.[1]) return stripMarkdown(md[1]);
  if (!next) return undefined;
  if (!isHeadingShaped(line.text)) return undefined;
  if (/^[\p{Ll}]/u.test(next.text) && !line.blankAfter) return undefined;
  // In wrapped text a line near the full width is the start of a paragraph, not a heading.
  if (width !== undefined && !line.blankAfter && line.text.length >= width * 0.8) return undefined;
  return stripMarkdown(line.text);
}

function continuesOnNextLine(line: Line, next: Line | undefined, width: number | undefined): boolean {
  if (!next || line.blankAfter) return false;
  if (width !== undefined) return true;
  // One paragraph per line, except a line broken mid-sentence.
  return !ENDS_SENTENCE.test(lastChar(line.text)) && /^[\p{Ll}]/u.test(next.text);
}
