/**
 * npm run ingest -- <article.txt | -> [--out <file>] [--themes data/themes.yaml]
 *                   [--id <slug>] [--source <name>] [--url <url>] [--published YYYY-MM[-DD]] [--force]
 *
 * Without --out the draft YAML goes to stdout and the report to stderr, so the draft can be piped.
 * Exit codes: 0 done, 1 the input or themes cannot be used, 2 wrong usage.
 */
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isUserError, UserError } from '../../errors.js';
import { LIMITS, publicationDate, SourceSchema, slug } from '../schema.js';
import { analyseArticle } from './analyse.js';
import { buildDraft } from './draft.js';
import { decodeArticle } from './input.js';
import { formatReport } from './report.js';
import { loadThemes } from './themes.js';

export interface CliIo {
  readStdin: () => Promise<Uint8Array>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where the curator ran the command: article and --out paths are relative to it. */
  cwd: string;
  /** The project root: the default themes file lives under it. */
  root: string;
  now: Date;
}

const USAGE = `usage: npm run ingest -- <article.txt | -> [--out <file.yaml>] [--force]
       [--themes <themes.yaml>] [--id <slug>] [--source <name>] [--url <url>] [--published <YYYY-MM[-DD]>]
  -            read the article from standard input
  --out        write the draft there (its id is the file name); without it the draft goes to stdout
  --force      overwrite --out if it exists
  --themes     the theme taxonomy (default: data/themes.yaml)
  --id, --source, --url, --published   values you already know; they win over detection`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr(`ingest: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const input = args.positionals[0];
  if (input === undefined || args.positionals.length > 1) {
    io.stderr(`ingest: give exactly one article file, or - for standard input\n${USAGE}\n`);
    return 2;
  }
  // A value the schema would refuse must stop here, named by its flag, not surface later as a
  // draft that fails its own schema.
  const misuse = flagProblem(args.values);
  if (misuse) {
    io.stderr(`ingest: ${misuse}\n${USAGE}\n`);
    return 2;
  }
  try {
    const out = args.values.out ? resolve(io.cwd, args.values.out) : undefined;
    // Checked early so the curator does not wait for the analysis to learn it; the exclusive open
    // below is what actually keeps the file safe.
    if (out && !args.values.force && (await occupied(out))) throw exists(args.values.out ?? out);
    const name = input === '-' ? 'standard input' : input;
    const bytes = input === '-' ? await io.readStdin() : await readInput(resolve(io.cwd, input));
    const text = decodeArticle(bytes, name);
    const themesFile = args.values.themes
      ? resolve(io.cwd, args.values.themes)
      : resolve(io.root, 'data/themes.yaml');
    const themes = await loadThemes(themesFile);
    const id = args.values.id ?? (out ? basename(out, '.yaml') : undefined);
    const analysis = analyseArticle(text, {
      themes,
      origin: input === '-' ? 'standard input' : basename(input),
      now: io.now,
      ...(id ? { id } : {}),
      ...(args.values.source ? { source: args.values.source } : {}),
      ...(args.values.url ? { url: args.values.url } : {}),
      ...(args.values.published ? { published: args.values.published } : {}),
    });
    const draft = buildDraft(analysis, {
      origin: input === '-' ? 'standard input' : basename(input),
      now: io.now,
    });
    const report = formatReport(analysis);
    if (out) {
      await writeDraft(out, args.values.out ?? out, draft.yaml, args.values.force ?? false);
      io.stdout(`${report}\n\nDraft written to ${args.values.out} (status: draft).\n`);
    } else {
      io.stdout(draft.yaml);
      io.stderr(`${report}\n`);
    }
    return 0;
  } catch (e) {
    if (isUserError(e)) {
      io.stderr(`ingest: ${e.message}\n`);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`ingest: ${message}\n`);
    return 1;
  }
}

type Values = ReturnType<typeof parse>['values'];

const SLUG_RULE = `a lowercase slug such as "security-defence" (a-z, 0-9 and single hyphens, at most ${LIMITS.id} characters)`;

/** What is wrong with a flag's value, naming the flag and what it accepts; undefined when all are usable. */
export function flagProblem(values: Values): string | undefined {
  const { id, out, url, published, source } = values;
  if (id !== undefined && !slug.safeParse(id).success) return `--id "${id}": an id is ${SLUG_RULE}`;
  if (out !== undefined) {
    const file = basename(out);
    if (!file.endsWith('.yaml')) {
      return `--out "${out}": briefing files end in .yaml (data:check skips other names), e.g. ${file.replace(/\.[^.]*$/, '')}.yaml`;
    }
    const fromName = basename(file, '.yaml');
    if (!slug.safeParse(fromName).success) {
      return `--out "${out}": the file name without .yaml is the briefing id, so it must be ${SLUG_RULE}`;
    }
    if (id !== undefined && id !== fromName) {
      return `--id "${id}" does not match --out "${out}": the id must equal the file name; drop --id or write to ${id}.yaml`;
    }
  }
  if (url !== undefined && !SourceSchema.shape.url.safeParse(url).success) {
    return `--url "${url}": give the article's http(s) URL, such as https://example.org/article (at most ${LIMITS.url} characters)`;
  }
  if (published !== undefined) {
    const checked = publicationDate.safeParse(published);
    if (!checked.success) {
      const unreal = checked.error.issues.some((i) => i.message.includes('not a real calendar date'));
      return `--published "${published}": ${unreal ? 'not a real calendar date; ' : ''}use YYYY-MM-DD or YYYY-MM`;
    }
  }
  if (source !== undefined && source.trim() === '') {
    return `--source "${source}": must not be empty; give the name of the publication`;
  }
  return undefined;
}

const exists = (shown: string) => new UserError(`${shown} already exists; pass --force to overwrite it`);

/** Anything at the path, a dangling symlink included (which existsSync would call absent). */
async function occupied(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Exclusive create unless forced, so a file or link that appeared meanwhile is never written through. */
async function writeDraft(path: string, shown: string, yaml: string, force: boolean): Promise<void> {
  try {
    await writeFile(path, yaml, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(shown);
    if (code === 'ENOENT')
      throw new UserError(`cannot write ${shown}: the folder ${dirname(path)} does not exist`);
    if (code === 'EISDIR') throw new UserError(`cannot write ${shown}: it is a folder`);
    throw new UserError(`cannot write ${shown}: ${(e as Error).message}`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      themes: { type: 'string' },
      id: { type: 'string' },
      source: { type: 'string' },
      url: { type: 'string' },
      published: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path} does not exist`);
    if (code === 'EISDIR') throw new UserError(`${path} is a directory, not an article file`);
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2), {
    readStdin,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    // npm runs scripts from the project root; INIT_CWD is where the curator typed the command.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    root: process.cwd(),
    now: new Date(),
  });
  process.exitCode = code;
}
