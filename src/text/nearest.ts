/**
 * "Did you mean": the names closest to a mistyped word by edit distance. Shared by the console
 * (commands, subcommands, option names), the lookups of themes, briefings and speakers, and the
 * data loader (field names, theme ids).
 */
import { distance } from 'fastest-levenshtein';
import { fold } from './fold.js';

/** How many edits still read as a typo: a third of the word, at least one. */
const typoReach = (word: string): number => Math.max(1, Math.floor(fold(word).length / 3));

/**
 * Edit distance where swapping two neighbouring letters is one edit, not two: "breif" is one typo
 * away from "brief". Levenshtein alone would put it as far as any two-letter change.
 */
function typoDistance(a: string, b: string, reach = Number.POSITIVE_INFINITY): number {
  const d = distance(a, b);
  // A swap saves at most one edit, so only a distance just past the reach can come back into it.
  if (d <= 1 || d > reach + 1) return d;
  let best = d;
  for (let i = 0; i + 1 < a.length; i++) {
    if (a[i] === a[i + 1]) continue;
    const swapped = `${a.slice(0, i)}${a[i + 1]}${a[i]}${a.slice(i + 2)}`;
    best = Math.min(best, distance(swapped, b) + 1);
    if (best === 1) break;
  }
  return best;
}

const wordsOf = (s: string): string[] => s.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4);

/**
 * The items within a typo's reach of `typed`, closest first (ties keep the items' own order).
 * An item matches on any of its keys, or on one word of a key when a single word was typed
 * ("securty" finds security-defence).
 */
export function nearest<T>(items: readonly T[], typed: string, keysOf: (item: T) => readonly string[]): T[] {
  const word = fold(typed);
  if (word === '') return [];
  const reach = typoReach(word);
  const oneWord = !/[^\p{L}\p{N}]/u.test(word);
  const scored: { item: T; d: number }[] = [];
  for (const item of items) {
    let best = Number.POSITIVE_INFINITY;
    for (const raw of keysOf(item)) {
      const key = fold(raw);
      const parts = oneWord ? [key, ...wordsOf(key)] : [key];
      for (const part of parts) {
        if (Math.abs(part.length - word.length) > reach) continue;
        best = Math.min(best, typoDistance(word, part, reach));
      }
    }
    if (best <= reach) scored.push({ item, d: best });
  }
  // Array.prototype.sort is stable, so equally close items keep the list's order.
  return scored.sort((a, b) => a.d - b.d).map((s) => s.item);
}

/** The one name closest to `typed` within a typo's reach, or undefined. */
export const closestName = (typed: string, names: readonly string[]): string | undefined =>
  nearest(names, typed, (n) => [n])[0];
