/**
 * Autocomplete choices, ranked by how well they match what was typed: exact, then prefix, then the
 * start of a later word, then anywhere. Ties keep the candidates' own order (newest, most quoted…).
 * Also the same matching for resolving what a user typed without picking a choice.
 */
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import { DISCORD_LIMITS, truncate } from '../render/limits.js';
import { fold } from '../text/fold.js';

export interface Candidate {
  /** Shown to the user; a function when it is costly to build, so only the 25 shown pay for it. */
  name: string | (() => string);
  /** Sent back as the option value. */
  value: string;
  /** Texts matched against the query (id, label, title…); `name` (when a string) if omitted. */
  keys?: readonly string[];
}

export enum Match {
  Exact = 0,
  Prefix = 1,
  WordPrefix = 2,
  Substring = 3,
  None = 4,
}

/** How well one text matches a folded query. */
export function matchQuality(text: string, foldedQuery: string): Match {
  if (!foldedQuery) return Match.Prefix;
  return foldedMatch(fold(text), foldedQuery, wordStartPattern(foldedQuery));
}

// A later word start: after a space or punctuation, e.g. "def" in "security-defence".
const wordStartPattern = (foldedQuery: string): RegExp =>
  new RegExp(`(?:^|[^\\p{L}\\p{N}])${escapeRegExp(foldedQuery)}`, 'u');

function foldedMatch(t: string, q: string, wordStart: RegExp): Match {
  if (t === q) return Match.Exact;
  if (t.startsWith(q)) return Match.Prefix;
  if (!t.includes(q)) return Match.None;
  return wordStart.test(t) ? Match.WordPrefix : Match.Substring;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const nameOf = (c: Candidate): string => (typeof c.name === 'function' ? c.name() : c.name);

const keysOf = (c: Candidate): readonly string[] =>
  c.keys ?? (typeof c.name === 'string' ? [c.name] : [c.value]);

// Folding (Unicode normalisation) is the costly part of matching; candidate lists are cached per
// library snapshot (see lookup.ts), so each candidate is folded once, not once per keystroke.
const foldedKeys = new WeakMap<Candidate, readonly string[]>();
const foldedKeysOf = (c: Candidate): readonly string[] => {
  let keys = foldedKeys.get(c);
  if (!keys) {
    keys = keysOf(c).map(fold);
    foldedKeys.set(c, keys);
  }
  return keys;
};

function bestMatch(c: Candidate, q: string, wordStart: RegExp): Match {
  if (!q) return Match.Prefix;
  let best = Match.None;
  for (const k of foldedKeysOf(c)) {
    const m = foldedMatch(k, q, wordStart);
    if (m < best) best = m;
    if (best === Match.Exact) break;
  }
  return best;
}

/** Candidates that match, best first, stable within a quality. */
export function rankCandidates<C extends Candidate>(candidates: readonly C[], query: string): C[] {
  const q = fold(query);
  const wordStart = wordStartPattern(q);
  // One bucket per quality keeps candidates' own order within a quality without sorting.
  const buckets: C[][] = [[], [], [], []];
  for (const c of candidates) {
    const m = bestMatch(c, q, wordStart);
    if (m !== Match.None) buckets[m]?.push(c);
  }
  return buckets.flat();
}

/** Candidates by each folded key, in list order: exact matches without a scan. */
const exactIndexes = new WeakMap<readonly Candidate[], Map<string, Candidate[]>>();
function exactMatches(candidates: readonly Candidate[], q: string): Candidate[] {
  let index = exactIndexes.get(candidates);
  if (!index) {
    index = new Map();
    for (const c of candidates) {
      for (const k of new Set(foldedKeysOf(c))) {
        const list = index.get(k);
        if (list) list.push(c);
        else index.set(k, [c]);
      }
    }
    exactIndexes.set(candidates, index);
  }
  return index.get(q) ?? [];
}

const isChoiceValue = (value: string): boolean =>
  value.length > 0 && value.length <= DISCORD_LIMITS.choiceValue;

/**
 * The ranking rankChoices needs: exact matches come from an index, and the scan stops once exact
 * and prefix matches give enough distinct choices, since nothing later can rank above them.
 */
function rankForChoices(candidates: readonly Candidate[], query: string, enough: number): Candidate[] {
  const q = fold(query);
  const exact = q ? exactMatches(candidates, q) : [];
  const exactSet = new Set(exact);
  const values = new Set(exact.filter((c) => isChoiceValue(c.value)).map((c) => c.value));
  const wordStart = wordStartPattern(q);
  const prefix: Candidate[] = [];
  const later: Candidate[][] = [[], []];
  for (const c of candidates) {
    if (values.size >= enough) return [...exact, ...prefix];
    if (exactSet.has(c)) continue;
    const m = bestMatch(c, q, wordStart);
    if (m === Match.Prefix) {
      prefix.push(c);
      if (isChoiceValue(c.value)) values.add(c.value);
    } else if (m === Match.WordPrefix || m === Match.Substring) {
      later[m - Match.WordPrefix]?.push(c);
    }
  }
  return [...exact, ...prefix, ...later.flat()];
}

/** At most 25 ranked choices with Discord's 100-character name and value limits respected. */
export function rankChoices(
  candidates: readonly Candidate[],
  query: string,
): APIApplicationCommandOptionChoice[] {
  const out: APIApplicationCommandOptionChoice[] = [];
  const seen = new Set<string>();
  for (const c of rankForChoices(candidates, query, DISCORD_LIMITS.choices)) {
    if (out.length >= DISCORD_LIMITS.choices) break;
    if (!isChoiceValue(c.value) || seen.has(c.value)) continue;
    seen.add(c.value);
    out.push({
      name: truncate(nameOf(c).replace(/\s+/g, ' ').trim() || c.value, DISCORD_LIMITS.choiceName),
      value: c.value,
    });
  }
  return out;
}

/**
 * What a typed value most likely means: an exact match on any key, else the single best candidate
 * when it is clearly better than the rest (one prefix match, say). Undefined when unsure.
 */
export function resolveTyped<C extends Candidate>(candidates: readonly C[], typed: string): C | undefined {
  const q = fold(typed);
  if (!q) return undefined;
  const wordStart = wordStartPattern(q);
  const scored = candidates
    .map((c) => ({ c, m: bestMatch(c, q, wordStart) }))
    .filter((x) => x.m !== Match.None)
    .sort((a, b) => a.m - b.m);
  const [first, second] = scored;
  if (!first) return undefined;
  if (first.m === Match.Exact) return first.c;
  return !second || second.m > first.m ? first.c : undefined;
}
