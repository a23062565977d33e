/**
 * Checks themes.yaml. It is small, so the exact reader always runs. Themes that are valid on
 * their own are salvaged so a first start with a slip in one theme still has the others, but the
 * file counts as usable only when it has no problem at all.
 */
import { readFile, stat } from 'node:fs/promises';
import type { DataProblem } from '../index.js';
import { type Theme, ThemeSchema, ThemesFileSchema } from '../schema.js';
import { capProblems } from './cap.js';
import { isMissing } from './file-task.js';
import { describeIssues } from './issues.js';
import { MAX_FILE_BYTES, tooLarge } from './limits.js';
import { decodeUtf8 } from './text.js';
import { fieldOf, parseExact } from './yaml-exact.js';

export interface ThemesOutcome {
  file: string;
  themes: Theme[];
  /** No problem at all: briefings' theme ids can be checked against it. */
  usable: boolean;
  problems: DataProblem[];
}

const unusable = (file: string, message: string, line = 1, column = 1): ThemesOutcome => ({
  file,
  themes: [],
  usable: false,
  problems: [{ file, line, column, field: '', message }],
});

/** `bytes` is undefined when the file does not exist. */
export const checkThemesFile = (file: string, bytes: Buffer | undefined): ThemesOutcome => {
  if (bytes === undefined) {
    return unusable(file, 'missing: a data folder needs themes.yaml, the list of themes briefings refer to');
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return unusable(file, decoded.message, decoded.line, decoded.column);
  const doc = parseExact(decoded.text);
  if (doc.syntax.length > 0) {
    return {
      file,
      themes: [],
      usable: false,
      problems: capProblems(
        file,
        doc.syntax.map((s) => ({ file, ...s })),
      ),
    };
  }
  if (doc.data === undefined) return unusable(file, 'the file is empty: list the themes under "themes:"');

  const data = doc.data;
  const parsed = ThemesFileSchema.safeParse(data);
  const problems: DataProblem[] = parsed.success
    ? []
    : describeIssues(parsed.error.issues, data, ThemesFileSchema).map((issue) => ({
        file,
        ...(issue.key === undefined ? doc.at(issue.path) : doc.keyAt(issue.path.slice(0, -1), issue.key)),
        field: fieldOf(issue.path),
        message: issue.message,
      }));

  const entries =
    typeof data === 'object' && data !== null && 'themes' in data && Array.isArray(data.themes)
      ? data.themes
      : [];
  const themes: Theme[] = [];
  const firstAt = new Map<string, number>();
  entries.forEach((entry: unknown, i) => {
    const theme = ThemeSchema.safeParse(entry);
    if (!theme.success) return;
    const seen = firstAt.get(theme.data.id);
    if (seen === undefined) {
      firstAt.set(theme.data.id, i);
      themes.push(theme.data);
      return;
    }
    const first = doc.at(['themes', seen, 'id']);
    problems.push({
      file,
      ...doc.at(['themes', i, 'id']),
      field: `themes[${i}].id`,
      message: `duplicate theme id "${theme.data.id}": already defined at line ${first.line} (themes[${seen}])`,
    });
  });
  return { file, themes, usable: problems.length === 0, problems: capProblems(file, problems) };
};

/** Reads and checks themes.yaml at `path`; `found` says whether there was a file at all. */
export const readThemesFile = async (
  path: string,
  file: string,
): Promise<{ outcome: ThemesOutcome; found: boolean }> => {
  try {
    const { size } = await stat(path);
    if (size > MAX_FILE_BYTES) return { outcome: unusable(file, tooLarge(size)), found: true };
    return { outcome: checkThemesFile(file, await readFile(path)), found: true };
  } catch (e) {
    if (isMissing(e)) return { outcome: checkThemesFile(file, undefined), found: false };
    throw e;
  }
};
