import { afterEach, describe, expect, test } from 'vitest';
import type { LookaheadWindow } from '../../src/briefings/index.js';
import { buildLibrary } from '../../src/briefings/library.js';
import { inWindow } from '../../src/briefings/period.js';
import { ahead, briefing, loadOf } from './library-fixtures.js';

const open: { dispose?: () => void }[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.dispose?.();
});

const THEME_IDS = ['security', 'economy', 'outlook', 'humanitarian'];
const HORIZONS = [
  undefined,
  '2025-06',
  '2026',
  '2026-Q1',
  '2026-Q2',
  '2026-02',
  '2026-02-20',
  '2026-03-01',
  '2027-H1',
];

/** A varied archive: items on one or two themes (sometimes the same theme twice), dated or not. */
const corpus = () =>
  Array.from({ length: 40 }, (_, b) =>
    briefing(`b${b}`, {
      published: `2026-01-${String((b % 28) + 1).padStart(2, '0')}`,
      looking_ahead: Array.from({ length: 3 }, (_, i) => {
        const k = b * 3 + i;
        const themes = [THEME_IDS[k % 4] as string, THEME_IDS[(k * 7) % 4] as string];
        const horizon = HORIZONS[k % HORIZONS.length];
        return ahead({ text: `Item ${k}.`, themes, ...(horizon ? { horizon } : {}) });
      }),
    }),
  );

describe('looking-ahead queries from per-theme indexes', () => {
  const windows: LookaheadWindow[] = ['week', 'month', 'quarter', 'year', 'all'];
  const cases = [undefined, ...THEME_IDS, 'no-such-theme'].flatMap((theme) =>
    windows.map((w) => [theme, w] as const),
  );

  test.each(cases)(
    'GIVEN theme %s and window %s THEN the items are those a plain scan of every item finds, in order',
    (theme, within) => {
      const library = buildLibrary(loadOf(corpus()));
      open.push(library);
      const now = new Date('2026-02-10T12:00:00Z');
      const all = library.lookahead({ within: 'all' });
      const plain = all
        .filter((e) => theme === undefined || e.item.themes.includes(theme))
        .filter((e) => {
          if (within === 'all') return true;
          return e.period !== undefined && inWindow(e.period, now, within);
        });
      const got = library.lookahead({ ...(theme ? { theme } : {}), within, now });
      expect(got.map((e) => e.key)).toEqual(plain.map((e) => e.key));
    },
  );
});

describe('what "within" keeps for items dated by month, quarter or year', () => {
  const horizons = ['2026-11-24', '2026-11', '2026-12', '2026-Q4', '2027-Q1', '2026', '2027'];
  const library = () => {
    const l = buildLibrary(
      loadOf([
        briefing('b', {
          looking_ahead: horizons.map((horizon) => ahead({ text: `Due ${horizon}.`, horizon })),
        }),
      ]),
    );
    open.push(l);
    return l;
  };

  test.each([
    ['2026-11-20T09:00:00Z', 'week', ['2026-11-24']],
    ['2026-11-26T09:00:00Z', 'week', ['2026-11']],
    ['2026-12-28T09:00:00Z', 'week', ['2026-12', '2026-Q4', '2026']],
    ['2026-11-20T09:00:00Z', 'month', ['2026-11-24', '2026-11', '2026-12']],
    ['2026-11-20T09:00:00Z', 'quarter', ['2026-11-24', '2026-11', '2026-12', '2026-Q4', '2026', '2027-Q1']],
    ['2026-11-20T09:00:00Z', 'year', horizons],
  ] as const)('GIVEN %s WHEN within:%s THEN the items kept are those dated %j', (now, within, kept) => {
    const got = library().lookahead({ within, now: new Date(now) });
    expect(got.map((e) => e.item.horizon).sort()).toEqual([...kept].sort());
  });
});
