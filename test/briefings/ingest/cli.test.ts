import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { type CliIo, main } from '../../../src/briefings/ingest/cli.js';
import { BriefingSchema } from '../../../src/briefings/schema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const THEMES = join(import.meta.dirname, 'fixtures', 'themes.yaml');
const SEED = join(ROOT, 'bench', 'ingest-corpus', 'brussels-us-ukraine-talks-2026-01.txt');

interface Run {
  code: number;
  out: string;
  err: string;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-cli-'));
});

interface RunOptions {
  stdin?: Uint8Array;
  root?: string;
  /** Pass the test themes file explicitly (the default); false leaves the CLI to find one. */
  themes?: boolean;
}

async function run(
  args: string[],
  { stdin = new Uint8Array(), root = ROOT, themes = true }: RunOptions = {},
): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = {
    readStdin: async () => stdin,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd: dir,
    root,
    now: new Date('2026-11-28T09:00:00Z'),
  };
  const code = await main(themes ? [...args, '--themes', THEMES] : args, io);
  return { code, out, err };
}

describe('npm run ingest', () => {
  test('GIVEN the seed article and --out THEN the draft is written, id from the file name, and the findings printed', async () => {
    const r = await run([SEED, '--out', 'brussels-us-ukraine-talks-2026-01.yaml']);
    expect(r.code).toBe(0);
    const draft = parse(await readFile(join(dir, 'brussels-us-ukraine-talks-2026-01.yaml'), 'utf8'));
    expect(BriefingSchema.parse(draft)).toMatchObject({
      id: 'brussels-us-ukraine-talks-2026-01',
      status: 'draft',
    });
    expect(r.out).toMatch(/Sections \(15\):/);
    expect(r.out).toMatch(
      /Quotes with a speaker \(1\):\n {2}- A senior transatlantic official: “Durable partnerships/,
    );
    expect(r.out).toMatch(/Looking ahead \(\d+\):/);
    expect(r.out).toMatch(/Draft written to brussels-us-ukraine-talks-2026-01\.yaml/);
  });

  test('GIVEN - and the article on standard input THEN the draft goes to stdout and the report to stderr', async () => {
    const r = await run(['-'], { stdin: await readFile(SEED) });
    expect(r.code).toBe(0);
    expect(BriefingSchema.safeParse(parse(r.out)).success).toBe(true);
    expect(r.err).toMatch(/Title {6}US Ukraine talks/);
  });

  test.each([
    ['an empty file', new Uint8Array(), /is empty/],
    [
      'a binary file',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
      /binary file/,
    ],
    ['a Windows-1252 file', Uint8Array.from([0x93, 0x51, 0x75, 0x6f, 0x74, 0x65, 0x94]), /not valid UTF-8/],
  ])('GIVEN %s THEN it exits 1 with a clear message and writes nothing', async (_, bytes, message) => {
    await writeFile(join(dir, 'in.txt'), bytes);
    const r = await run(['in.txt', '--out', 'out.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    await expect(readFile(join(dir, 'out.yaml'))).rejects.toThrow();
  });

  test('GIVEN empty standard input THEN it exits 1 naming standard input', async () => {
    const r = await run(['-']);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/standard input is empty/) });
  });

  test('GIVEN a file that does not exist THEN it exits 1 naming it', async () => {
    const r = await run(['missing.txt']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.txt does not exist/);
  });

  test('GIVEN an existing --out file THEN it is not overwritten without --force', async () => {
    await writeFile(join(dir, 'kept.yaml'), 'curated: true\n');
    const refused = await run([SEED, '--out', 'kept.yaml']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already exists; pass --force/);
    expect(await readFile(join(dir, 'kept.yaml'), 'utf8')).toBe('curated: true\n');
    expect((await run([SEED, '--out', 'kept.yaml', '--force'])).code).toBe(0);
  });

  test.each([[[]], [['a.txt', 'b.txt']], [['--nope', 'a.txt']]])(
    'GIVEN arguments %j THEN it exits 2 with usage',
    async (args) => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/usage: npm run ingest/);
    },
  );

  test('GIVEN only a title and a byline THEN it exits 1 saying there is no body text', async () => {
    await writeFile(join(dir, 'head.txt'), 'A Title Only\nBy Someone\n');
    const r = await run(['head.txt']);
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/no body text/) });
  });

  test('GIVEN no --themes THEN the project data/themes.yaml is used, and its absence is named', async () => {
    const project = await mkdtemp(join(tmpdir(), 'ingest-root-'));
    const missing = await run([SEED], { root: project, themes: false });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read the themes file .*data\/themes\.yaml/);
    await mkdir(join(project, 'data'));
    await writeFile(join(project, 'data', 'themes.yaml'), await readFile(THEMES));
    expect((await run([SEED], { root: project, themes: false })).code).toBe(0);
  });

  test.each([
    [['--id', 'Bad_ID'], /^ingest: --id "Bad_ID": .*lowercase slug/],
    [['--id', 'a'.repeat(65)], /^ingest: --id "a{65}": .*at most 64 characters/],
    [['--out', 'Bad_Name.yaml'], /^ingest: --out "Bad_Name\.yaml": .*file name .*lowercase slug/],
    [['--out', 'draft.yml'], /^ingest: --out "draft\.yml": .*end in \.yaml/],
    [['--out', 'draft.txt'], /^ingest: --out "draft\.txt": .*end in \.yaml/],
    [['--id', 'one', '--out', 'two.yaml'], /^ingest: --id "one" does not match --out "two\.yaml"/],
    [['--url', 'notaurl'], /^ingest: --url "notaurl": .*http\(s\) URL/],
    [['--url', 'ftp://example.org/a'], /^ingest: --url "ftp:\/\/example\.org\/a": .*http\(s\) URL/],
    [['--published', '2026-13'], /^ingest: --published "2026-13": .*YYYY-MM-DD or YYYY-MM/],
    [['--published', '2026-02-30'], /^ingest: --published "2026-02-30": .*not a real calendar date/],
    [['--published', '2026'], /^ingest: --published "2026": .*YYYY-MM-DD or YYYY-MM/],
    [['--source', '  '], /^ingest: --source " {2}": .*must not be empty/],
  ])(
    'GIVEN %j THEN it exits 2 naming the flag and what it accepts, and writes nothing',
    async (flags, message) => {
      const r = await run([SEED, ...flags]);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(/usage: npm run ingest/);
      expect(r.err).not.toMatch(/internal error/);
      expect(r.out).toBe('');
      expect(r.code).toBe(2);
    },
  );

  test('GIVEN valid --id, --out, --url and --published THEN they are used as given', async () => {
    const r = await run([
      SEED,
      ...['--id', 'talks-2026-01', '--out', 'talks-2026-01.yaml', '--url', 'https://example.org/a'],
      ...['--published', '2026-01'],
    ]);
    expect(r.code).toBe(0);
    expect(parse(await readFile(join(dir, 'talks-2026-01.yaml'), 'utf8'))).toMatchObject({
      id: 'talks-2026-01',
      published: '2026-01',
      source: { url: 'https://example.org/a' },
    });
  });

  test('GIVEN --out is a dangling symlink THEN its target is not written without --force, and is with it', async () => {
    const target = join(dir, 'elsewhere.yaml');
    await symlink(target, join(dir, 'link.yaml'));
    const refused = await run([SEED, '--out', 'link.yaml']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/link\.yaml already exists.*pass --force/);
    await expect(readFile(target)).rejects.toThrow();
    const forced = await run([SEED, '--out', 'link.yaml', '--force']);
    expect(forced.code).toBe(0);
    expect(parse(await readFile(target, 'utf8'))).toMatchObject({ status: 'draft' });
  });

  test('GIVEN --out appears while the article is analysed THEN it is still not overwritten', async () => {
    // Created after the early check (which runs before the input is read): only an exclusive open catches it.
    let out = '';
    const io: CliIo = {
      readStdin: async () => {
        await writeFile(join(dir, 'race.yaml'), 'curated: true\n');
        return readFile(SEED);
      },
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      cwd: dir,
      root: ROOT,
      now: new Date('2026-11-28T09:00:00Z'),
    };
    expect(await main(['-', '--out', 'race.yaml', '--themes', THEMES], io)).toBe(1);
    expect(out).toMatch(/race\.yaml already exists; pass --force/);
    expect(await readFile(join(dir, 'race.yaml'), 'utf8')).toBe('curated: true\n');
  });

  test('GIVEN --out in a folder that does not exist THEN it exits 1 naming the folder', async () => {
    const r = await run([SEED, '--out', 'nowhere/draft.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write nowhere\/draft\.yaml: the folder .*nowhere does not exist/);
  });
});

test('GIVEN the real entry point run with - THEN it reads standard input (process level)', () => {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const cli = join(ROOT, 'src', 'briefings', 'ingest', 'cli.ts');
  const ok = spawnSync(tsx, [cli, '-', '--themes', THEMES], {
    input: 'Ministers Meet\n\nBRUSSELS, May 4, 2026 — “We will meet again in June,” said Anna Weber.\n',
    encoding: 'utf8',
  });
  expect(ok.status).toBe(0);
  expect(parse(ok.stdout)).toMatchObject({ published: '2026-05-04', quotes: [{ speaker: 'Anna Weber' }] });
  const empty = spawnSync(tsx, [cli, '-', '--themes', THEMES], { input: '', encoding: 'utf8' });
  expect(empty.status).toBe(1);
  expect(empty.stderr).toMatch(/ingest: standard input is empty/);
});
