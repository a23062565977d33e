/**
 * A file can hold thousands of slips (a pasted list, a runaway script). Listing all of them helps
 * no one and costs a hot reload seconds on the main thread, so each file's list stops at a cap
 * and one line says how many more there are.
 */
import type { DataProblem } from '../index.js';

export const MAX_PROBLEMS_PER_FILE = 50;

const byPosition = (a: DataProblem, b: DataProblem) => a.line - b.line || a.column - b.column;

const countOf = (n: number) => `${n.toLocaleString('en-US')} more problem${n === 1 ? '' : 's'}`;

/**
 * One file's problems in line order, at most `max` of them, then the line standing for the rest.
 * Lists that were capped before (a file's own check, then the folder-wide one) merge their counts.
 */
export const capProblems = (
  file: string,
  problems: readonly DataProblem[],
  max = MAX_PROBLEMS_PER_FILE,
): DataProblem[] => {
  let more = 0;
  let earlier: DataProblem | undefined;
  const listed: DataProblem[] = [];
  for (const p of problems) {
    if (p.more === undefined) listed.push(p);
    else {
      more += p.more;
      earlier ??= p;
    }
  }
  listed.sort(byPosition);
  const cut = listed.splice(max);
  more += cut.length;
  const at = cut[0] ?? earlier;
  if (more === 0 || !at) return listed;
  listed.push({
    file,
    line: at.line,
    column: at.column,
    field: '',
    message: `… and ${countOf(more)} in this file (only the first ${max} are listed)`,
    more,
  });
  return listed;
};
