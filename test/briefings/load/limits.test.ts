import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { formatProblem } from '../../../src/briefings/index.js';
import { MAX_PROBLEMS_PER_FILE } from '../../../src/briefings/load/cap.js';
import { MAX_FILE_BYTES } from '../../../src/briefings/load/limits.js';
import { loadData } from '../../../src/briefings/loader.js';

const GOOD = fileURLToPath(new URL('../../fixtures/good/', import.meta.url));
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const goodData = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'attache-limits-'));
  temps.push(dir);
  await cp(GOOD, dir, { recursive: true });
  return dir;
};

/** The good alpha briefing under another id, with `extra` appended. */
const alphaAs = async (dir: string, id: string, extra: string): Promise<void> => {
  const alpha = await readFile(join(dir, 'briefings', 'alpha.yaml'), 'utf8');
  await writeFile(join(dir, 'briefings', `${id}.yaml`), `${alpha.replace('id: alpha', `id: ${id}`)}${extra}`);
};

const lines = (n: number, line: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => line(i)).join('');

// Generous for a shared, busy machine; before, one such file took 25 to 45 s to report.
describe('GIVEN a 200 KB briefing with 20,000 unknown keys', { timeout: 30_000 }, () => {
  // Before, each key was located by a scan of its mapping and yaml checked each key against all the
  // others: 10 s and more on the main thread. Linear now, so this runs well inside the test timeout.
  test('WHEN loaded THEN its problems stop at the cap with one line counting the rest, and the others load', async () => {
    const dir = await goodData();
    await alphaAs(
      dir,
      'many-keys',
      lines(20_000, (i) => `k${i}: 1\n`),
    );
    const result = await loadData(dir);
    const mine = result.problems.filter((p) => p.file.endsWith('many-keys.yaml'));
    expect(mine).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(mine.map(formatProblem)[0]).toMatch(
      /many-keys\.yaml:31:1 k0 — unknown field "k0": .*allowed here: id, status/,
    );
    const last = mine.at(-1);
    expect(last).toMatchObject({
      line: 31 + MAX_PROBLEMS_PER_FILE,
      field: '',
      more: 20_000 - MAX_PROBLEMS_PER_FILE,
    });
    expect(last?.message).toBe(
      `… and 19,950 more problems in this file (only the first ${MAX_PROBLEMS_PER_FILE} are listed)`,
    );
    expect(result.briefings.map((b) => b.id)).toEqual(['alpha', 'beta']);
  });

  test('WHEN the keys are 20,000 duplicates THEN they too are capped', async () => {
    const dir = await goodData();
    await alphaAs(
      dir,
      'dup-keys',
      lines(20_000, () => 'title: Again\n'),
    );
    const result = await loadData(dir);
    const mine = result.problems.filter((p) => p.file.endsWith('dup-keys.yaml'));
    expect(mine).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(mine.map(formatProblem)[0]).toMatch(/dup-keys\.yaml:31:1 title — field "title" appears twice/);
    expect(mine.at(-1)?.more).toBe(20_000 - MAX_PROBLEMS_PER_FILE);
  });

  test('WHEN checked exactly THEN the same capped problems come out', async () => {
    const dir = await goodData();
    await alphaAs(
      dir,
      'many-keys',
      lines(2_000, (i) => `k${i}: 1\n`),
    );
    const [fast, exact] = await Promise.all([loadData(dir), loadData(dir, { exact: true })]);
    expect(fast.problems).toEqual(exact.problems);
    expect(fast.problems).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
  });
});

describe('GIVEN files over the size limit', () => {
  test('WHEN a briefing is over 1 MB THEN it is refused before parsing, naming its size and the limit', async () => {
    const dir = await goodData();
    await alphaAs(dir, 'huge', `location: ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    const result = await loadData(dir);
    const size = (await stat(join(dir, 'briefings', 'huge.yaml'))).size.toLocaleString('en-US');
    expect(MAX_FILE_BYTES).toBe(1024 * 1024);
    expect(result.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      `briefings/huge.yaml:1:1 — too large to load: ${size} bytes, the limit is 1,048,576 bytes (1 MB); a briefing holds a summary, not the article`,
    ]);
    expect(result.briefings.map((b) => b.id)).toEqual(['alpha', 'beta']);
  });

  test('WHEN themes.yaml is over 1 MB THEN it is refused the same way', async () => {
    const dir = await goodData();
    const themes = await readFile(join(dir, 'themes.yaml'), 'utf8');
    await writeFile(join(dir, 'themes.yaml'), `${themes}# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    const result = await loadData(dir);
    expect(result.problems.map((p) => formatProblem(p).replace(`${dir}/`, ''))).toEqual([
      expect.stringMatching(
        /^themes\.yaml:1:1 — too large to load: [\d,]+ bytes, the limit is 1,048,576 bytes/,
      ),
    ]);
  });

  test('WHEN a file is just under the limit THEN it is read as usual', async () => {
    const dir = await goodData();
    await alphaAs(dir, 'big', `# ${'x'.repeat(MAX_FILE_BYTES - 2000)}\n`);
    const result = await loadData(dir);
    expect(result.problems).toEqual([]);
    expect(result.briefings.map((b) => b.id)).toEqual(['alpha', 'beta', 'big']);
  });
});
