/** Lists that must fit a budget, saying how many items were left out and where to find them. */
import { truncate } from '../limits.js';

/** Joins lines until `budget` characters, then ends with `more(n)` for the n left out. */
export function linesWithinBudget(
  lines: readonly string[],
  budget: number,
  more: (n: number) => string,
): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const left = lines.length - i - 1;
    const reserve = left > 0 ? more(left).length + 1 : 0;
    if (used + line.length + 1 + reserve > budget) {
      if (out.length === 0) {
        // Not even one line fits whole: show the start of the first.
        const cut = truncate(line, Math.max(1, budget - more(lines.length - 1).length - 1));
        return [cut, ...(lines.length > 1 ? [more(lines.length - 1)] : [])].join('\n');
      }
      out.push(more(lines.length - i));
      return out.join('\n');
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}
