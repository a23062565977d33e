/**
 * `npm run data:check [dir]`: checks a data folder the way the bot loads it and prints every
 * problem as `file:line:column field — message`, then one summary line. Exits 1 on any problem,
 * so CI (and a curator about to move a folder in) can rely on it. Needs no Library: it counts
 * what the loader accepted.
 */
import { pathToFileURL } from 'node:url';
import { countProblems, formatProblem, type LoadResult } from './index.js';
import { scanData, settle } from './loader.js';

const USAGE = `usage: npm run data:check -- [dir]

Checks <dir>/themes.yaml and <dir>/briefings/*.yaml (dir defaults to "data") and prints every
problem as file:line:column field — message. Exits 0 when the data is clean, 1 on any problem.`;

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export const summarize = (label: string, result: LoadResult): string => {
  const drafts = result.briefings.filter((b) => b.status === 'draft').length;
  let sections = 0;
  let quotes = 0;
  let lookahead = 0;
  for (const b of result.briefings) {
    sections += b.sections.length;
    quotes += b.quotes.length;
    lookahead += b.looking_ahead.length;
  }
  const counts = [
    `${plural(result.briefings.length, 'briefing')} (${plural(drafts, 'draft')})`,
    plural(result.themes.length, 'theme'),
    plural(sections, 'section'),
    plural(quotes, 'quote'),
    plural(lookahead, 'looking-ahead item'),
  ].join(', ');
  const files = new Set(result.problems.map((p) => p.file)).size;
  const count = countProblems(result.problems);
  const verdict = count === 0 ? 'OK' : `${plural(count, 'problem')} in ${plural(files, 'file')}`;
  return `${label}: ${counts} — ${verdict}`;
};

export interface CheckIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIO: CheckIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Returns the exit code: 0 clean, 1 problems found, 2 the command itself was misused. */
export const main = async (args: readonly string[], io: CheckIO = consoleIO): Promise<number> => {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length > 0 || args.length > 1) {
    io.err(unknown.length > 0 ? `unknown option ${unknown.join(', ')}` : 'give at most one folder');
    io.err(USAGE);
    return 2;
  }
  const dir = args[0] ?? 'data';
  let result: LoadResult;
  let themesUsable: boolean;
  try {
    // Read exactly as the bot reads: what passes here is what it will serve.
    const settled = await settle(await scanData(dir));
    result = settled.result;
    themesUsable = settled.themesUsable;
  } catch (e) {
    io.err(`${dir}: cannot read the data: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const problem of result.problems) io.out(formatProblem(problem));
  if (!themesUsable && result.briefings.length > 0) {
    io.out(
      "note: briefings' theme ids were not checked, because themes.yaml has problems; fix it and check again",
    );
  }
  io.out(summarize(dir, result));
  return result.problems.length === 0 ? 0 : 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
