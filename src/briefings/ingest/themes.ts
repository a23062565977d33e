/**
 * Themes from `data/themes.yaml` keywords, matched on word stems (Porter2 via wink-nlp), so
 * "reconstruction" finds "reconstructing" and "defence" in a keyword never matches "defenceless"
 * by accident of substring. Multi-word keywords match as consecutive stems.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { UserError } from '../../errors.js';
import { type Theme, ThemesFileSchema } from '../schema.js';
import { isStopWord, stems, tokenize } from './text.js';

export interface CompiledKeyword {
  /** As written in themes.yaml (or the label word), for the curator. */
  text: string;
  stems: string[];
}

export interface CompiledTheme {
  id: string;
  keywords: CompiledKeyword[];
}

export interface ThemeScore {
  id: string;
  score: number;
  /** Keywords that matched, as written in themes.yaml, for the report. */
  matched: string[];
}

export interface ThemeChoice {
  themes: string[];
  scores: ThemeScore[];
  /** True when no keyword matched and a fallback theme was chosen. */
  fallback: boolean;
}

/** Reads and validates a themes file; every problem is named with its line. */
export async function loadThemes(path: string): Promise<Theme[]> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the themes file ${path}: ${(e as Error).message}`);
  }
  const doc = parseDocument(raw, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new UserError(`${path} is not valid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  const parsed = ThemesFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new UserError(`${path} does not match the themes schema:\n${lines.join('\n')}`);
  }
  return parsed.data.themes;
}

export function compileThemes(themes: readonly Theme[]): CompiledTheme[] {
  return themes.map((t) => {
    const keywords = t.keywords.map((k) => ({ text: k, stems: stems(k) })).filter((k) => k.stems.length > 0);
    // The label's own content words ("Humanitarian", "Security & defence") count as keywords too.
    for (const word of tokenize(t.label)) {
      if (word.isWord && !isStopWord(word.text) && word.text.length > 2) {
        keywords.push({ text: word.text.toLowerCase(), stems: [word.stem] });
      }
    }
    return { id: t.id, keywords: dedupe(keywords) };
  });
}

const dedupe = (list: CompiledKeyword[]): CompiledKeyword[] => {
  const seen = new Set<string>();
  return list.filter((k) => {
    const key = k.stems.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** How often each theme's keywords occur in a stem sequence. */
export function scoreStems(textStems: readonly string[], themes: readonly CompiledTheme[]): ThemeScore[] {
  return themes
    .map((t) => {
      let score = 0;
      const matched: string[] = [];
      for (const kw of t.keywords) {
        const n = countSequence(textStems, kw.stems);
        if (n > 0) {
          score += n * kw.stems.length;
          matched.push(kw.text);
        }
      }
      return { id: t.id, score, matched };
    })
    .sort((a, b) => b.score - a.score);
}

function countSequence(haystack: readonly string[], needle: readonly string[]): number {
  let n = 0;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    n++;
  }
  return n;
}

const MAX_THEMES = 3;

/**
 * Themes for a passage: the best-scoring one, plus any that score at least half as well (and more
 * than a single passing mention). The heading counts three times: it says what the section is about.
 */
export function chooseThemes(
  heading: string | undefined,
  body: string,
  themes: readonly CompiledTheme[],
  fallbackId: string,
): ThemeChoice {
  const headingScores = heading ? scoreStems(stems(heading), themes) : [];
  const bodyScores = scoreStems(stems(body), themes);
  const combined = bodyScores
    .map((b) => {
      const h = headingScores.find((x) => x.id === b.id);
      return {
        id: b.id,
        score: b.score + 3 * (h?.score ?? 0),
        matched: [...new Set([...(h?.matched ?? []), ...b.matched])],
      };
    })
    .sort((a, b) => b.score - a.score);
  const top = combined[0];
  if (!top || top.score === 0) return { themes: [fallbackId], scores: combined, fallback: true };
  const chosen = combined
    .filter((s, i) => i === 0 || (s.score >= top.score / 2 && s.score >= 2))
    .slice(0, MAX_THEMES)
    .map((s) => s.id);
  return { themes: chosen, scores: combined, fallback: false };
}

/** `outlook` when the taxonomy has it (the catch-all for forward-looking content), else the first theme. */
export function fallbackTheme(themes: readonly Theme[]): string {
  return themes.find((t) => t.id === 'outlook')?.id ?? themes[0]?.id ?? 'outlook';
}
