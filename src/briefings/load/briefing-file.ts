/**
 * Checks one briefing file on its own (everything except theme ids and duplicate ids, which need
 * the other files). A fast path (js-yaml + zod) accepts the common, valid file; anything it does
 * not accept is read again by the exact reader, which is the authority on what is wrong and where.
 */
import type { DataProblem } from '../index.js';
import { type Briefing, BriefingSchema } from '../schema.js';
import { capProblems } from './cap.js';
import { draftMarkProblems, mayHaveDraftMarks } from './draft-marks.js';
import { describeIssues } from './issues.js';
import { MAX_FILE_BYTES, tooLarge } from './limits.js';
import { decodeUtf8 } from './text.js';
import { fieldOf, type PathSegment, type Position, parseExact } from './yaml-exact.js';
import { loadFast } from './yaml-fast.js';

export interface ThemeRef {
  id: string;
  path: PathSegment[];
  /** Known when the exact reader saw the file; found on demand otherwise. */
  at?: Position;
}

export interface BriefingOutcome {
  /** Path shown to curators. */
  file: string;
  /** Path on disk. */
  path: string;
  /** The id the file name implies. */
  expectedId: string;
  /** The id the file declares, when it declares one as text. */
  id?: string;
  idAt?: Position;
  /** Set when the file on its own is valid. */
  briefing?: Briefing;
  problems: DataProblem[];
  /**
   * Theme ids the file refers to, located. Left out for a file the fast path accepted: derive
   * them from `briefing` when needed (most reloads never need them, and 10,000 files' worth of
   * small objects would only take memory).
   */
  themeRefs?: ThemeRef[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Theme ids a briefing refers to, wherever they are, with their field paths; `only` filters them. */
export const themeRefsOf = (data: unknown, only: (id: string) => boolean = () => true): ThemeRef[] => {
  const refs: ThemeRef[] = [];
  if (!isRecord(data)) return refs;
  for (const list of ['sections', 'quotes', 'looking_ahead'] as const) {
    const items = data[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, i) => {
      if (!isRecord(item) || !Array.isArray(item.themes)) return;
      item.themes.forEach((id: unknown, j) => {
        if (typeof id === 'string' && only(id)) refs.push({ id, path: [list, i, 'themes', j] });
      });
    });
  }
  return refs;
};

const wholeFile = (file: string, message: string, line = 1, column = 1): DataProblem => ({
  file,
  line,
  column,
  field: '',
  message,
});

const EMPTY =
  'the file is empty: a briefing needs at least id, title, source, published, summary and sections';

const fastPath = (text: string, expectedId: string): Briefing | undefined => {
  const fast = loadFast(text);
  if (!fast) return undefined;
  const parsed = BriefingSchema.safeParse(fast.data);
  if (!parsed.success || parsed.data.id !== expectedId) return undefined;
  // Leftover draft marks need the comments, which only the exact reader sees.
  return parsed.data.status === 'published' && mayHaveDraftMarks(text) ? undefined : parsed.data;
};

export const checkBriefingFile = (
  file: string,
  path: string,
  expectedId: string,
  bytes: Buffer,
  options: { exact?: boolean } = {},
): BriefingOutcome => {
  const base = { file, path, expectedId };
  if (bytes.length === 0) return { ...base, problems: [wholeFile(file, EMPTY)], themeRefs: [] };
  // Callers check the size before reading; this catches a file that grew in between.
  if (bytes.length > MAX_FILE_BYTES) {
    return { ...base, problems: [wholeFile(file, tooLarge(bytes.length))], themeRefs: [] };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const field = parseExact(bytes.toString('utf8')).fieldAt(decoded.offset);
    const problem = { ...wholeFile(file, decoded.message, decoded.line, decoded.column), field };
    return { ...base, problems: [problem], themeRefs: [] };
  }

  if (!options.exact) {
    const briefing = fastPath(decoded.text, expectedId);
    if (briefing) return { ...base, id: briefing.id, briefing, problems: [] };
  }

  const doc = parseExact(decoded.text);
  if (doc.syntax.length > 0) {
    // The tree behind a syntax error is a guess; checking its fields would only add noise.
    return {
      ...base,
      problems: capProblems(
        file,
        doc.syntax.map((s) => ({ file, ...s })),
      ),
      themeRefs: [],
    };
  }
  if (doc.data === undefined) return { ...base, problems: [wholeFile(file, EMPTY)], themeRefs: [] };

  const data = doc.data;
  const parsed = BriefingSchema.safeParse(data);
  const problems: DataProblem[] = parsed.success
    ? []
    : describeIssues(parsed.error.issues, data, BriefingSchema).map((issue) => ({
        file,
        ...(issue.key === undefined ? doc.at(issue.path) : doc.keyAt(issue.path.slice(0, -1), issue.key)),
        field: fieldOf(issue.path),
        message: issue.message,
      }));

  const id = isRecord(data) && typeof data.id === 'string' ? data.id : undefined;
  const idAt = id === undefined ? undefined : doc.at(['id']);
  if (id !== undefined && idAt && id !== expectedId) {
    problems.push({
      file,
      ...idAt,
      field: 'id',
      message: `id "${id}" does not match the file name ${expectedId}.yaml: rename the file to ${id}.yaml or set id: ${expectedId}`,
    });
  }

  const status = isRecord(data) ? (data.status ?? 'published') : undefined;
  if (status === 'published' && mayHaveDraftMarks(decoded.text)) {
    problems.push(...draftMarkProblems(file, decoded.text, doc, data));
  }

  const themeRefs = themeRefsOf(data).map((ref) => ({ ...ref, at: doc.at(ref.path) }));
  const briefing = parsed.success && problems.length === 0 ? parsed.data : undefined;
  return { ...base, id, idAt, briefing, problems: capProblems(file, problems), themeRefs };
};
