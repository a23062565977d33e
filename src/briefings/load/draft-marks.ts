/**
 * A draft from `npm run ingest` marks what the tool did in comments (PLACEHOLDER, EXTRACTIVE, …).
 * Those marks are the curator's to-do list, so a published briefing that still carries one has not
 * been reviewed: each leftover mark is a problem at its own line, named by the field it is about.
 * Drafts may carry them; they are never served.
 */
import { Parser } from 'yaml';
import type { DataProblem } from '../index.js';
import { DRAFT_HEADER, DRAFT_MARKS, PLACEHOLDER_SOURCE_NAME } from '../ingest/draft.js';
import type { ExactDoc } from './yaml-exact.js';

/** A cheap test first: almost every published file has none of these strings and is done here. */
export const mayHaveDraftMarks = (text: string): boolean =>
  text.includes(PLACEHOLDER_SOURCE_NAME) ||
  text.includes(DRAFT_HEADER) ||
  DRAFT_MARKS.some(({ mark }) => text.includes(mark));

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A mark counts as a word of its own: "EXTRACTIVE:" is one, "non-EXTRACTIVE" is not.
const MARK_RE = new RegExp(
  `(?<![\\w-])(${DRAFT_MARKS.map(({ mark }) => literal(mark)).join('|')})(?![\\w-])`,
);

interface Comment {
  offset: number;
  source: string;
}

/** Every comment of the text, in order, from yaml's concrete syntax tree (so no `#` inside a value counts). */
const commentsOf = (text: string): Comment[] => {
  const found: Comment[] = [];
  const stack: unknown[] = [...new Parser().parse(text)];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      const t = v as { type?: unknown; offset?: unknown; source?: unknown };
      if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
        found.push({ offset: t.offset, source: t.source });
      } else stack.push(...Object.values(v));
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
};

/** Offset of the first content on the line starting at `start`, past any `- ` item markers. */
const contentOn = (text: string, start: number): number => {
  const m = /^[ \t]*(?:-[ \t]+)*/.exec(text.slice(start, text.indexOf('\n', start) >>> 0));
  return start + (m?.[0].length ?? 0);
};

/**
 * The field a comment is about: the value on its own line for a trailing comment, else the next
 * line holding content (the writer puts its marks on the line before a key or list item).
 */
const fieldOfComment = (text: string, doc: ExactDoc, offset: number): string => {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (text.slice(lineStart, offset).trim() !== '') return doc.fieldAt(contentOn(text, lineStart));
  let next = text.indexOf('\n', offset);
  while (next >= 0) {
    const start = next + 1;
    const line = text.slice(start, text.indexOf('\n', start) >>> 0).trim();
    if (line !== '' && !line.startsWith('#')) return doc.fieldAt(contentOn(text, start));
    next = text.indexOf('\n', start);
  }
  return '';
};

const LEAVE = 'then delete the comment (or keep status: draft until then)';

export const draftMarkProblems = (
  file: string,
  text: string,
  doc: ExactDoc,
  data: unknown,
): DataProblem[] => {
  const problems: DataProblem[] = [];
  const contentLine = doc.at([]).line;
  let headerSeen = false;
  for (const c of commentsOf(text)) {
    const at = doc.positionOf(c.offset);
    // The header's legend names every mark; the header itself is one leftover, not six.
    if (at.line < contentLine && (headerSeen || c.source.includes(DRAFT_HEADER))) {
      if (!headerSeen) {
        problems.push({
          file,
          ...at,
          field: '',
          message: `published briefing still has the draft header of npm run ingest ("${DRAFT_HEADER} …"): review the briefing, ${LEAVE.replace('the comment', 'the header')}`,
        });
      }
      headerSeen = true;
      continue;
    }
    const mark = MARK_RE.exec(c.source)?.[1];
    const todo = DRAFT_MARKS.find((m) => m.mark === mark)?.todo;
    if (!mark || !todo) continue;
    problems.push({
      file,
      ...at,
      field: fieldOfComment(text, doc, c.offset),
      message: `published briefing still has ingest's ${mark} mark: ${todo}, ${LEAVE}`,
    });
  }
  const source = (data as { source?: { name?: unknown } } | undefined)?.source;
  if (source?.name === PLACEHOLDER_SOURCE_NAME && !problems.some((p) => p.field === 'source.name')) {
    problems.push({
      file,
      ...doc.at(['source', 'name']),
      field: 'source.name',
      message: `"${PLACEHOLDER_SOURCE_NAME}" is ingest's placeholder: name the source the article comes from`,
    });
  }
  return problems;
};
