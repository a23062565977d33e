/**
 * A title for an article that has no title line: the article's most repeated key phrase joined to
 * the main clause of its lead ("US Ukraine talks: renewed diplomatic momentum"). Always flagged in
 * the draft as derived; the curator is expected to replace it.
 */
import { capitalizeFirst, isStopWord, wordCount } from './text.js';

const SOURCE_VERB =
  /^(?:.{0,80}?)\b(?:highlights|reports|reported|writes|notes|says|said|understands|reveals|observes|examines|explores)\s+(?:that\s+)?/;
const CLAUSE_BREAK =
  /\s+(?:as|while|amid|after|with|when|where|because|following|despite|which|who)\s+|[,;:—–]\s*/;

/** The most frequent run of 2–4 words containing a capitalised non-initial word, seen ≥ 3 times. */
export function keyPhrase(sentences: readonly string[]): string | undefined {
  const counts = new Map<string, { text: string; n: number }>();
  for (const sentence of sentences) {
    const words = sentence.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
    for (let len = 2; len <= 4; len++) {
      for (let i = 0; i + len <= words.length; i++) {
        const run = words.slice(i, i + len);
        if (run.some((w) => !w || isStopWord(w))) continue;
        // A capital that is not just the sentence's first letter: a name is involved.
        if (!run.some((w, k) => /^\p{Lu}/u.test(w) && i + k > 0)) continue;
        const key = run.join(' ').toLowerCase();
        const entry = counts.get(key) ?? { text: run.join(' '), n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
    }
  }
  const best = [...counts.values()]
    .filter((e) => e.n >= 3)
    .sort((a, b) => b.n - a.n || wordCount(b.text) - wordCount(a.text))[0];
  return best?.text;
}

export function deriveTitle(sentences: readonly string[], source?: string): string {
  const lead = sentences[0] ?? '';
  let clause = lead;
  if (source && clause.startsWith(source)) clause = clause.slice(source.length).trim();
  clause = clause.replace(SOURCE_VERB, '');
  const parts = clause.split(CLAUSE_BREAK);
  const main = (parts[0] ?? clause).replace(/[.!?]+$/, '').trim();
  const short = wordCount(main) >= 3 ? main : clause.replace(/[.!?]+$/, '');
  const phrase = keyPhrase(sentences);
  if (phrase && !short.toLowerCase().includes(phrase.toLowerCase())) {
    return `${phrase}: ${short.charAt(0).toLowerCase() === short.charAt(0) ? short : lowerFirstIfCommon(short)}`;
  }
  return capitalizeFirst(short);
}

/** "Renewed momentum" reads better as "renewed momentum" after a colon; names keep their capital. */
function lowerFirstIfCommon(s: string): string {
  const first = s.split(/\s+/)[0] ?? '';
  return /^\p{Lu}\p{Ll}+$/u.test(first) && isStopWord(first.toLowerCase())
    ? s.charAt(0).toLowerCase() + s.slice(1)
    : s;
}
