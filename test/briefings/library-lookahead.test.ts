import { afterEach, describe, expect, test } from 'vitest';
import type { LookaheadWindow } from '../../src/briefings/index.js';
import { buildLibrary } from '../../src/briefings/library.js';
import { windowEnd } from '../../src/briefings/period.js';
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
          if (!e.period) return false;
          const end = windowEnd(now, within) ?? now;
          return e.period.start.getTime() < end.getTime() && e.period.end.getTime() > now.getTime();
        });
      const got = library.lookahead({ ...(theme ? { theme } : {}), within, now });
      expect(got.map((e) => e.key)).toEqual(plain.map((e) => e.key));
    },
  );
});
