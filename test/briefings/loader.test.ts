import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { type DataProblem, formatProblem } from '../../src/briefings/index.js';
import { loadData } from '../../src/briefings/loader.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const GOOD = join(FIXTURES, 'good');
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the good data folder with the named malformed briefing files dropped in. */
const goodDataWith = async (...malformed: string[]): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'attache-loader-'));
  temps.push(dir);
  await cp(GOOD, dir, { recursive: true });
  for (const name of malformed) await cp(join(FIXTURES, 'malformed', name), join(dir, 'briefings', name));
  return dir;
};

/** Formatted problems with the folder prefix (absolute, or relative to the working directory) cut. */
const lines = (problems: DataProblem[], dir: string) =>
  problems.map((p) =>
    formatProblem(p)
      .replace(`${dir}/`, '')
      .replace(`${relative(process.cwd(), dir)}/`, ''),
  );

describe('GIVEN the good fixture folder', () => {
  test('WHEN loaded THEN every briefing (drafts included) and theme loads with no problem, and README.md is ignored', async () => {
    const result = await loadData(GOOD);
    expect(result.problems).toEqual([]);
    expect(result.briefings.map((b) => [b.id, b.status])).toEqual([
      ['alpha', 'published'],
      ['beta', 'draft'],
    ]);
    expect(result.themes.map((t) => t.id)).toEqual(['security-defence', 'economy', 'outlook']);
    expect(result.files).toBe(3);
  });

  test('WHEN loaded THEN values are normalised by the schema (year horizons as text, defaults filled)', async () => {
    const { briefings } = await loadData(GOOD);
    const [alpha, beta] = briefings;
    expect(alpha?.looking_ahead.map((i) => i.horizon)).toEqual(['2026', '2026-Q2']);
    expect(beta?.quotes).toEqual([]);
    expect(beta?.sections[0]?.points).toEqual([]);
  });

  test('WHEN loaded by a relative path THEN problems name files by that same path', async () => {
    const result = await loadData('test/fixtures/dirs/yml-extension');
    expect(result.problems[0]?.file).toBe('test/fixtures/dirs/yml-extension/briefings/other.yml');
  });

  test('WHEN loaded by an absolute path outside the working directory THEN problems keep absolute paths', async () => {
    const dir = await goodDataWith('empty-file.yaml');
    const result = await loadData(dir);
    expect(result.problems[0]?.file).toBe(join(dir, 'briefings', 'empty-file.yaml'));
  });
});

// One fixture per kind of problem: file, line, column and field all asserted through the formatted line.
describe.each([
  [
    'yaml-syntax.yaml',
    /^briefings\/yaml-syntax\.yaml:10:5 sections\[0\]\.summary — YAML syntax: .*end with a \]/,
  ],
  ['wrong-type.yaml', /^briefings\/wrong-type\.yaml:2:8 title — expected text, found a number \(2026\)$/],
  [
    'unknown-key.yaml',
    /^briefings\/unknown-key\.yaml:10:5 sections\[0\]\.sumary — unknown field "sumary": did you mean "summary"\?/,
  ],
  [
    'unknown-theme.yaml',
    /^briefings\/unknown-theme\.yaml:9:23 sections\[0\]\.themes\[1\] — unknown theme "secuirty-defence": did you mean "security-defence"\?/,
  ],
  [
    'id-mismatch.yaml',
    /^briefings\/id-mismatch\.yaml:1:5 id — id "something-else" does not match the file name id-mismatch\.yaml/,
  ],
  [
    'impossible-date.yaml',
    /^briefings\/impossible-date\.yaml:5:12 published — 2026-02-30 is not a real calendar date$/,
  ],
  [
    'bad-horizon.yaml',
    /^briefings\/bad-horizon\.yaml:14:14 looking_ahead\[0\]\.horizon — "2026-13" is not a date/,
  ],
  ['empty-quote.yaml', /^briefings\/empty-quote\.yaml:12:11 quotes\[0\]\.text — empty quote/],
  [
    'unattributed-quote.yaml',
    /^briefings\/unattributed-quote\.yaml:12:5 quotes\[0\]\.speaker — unattributed quote/,
  ],
  ['empty-speaker.yaml', /^briefings\/empty-speaker\.yaml:13:14 quotes\[0\]\.speaker — unattributed quote/],
  [
    'too-long.yaml',
    /^briefings\/too-long\.yaml:2:8 title — too long: 250 characters, the limit is 200 characters$/,
  ],
  [
    'too-many-points.yaml',
    /^briefings\/too-many-points\.yaml:12:7 sections\[0\]\.points — too many items: 11, the limit is 10$/,
  ],
  [
    'tab-indent.yaml',
    /^briefings\/tab-indent\.yaml:8:1 sections — line 8 is indented with a tab: YAML forbids tabs/,
  ],
  [
    'not-utf8.yaml',
    /^briefings\/not-utf8\.yaml:6:13 summary — not valid UTF-8: byte 0xE9 at byte offset 99 \(line 6\)/,
  ],
  ['utf16.yaml', /^briefings\/utf16\.yaml:1:1 — the file is UTF-16 encoded: save it as UTF-8$/],
  ['empty-file.yaml', /^briefings\/empty-file\.yaml:1:1 — the file is empty/],
  ['comments-only.yaml', /^briefings\/comments-only\.yaml:1:1 — the file is empty/],
  ['duplicate-key.yaml', /^briefings\/duplicate-key\.yaml:7:1 summary — field "summary" appears twice/],
  [
    'missing-sections.yaml',
    /^briefings\/missing-sections\.yaml:1:1 sections — missing required field "sections"$/,
  ],
  ['not-a-mapping.yaml', /^briefings\/not-a-mapping\.yaml:1:1 — expected a mapping of fields/],
  ['alias-bomb.yaml', /^briefings\/alias-bomb\.yaml:1:1 — aliases \(\*name\) expand to more than 1000 nodes/],
  [
    'two-documents.yaml',
    /^briefings\/two-documents\.yaml:11:1 — a file holds one briefing: remove the "---" on line 11/,
  ],
])('GIVEN good data plus the malformed %s', (name, expected) => {
  test('WHEN loaded THEN the problem names file, line, column and field', async () => {
    const dir = await goodDataWith(name);
    const result = await loadData(dir);
    expect(lines(result.problems, dir)).toContainEqual(expect.stringMatching(expected));
    expect(result.problems.every((p) => p.file.endsWith(`briefings/${name}`))).toBe(true);
  });

  test('WHEN loaded THEN the bad file is left out and the good briefings still load', async () => {
    const dir = await goodDataWith(name);
    const result = await loadData(dir);
    expect(result.briefings.map((b) => b.id)).toEqual(['alpha', 'beta']);
  });

  test('WHEN loaded fast and exactly THEN both report the same problems', async () => {
    const dir = await goodDataWith(name);
    const [fast, exact] = await Promise.all([loadData(dir), loadData(dir, { exact: true })]);
    expect(fast.problems).toEqual(exact.problems);
    expect(fast.briefings).toEqual(exact.briefings);
  });
});

describe('GIVEN one file with many different slips', () => {
  test('WHEN loaded THEN every problem is reported, each at its own node, in line order', async () => {
    const dir = await goodDataWith('many-problems.yaml');
    const got = lines((await loadData(dir)).problems, dir).map((l) => l.replace(/ — .*/, ''));
    expect(got).toEqual([
      'briefings/many-problems.yaml:3:1 sumary',
      'briefings/many-problems.yaml:6:8 source.url',
      'briefings/many-problems.yaml:7:12 published',
      'briefings/many-problems.yaml:11:32 sections[0].themes[1]',
      'briefings/many-problems.yaml:12:14 sections[0].summary',
      'briefings/many-problems.yaml:14:13 sections[1].themes',
      'briefings/many-problems.yaml:17:5 quotes[0].speaker',
      'briefings/many-problems.yaml:17:11 quotes[0].text',
      'briefings/many-problems.yaml:22:14 looking_ahead[0].horizon',
    ]);
  });

  test('WHEN several bad files sit beside good ones THEN all of their problems are reported together', async () => {
    const dir = await goodDataWith('too-long.yaml', 'tab-indent.yaml', 'unknown-theme.yaml');
    const result = await loadData(dir);
    expect(new Set(result.problems.map((p) => p.file.replace(`${dir}/`, '')))).toEqual(
      new Set(['briefings/too-long.yaml', 'briefings/tab-indent.yaml', 'briefings/unknown-theme.yaml']),
    );
    expect(result.briefings).toHaveLength(2);
  });
});

describe('GIVEN a tab-indented file', () => {
  test('WHEN loaded THEN each tab-indented line is named once, with the field it holds', async () => {
    const dir = await goodDataWith('tab-indent.yaml');
    expect(lines((await loadData(dir)).problems, dir).map((l) => l.replace(/ — .*/, ''))).toEqual([
      'briefings/tab-indent.yaml:8:1 sections',
      'briefings/tab-indent.yaml:9:1 sections[0].themes',
      'briefings/tab-indent.yaml:10:1 sections[0].summary',
    ]);
  });
});

describe('GIVEN a text value where a list belongs', () => {
  test('WHEN loaded THEN only the wrong type is reported, not length limits of the wrong value', async () => {
    const dir = await goodDataWith('wrong-type.yaml');
    expect(lines((await loadData(dir)).problems, dir)).toEqual([
      'briefings/wrong-type.yaml:2:8 title — expected text, found a number (2026)',
      'briefings/wrong-type.yaml:11:13 sections[0].points — expected a list, found text "just one point"',
    ]);
  });
});

const fixtureDir = (name: string) => join(FIXTURES, 'dirs', name);
const loadFixtureDir = async (name: string) => {
  const result = await loadData(fixtureDir(name));
  return { result, lines: lines(result.problems, fixtureDir(name)) };
};

describe('GIVEN folder-level fixtures', () => {
  test('WHEN two files declare the same id THEN the duplicate names both files and the rightful owner loads', async () => {
    const { result, lines: got } = await loadFixtureDir('duplicate-id');
    expect(got).toContain(
      'briefings/second.yaml:1:5 id — duplicate briefing id "first": test/fixtures/dirs/duplicate-id/briefings/first.yaml already uses it (ids must be unique)',
    );
    expect(result.briefings.map((b) => b.id)).toEqual(['first']);
  });

  test('WHEN themes.yaml defines an id twice THEN the second definition is named with the first one’s line', async () => {
    const { result, lines: got } = await loadFixtureDir('themes-duplicate');
    expect(got).toEqual([
      'themes.yaml:12:9 themes[2].id — duplicate theme id "economy": already defined at line 2 (themes[0])',
    ]);
    expect(result.themes.map((t) => t.label)).toEqual(['Economy', 'Outlook']);
  });

  test('WHEN one theme is invalid THEN it is reported, the valid themes are kept, and theme ids are not checked', async () => {
    const { result, lines: got } = await loadFixtureDir('themes-invalid');
    expect(got).toEqual(['themes.yaml:5:13 themes[0].colour — must be a colour like "#1f6feb"']);
    expect(result.themes.map((t) => t.id)).toEqual(['outlook']);
    expect(result.briefings.map((b) => b.id)).toEqual(['ok']);
  });

  test('WHEN themes.yaml has a syntax error THEN it is reported with its line and no theme loads', async () => {
    const { result, lines: got } = await loadFixtureDir('themes-syntax');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^themes\.yaml:5:1 themes\[0\]\.label — YAML syntax: Missing closing "quote/);
    expect(result.themes).toEqual([]);
  });

  test('WHEN themes.yaml is missing THEN that is the problem reported', async () => {
    const { lines: got } = await loadFixtureDir('themes-missing');
    expect(got).toEqual([
      'themes.yaml:1:1 — missing: a data folder needs themes.yaml, the list of themes briefings refer to',
    ]);
  });

  test('WHEN a briefing file ends in .yml THEN it is reported as not loaded, with the name to use', async () => {
    const { result, lines: got } = await loadFixtureDir('yml-extension');
    expect(got).toEqual([
      'briefings/other.yml:1:1 — not loaded: briefing files end in .yaml, rename it other.yaml',
    ]);
    expect(result.briefings.map((b) => b.id)).toEqual(['ok']);
  });

  test('WHEN there is no briefings folder THEN that is reported', async () => {
    const { lines: got } = await loadFixtureDir('no-briefings');
    expect(got).toEqual([
      'briefings:1:1 — missing: put briefing files in a briefings/ folder beside themes.yaml',
    ]);
  });

  test('WHEN the folder does not exist THEN one problem says so and nothing loads', async () => {
    const result = await loadData(join(FIXTURES, 'no-such-folder'));
    expect(result.problems.map((p) => p.message)).toEqual(['no such folder']);
    expect(result.briefings).toEqual([]);
  });

  test('WHEN a briefing entry cannot be read THEN it is reported and the rest still loads', async () => {
    const dir = await goodDataWith();
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'briefings', 'linked.yaml'));
    const result = await loadData(dir);
    expect(lines(result.problems, dir)).toEqual([
      'briefings/linked.yaml:1:1 — cannot read the file (EISDIR)',
    ]);
    expect(result.briefings.map((b) => b.id)).toEqual(['alpha', 'beta']);
  });

  test('WHEN a briefing reuses text through an anchor and alias THEN it loads with the aliased value', async () => {
    const dir = await goodDataWith();
    const beta = await readFile(join(dir, 'briefings', 'beta.yaml'), 'utf8');
    await writeFile(
      join(dir, 'briefings', 'beta.yaml'),
      `${beta}quotes:\n  - text: &said We stay.\n    speaker: a senior official\n    context: *said\n    themes: [economy]\n`,
    );
    const result = await loadData(dir);
    expect(result.problems).toEqual([]);
    expect(result.briefings[1]?.quotes[0]?.context).toBe('We stay.');
  });
});

describe('GIVEN a bad date WHEN loaded THEN the message offers only the formats that field accepts', () => {
  /** The good alpha briefing saved as `dated.yaml` with one line replaced. */
  const datedWith = async (line: RegExp, replacement: string): Promise<string[]> => {
    const dir = await goodDataWith();
    const alpha = await readFile(join(GOOD, 'briefings', 'alpha.yaml'), 'utf8');
    const text = alpha.replace(/^id: alpha$/m, 'id: dated').replace(line, replacement);
    await writeFile(join(dir, 'briefings', 'dated.yaml'), text);
    return lines((await loadData(dir)).problems, dir);
  };

  test.each(['2026-Q4', '2026-q4', '2026', '2026-3-5', '15 March 2026', '2026/03/05', "'2026'"])(
    'GIVEN published: %s THEN the message asks for a day or a month, never a quarter or a year',
    async (value) => {
      const problems = await datedWith(/^published: .*$/m, `published: ${value}`);
      expect(problems).toHaveLength(1);
      const [problem = ''] = problems;
      expect(problem).toMatch(/^briefings\/dated\.yaml:6:12 published — /);
      expect(problem).toContain('YYYY-MM-DD');
      expect(problem).toContain('YYYY-MM');
      expect(problem).not.toMatch(/YYYY-Qn|, YYYY\b|or YYYY\b(?!-)/);
    },
  );

  test.each(['2026-13', 'soon', '2026-Q5', '2026-3'])(
    'GIVEN horizon: %s THEN the message offers a day, a month, a quarter or a year',
    async (value) => {
      const problems = await datedWith(/^ {4}horizon: 2026$/m, `    horizon: ${value}`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/looking_ahead\[0\]\.horizon — .*YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY/);
    },
  );
});
