import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { generateCorpus, realThemeIds, writeCorpus } from '../../bench/corpus.js';
import { loadData } from '../../src/briefings/loader.js';
import { PARTIAL_DATE_RE } from '../../src/briefings/schema.js';

const themeIds = await realThemeIds();
const from = new Date(Date.UTC(2026, 10, 28));
const corpus = generateCorpus({ n: 300, seed: 'test', from, themeIds });
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('GIVEN the synthetic corpus generator', () => {
  test('WHEN it runs twice with one seed and start date THEN the briefings are identical', () => {
    expect(generateCorpus({ n: 300, seed: 'test', from, themeIds })).toEqual(corpus);
  });

  test('WHEN the seed differs THEN the briefings differ', () => {
    const other = generateCorpus({ n: 300, seed: 'other', from, themeIds });
    expect(other.map((b) => b.id)).not.toEqual(corpus.map((b) => b.id));
  });

  test('WHEN a smaller N is asked for THEN it is the start of the larger corpus', () => {
    expect(generateCorpus({ n: 40, seed: 'test', from, themeIds })).toEqual(corpus.slice(0, 40));
  });

  test('WHEN briefings are generated THEN every id is unique and a valid file name', () => {
    const ids = corpus.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  test.each([
    ['sections', (b: (typeof corpus)[number]) => b.sections.length, 8, 16],
    [
      'points per section',
      (b: (typeof corpus)[number]) => b.sections.map((s) => s.points?.length ?? 0),
      2,
      4,
    ],
    ['quotes', (b: (typeof corpus)[number]) => b.quotes?.length ?? 0, 0, 3],
    ['looking-ahead items', (b: (typeof corpus)[number]) => b.looking_ahead?.length ?? 0, 2, 8],
    ['summary words', (b: (typeof corpus)[number]) => words(b.summary), 70, 130],
  ])(
    'WHEN counting %s THEN every briefing is within %i..%i and the range is used',
    (_, measure, min, max) => {
      const values = corpus.flatMap((b) => measure(b));
      expect(Math.min(...values)).toBeGreaterThanOrEqual(min);
      expect(Math.max(...values)).toBeLessThanOrEqual(max);
      // Realistic spread, not one fixed size: both ends of the range (or near them) occur.
      expect(new Set(values).size).toBeGreaterThan(2);
    },
  );

  test('WHEN themes are tagged THEN they are the real taxonomy and every theme is used', () => {
    const used = new Set(
      corpus.flatMap((b) => [
        ...b.sections.flatMap((s) => s.themes),
        ...(b.quotes ?? []).flatMap((q) => q.themes),
        ...(b.looking_ahead ?? []).flatMap((l) => l.themes),
      ]),
    );
    expect([...used].sort()).toEqual([...themeIds].sort());
  });

  test('WHEN quotes are attributed THEN speakers come from a shared pool, some quoted many times', () => {
    const counts = new Map<string, number>();
    for (const q of corpus.flatMap((b) => b.quotes ?? [])) {
      expect(q.speaker.trim()).not.toBe('');
      counts.set(q.speaker, (counts.get(q.speaker) ?? 0) + 1);
    }
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(5);
    expect(counts.size).toBeGreaterThan(30);
  });

  test('WHEN horizons are set THEN they mix precisions and fall in the two years after the start date', () => {
    const horizons = corpus.flatMap((b) => (b.looking_ahead ?? []).map((l) => l.horizon));
    const kinds = new Set(
      horizons.map((h) => {
        if (h === undefined) return 'none';
        const m = PARTIAL_DATE_RE.exec(String(h));
        if (!m) return 'invalid';
        return m[3] ? 'day' : m[4] ? 'quarter' : m[2] ? 'month' : 'year';
      }),
    );
    expect([...kinds].sort()).toEqual(['day', 'month', 'none', 'quarter', 'year']);
    const years = horizons.filter((h) => h !== undefined).map((h) => Number(String(h).slice(0, 4)));
    expect(Math.min(...years)).toBe(2026);
    expect(Math.max(...years)).toBe(2028);
  });
});

describe('GIVEN a corpus written to a temporary folder', () => {
  test('WHEN the real loader reads it THEN every briefing loads with no problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-bench-test-'));
    dirs.push(dir);
    const written = await writeCorpus(dir, { n: 80, seed: 'loader', from });
    expect(readdirSync(join(dir, 'briefings'))).toHaveLength(80);
    const result = await loadData(dir);
    expect(result.problems).toEqual([]);
    expect(result.briefings.map((b) => b.id).sort()).toEqual(written.briefings.map((b) => b.id).sort());
  });

  test('WHEN it is written THEN nothing lands in data/', async () => {
    const before = readdirSync(resolve(import.meta.dirname, '../../data/briefings')).sort();
    const dir = mkdtempSync(join(tmpdir(), 'attache-bench-test-'));
    dirs.push(dir);
    await writeCorpus(dir, { n: 5 });
    expect(readdirSync(resolve(import.meta.dirname, '../../data/briefings')).sort()).toEqual(before);
  });
});
