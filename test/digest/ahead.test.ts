import { describe, expect, test } from 'vitest';
import type { Library, LookaheadEntry } from '../../src/briefings/index.js';
import { derivedOf } from '../../src/briefings/library.js';
import { seededRandom } from '../../src/briefings/random.js';
import { itemsAhead, publishedSince } from '../../src/digest/ahead.js';
import { resolvePartialDate } from '../../src/render/timestamps.js';
import { briefing, fakeLibrary, THEMES } from './fixtures.js';

const DAY_MS = 86_400_000;
const THEME_IDS = THEMES.map((t) => t.id);

/** A horizon of any precision (or none) within two years either side of 2026. */
function randomLibrary(seed: string, briefings: number): Library {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pad = (n: number) => String(n).padStart(2, '0');
  const horizon = (): string | undefined => {
    const at = new Date(Date.UTC(2024, 0, 1) + int(4 * 365) * DAY_MS);
    const year = at.getUTCFullYear();
    const month = at.getUTCMonth() + 1;
    return [
      `${year}-${pad(month)}-${pad(at.getUTCDate())}`,
      `${year}-${pad(month)}`,
      `${year}-Q${Math.ceil(month / 3)}`,
      String(year),
      undefined,
    ][int(5)];
  };
  return fakeLibrary(
    Array.from({ length: briefings }, (_, b) => {
      const published = new Date(Date.UTC(2024, 0, 1) + int(3 * 365) * DAY_MS);
      const date = published.toISOString().slice(0, int(2) ? 10 : 7);
      return briefing(
        `b${b}`,
        date,
        Array.from({ length: int(6) }, (_, i) => {
          const when = horizon();
          const themes = THEME_IDS.filter(() => random() < 0.4);
          return {
            text: `Item ${b}-${i}.`,
            themes: themes.length ? themes : [THEME_IDS[int(THEME_IDS.length)] as string],
            ...(when ? { horizon: when } : {}),
          };
        }),
      );
    }),
  );
}

/** What a digest is defined to list: every item, in the Library's order, kept by a plain scan. */
const scan = (library: Library, themes: readonly string[], at: Date): LookaheadEntry[] =>
  library
    .lookahead({ within: 'all' })
    .filter(
      (e) =>
        (!e.period || e.period.end.getTime() > at.getTime()) &&
        (themes.length === 0 || e.item.themes.some((t) => themes.includes(t))),
    );

const keys = (entries: Iterable<LookaheadEntry>) => [...entries].map((e) => e.key);

const FILTERS = [[], ['outlook'], ['humanitarian', 'security-defence'], THEME_IDS, ['unknown']];
const SLOTS = ['2023-06-01', '2025-01-01T07:00:00Z', '2025-12-31T23:59:59.999Z', '2026-01-01', '2029-01-01'];

describe('items ahead of a slot', () => {
  const library = randomLibrary('ahead', 400);

  test.each(FILTERS.flatMap((themes) => SLOTS.map((slot) => [themes, slot] as const)))(
    'GIVEN themes %o at %s THEN the items, their order and their count are those of a scan of every item',
    (themes, slot) => {
      const at = new Date(slot);
      const expected = scan(library, themes, at);
      const ahead = itemsAhead(library, themes, at);
      expect(ahead.count).toBe(expected.length);
      expect(keys(ahead.inOrder())).toEqual(keys(expected));
    },
  );

  test('GIVEN a Library whose order is not soonest first THEN the answer is still that of a scan', () => {
    const shuffled = randomLibrary('shuffled', 200);
    const random = seededRandom('order');
    const order = shuffled
      .lookahead({ within: 'all' })
      .map((e) => ({ e, r: random() }))
      .sort((a, b) => a.r - b.r)
      .map(({ e }) => e);
    const library: Library = {
      ...shuffled,
      lookahead: () => [...order],
      derived: derivedOf(() => library),
    };
    for (const slot of SLOTS) {
      const at = new Date(slot);
      expect(keys(itemsAhead(library, [], at).inOrder())).toEqual(keys(scan(library, [], at)));
      expect(itemsAhead(library, ['outlook'], at).count).toBe(scan(library, ['outlook'], at).length);
    }
  });

  test('GIVEN an item at the very end of its period THEN it is no longer ahead', () => {
    const library = fakeLibrary([
      briefing('b', '2026-01-01', [{ text: 'Summit.', themes: ['outlook'], horizon: '2026-03-02' }]),
    ]);
    expect(itemsAhead(library, [], new Date('2026-03-02T23:59:59.999Z')).count).toBe(1);
    expect(itemsAhead(library, [], new Date('2026-03-03T00:00:00Z')).count).toBe(0);
  });

  test('GIVEN remembered keys THEN those still ahead and matching stay, once each, in the Library order', () => {
    const at = new Date('2026-01-01');
    const themes = ['outlook'];
    const expected = scan(library, themes, at);
    const all = library.lookahead({ within: 'all' });
    const ended = all.find((e) => e.period && e.period.end <= at);
    const otherTheme = all.find((e) => !e.item.themes.includes('outlook'));
    const remembered = [
      ...keys(expected.slice(0, 5)).reverse(),
      expected[0]?.key ?? '',
      ended?.key ?? '',
      otherTheme?.key ?? '',
      'gone#0',
    ];
    expect(itemsAhead(library, themes, at).stillAhead(remembered)).toEqual(keys(expected.slice(0, 5)));
  });

  test('GIVEN one snapshot asked many times THEN its items are indexed once', () => {
    const base = randomLibrary('once', 20);
    let scans = 0;
    const counted: Library = {
      ...base,
      lookahead: (filter) => {
        scans++;
        return base.lookahead(filter);
      },
      derived: derivedOf(() => counted),
    };
    for (const slot of SLOTS) itemsAhead(counted, ['outlook'], new Date(slot));
    expect(scans).toBe(1);
  });
});

describe('briefings published since a date', () => {
  const library = randomLibrary('published', 500);

  test.each(['2023-01-01', '2024-03-01', '2024-03-31T12:00:00Z', '2025-06-15', '2027-01-01'])(
    'GIVEN %s THEN they are those of a scan, newest first, with their ends',
    (since) => {
      const at = new Date(since).getTime();
      const expected = library.latest().flatMap((b) => {
        const end = resolvePartialDate(b.published)?.end.getTime();
        return end !== undefined && end > at ? [{ briefing: b, end }] : [];
      });
      expect(publishedSince(library, at)).toEqual(expected);
    },
  );
});
