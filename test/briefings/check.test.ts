import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/briefings/check.js';
import { main as ingest } from '../../src/briefings/ingest/cli.js';
import { DRAFT_MARKS } from '../../src/briefings/ingest/draft.js';
import { loadData } from '../../src/briefings/loader.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures');
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const run = async (...args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
};

const goodDataWith = async (...malformed: string[]): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'attache-check-'));
  temps.push(dir);
  await cp(join(FIXTURES, 'good'), dir, { recursive: true });
  for (const name of malformed) await cp(join(FIXTURES, 'malformed', name), join(dir, 'briefings', name));
  return dir;
};

describe('data:check main', () => {
  test('GIVEN clean data THEN it prints only the summary line, drafts counted apart, and exits 0', async () => {
    const { code, out } = await run('test/fixtures/good');
    expect(out).toEqual([
      'test/fixtures/good: 2 briefings (1 draft), 3 themes, 3 sections, 1 quote, 2 looking-ahead items — OK',
    ]);
    expect(code).toBe(0);
  });

  test('GIVEN a folder with bad files beside good ones THEN it prints every problem, counts the good briefings and exits 1', async () => {
    const dir = await goodDataWith('too-long.yaml', 'unattributed-quote.yaml');
    const { code, out } = await run(dir);
    expect(out).toEqual([
      `${dir}/briefings/too-long.yaml:2:8 title — too long: 250 characters, the limit is 200 characters`,
      `${dir}/briefings/unattributed-quote.yaml:12:5 quotes[0].speaker — unattributed quote: give its speaker, as the source attributes it`,
      `${dir}: 2 briefings (1 draft), 3 themes, 3 sections, 1 quote, 2 looking-ahead items — 2 problems in 2 files`,
    ]);
    expect(code).toBe(1);
  });

  test('GIVEN several problems in one file THEN the summary counts problems and files apart', async () => {
    const dir = await goodDataWith('many-problems.yaml');
    const { code, out } = await run(dir);
    expect(out.at(-1)).toMatch(/ — 9 problems in 1 file$/);
    expect(code).toBe(1);
  });

  test('GIVEN a file with more problems than are listed THEN the summary still counts them all', async () => {
    const dir = await goodDataWith();
    const alpha = await readFile(join(dir, 'briefings', 'alpha.yaml'), 'utf8');
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}: 1\n`).join('');
    await writeFile(join(dir, 'briefings', 'keys.yaml'), `${alpha.replace('id: alpha', 'id: keys')}${keys}`);
    const { code, out } = await run(dir);
    expect(out).toHaveLength(50 + 2);
    expect(out.at(-2)).toBe(
      `${dir}/briefings/keys.yaml:81:1 — … and 150 more problems in this file (only the first 50 are listed)`,
    );
    expect(out.at(-1)).toMatch(/ — 200 problems in 1 file$/);
    expect(code).toBe(1);
  });

  test('GIVEN a broken themes.yaml THEN it says theme ids were not checked', async () => {
    const { code, out } = await run('test/fixtures/dirs/themes-invalid');
    expect(out).toContain(
      "note: briefings' theme ids were not checked, because themes.yaml has problems; fix it and check again",
    );
    expect(code).toBe(1);
  });

  test('GIVEN a folder that does not exist THEN it says so and exits 1', async () => {
    const { code, out } = await run('no/such/folder');
    expect(out[0]).toBe('no/such/folder:1:1 — no such folder');
    expect(code).toBe(1);
  });

  test.each([
    [['--verbose'], 'unknown option --verbose'],
    [['a', 'b'], 'give at most one folder'],
  ])('GIVEN arguments %j THEN it explains the usage and exits 2', async (args, message) => {
    const { code, err } = await run(...args);
    expect(err[0]).toBe(message);
    expect(err.join('\n')).toContain('usage: npm run data:check');
    expect(code).toBe(2);
  });

  test('GIVEN --help THEN it prints the usage and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(out[0]).toMatch(/^usage: /);
    expect(code).toBe(0);
  });
});

describe('GIVEN a draft from npm run ingest in the data folder', () => {
  // No source and no date in the article, so the draft carries PLACEHOLDERs as well as EXTRACTIVE,
  // DERIVED and machine-extracted marks.
  const ARTICLE =
    'Ministers Meet\n\nThe ministers met in the capital to discuss security and defence. Both sides agreed to keep talking about reconstruction.\n';
  const FILE = 'talks-2026-05.yaml';

  const withDraft = async (edit: (yaml: string) => string = (y) => y) => {
    const dir = await goodDataWith();
    const path = join(dir, 'briefings', FILE);
    const code = await ingest(['-', '--out', path, '--themes', join(dir, 'themes.yaml')], {
      readStdin: async () => Buffer.from(ARTICLE),
      stdout: () => {},
      stderr: () => {},
      cwd: dir,
      root: dir,
      now: new Date('2026-05-04T09:00:00Z'),
    });
    expect(code).toBe(0);
    const yaml = edit(await readFile(path, 'utf8'));
    await writeFile(path, yaml);
    return { dir, yaml };
  };
  const mine = async (dir: string) => (await loadData(dir)).problems.filter((p) => p.file.endsWith(FILE));

  test('WHEN it is still a draft THEN data:check accepts its marks', async () => {
    const { dir } = await withDraft();
    expect(await mine(dir)).toEqual([]);
    expect((await run(dir)).code).toBe(0);
  });

  test.each([
    ['set to status: published', (y: string) => y.replace(/^status: draft/m, 'status: published')],
    ['with its status line deleted', (y: string) => y.replace(/^status: draft.*\n/m, '')],
  ])('WHEN %s THEN each leftover mark is an error at its own line, naming the field', async (_, edit) => {
    const { dir, yaml } = await withDraft(edit);
    const problems = await mine(dir);
    const fileLines = yaml.split('\n');
    const markOf = (message: string) => DRAFT_MARKS.find((m) => message.includes(`'s ${m.mark} mark`))?.mark;
    expect(problems.map((p) => `${p.field} ${markOf(p.message) ?? p.message.slice(0, 40)}`)).toEqual(
      expect.arrayContaining([
        ' published briefing still has the draft h',
        'title machine-extracted',
        'source.name PLACEHOLDER',
        'published PLACEHOLDER',
        'summary EXTRACTIVE',
        'sections[0].heading DERIVED',
        'sections[0].summary EXTRACTIVE',
      ]),
    );
    // Every problem points at the very line that holds its mark, so the curator can find and delete it.
    for (const p of problems) {
      const mark = markOf(p.message) ?? 'DRAFT made by `npm run ingest`';
      expect(fileLines[p.line - 1]).toContain(mark);
    }
    const { code, out } = await run(dir);
    expect(out).toContainEqual(
      expect.stringMatching(
        /talks-2026-05\.yaml:\d+:\d+ source\.name — published briefing still has ingest's PLACEHOLDER mark: set the real value, then delete the comment/,
      ),
    );
    expect(out.at(-1)).toMatch(/ — \d+ problems in 1 file$/);
    expect(code).toBe(1);
  });

  test('WHEN published with the comments deleted but the placeholder source name kept THEN that value is named', async () => {
    const { dir } = await withDraft((y) =>
      y
        .replace(/^status: draft/m, 'status: published')
        .replace(/^ *#.*\n/gm, '')
        .replace(/ #.*$/gm, ''),
    );
    expect((await mine(dir)).map((p) => `${p.line} ${p.field} — ${p.message}`)).toEqual([
      `6 source.name — "Unknown source" is ingest's placeholder: name the source the article comes from`,
    ]);
  });
});

describe('data:check as a command', () => {
  const exec = promisify(execFile);
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const check = (dir: string) =>
    exec(tsx, ['src/briefings/check.ts', dir], { cwd: ROOT }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

  test('GIVEN a broken briefing dropped into a copy of good data THEN the process exits 1 naming file, line and field', async () => {
    const dir = await goodDataWith('impossible-date.yaml');
    const { code, stdout } = await check(dir);
    expect(stdout).toContain(
      `${dir}/briefings/impossible-date.yaml:5:12 published — 2026-02-30 is not a real calendar date`,
    );
    expect(stdout).toContain(' — 1 problem in 1 file');
    expect(code).toBe(1);
  });

  test('GIVEN the good fixtures THEN the process exits 0 with the summary line', async () => {
    const { code, stdout } = await check('test/fixtures/good');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^test\/fixtures\/good: 2 briefings .* — OK$/);
    expect(code).toBe(0);
  });
});
