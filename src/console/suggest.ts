/** "Did you mean" for mistyped command, subcommand and option names. */
import { distance } from 'fastest-levenshtein';

/** The closest name within a typo's reach (a third of the word, at least 1), or a unique prefix match. */
export function closest(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = names.filter((n) => n.startsWith(lower));
  if (lower.length >= 2 && prefixed.length === 1) return prefixed[0];
  const reach = Math.max(1, Math.floor(lower.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(lower, name);
    if (d <= reach && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}

export const didYouMean = (word: string, names: readonly string[]): string => {
  const guess = closest(word, names);
  return guess === undefined ? '' : ` Did you mean ${guess}?`;
};
