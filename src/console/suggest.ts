/** "Did you mean" for mistyped command, subcommand and option names. */
import { closestName } from '../text/nearest.js';

/** The closest name within a typo's reach (see text/nearest.ts), or a unique prefix match. */
export function closest(word: string, names: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = names.filter((n) => n.startsWith(lower));
  if (lower.length >= 2 && prefixed.length === 1) return prefixed[0];
  return closestName(lower, names);
}

export const didYouMean = (word: string, names: readonly string[]): string => {
  const guess = closest(word, names);
  return guess === undefined ? '' : ` Did you mean ${guess}?`;
};
