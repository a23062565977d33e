import { describe, expect, test } from 'vitest';
import { type ComposeInput, composeDigest } from '../../src/digest/compose.js';
import { DISCORD_LIMITS, totalEmbedLength } from '../../src/render/limits.js';
import { briefing, defaultLibrary, fakeLibrary } from './fixtures.js';

const SLOT = new Date('2026-03-02T07:00:00Z');
const input = (
  overrides: Partial<ComposeInput> = {},
  schedule: Partial<ComposeInput['schedule']> = {},
): ComposeInput => ({
  library: defaultLibrary(),
  schedule: {
    id: 'abc123',
    themes: [],
    format: 'brief',
    skipIfEmpty: true,
    timezone: 'Europe/Brussels',
    ...schedule,
  },
  slot: SLOT,
  ...overrides,
});
const embed = (digest: ReturnType<typeof composeDigest>) => digest.reply?.embeds?.[0];
const itemLines = (digest: ReturnType<typeof composeDigest>) =>
  (embed(digest)?.description ?? '').split('\n').filter((l) => l.includes(' — ') && !l.startsWith('…and'));

describe('header', () => {
  test.each([
    ['2026-03-29T22:30:00Z', 'Europe/Brussels', 'Monday 30 March 2026'],
    ['2026-03-29T22:30:00Z', 'UTC', 'Sunday 29 March 2026'],
    ['2026-03-29T22:30:00Z', 'America/New_York', 'Sunday 29 March 2026'],
  ])('GIVEN slot %s in %s THEN the title carries the local date %s', (slot, timezone, date) => {
    const digest = composeDigest(input({ slot: new Date(slot) }, { timezone }));
    // ICU versions differ on the comma after the weekday.
    expect(embed(digest)?.title?.replace(',', '')).toBe(`Looking ahead — ${date}`);
  });

  test('GIVEN a late run THEN it says so with the time it was due', () => {
    const digest = composeDigest(input({ late: true }));
    expect(embed(digest)?.description).toMatch(/Late: this digest was due <t:1772434800:f>/);
  });

  test('GIVEN a marker THEN the footer carries it and the schedule id', () => {
    expect(embed(composeDigest(input({ marker: 'run x1' })))?.footer?.text).toBe(
      'Attaché · schedule abc123 · run x1',
    );
  });
});

describe('items', () => {
  test('GIVEN no theme filter THEN dated items come soonest first, then undated ones', () => {
    const lines = itemLines(composeDigest(input()));
    expect(lines.map((l) => l.replace(/^.* — /, ''))).toEqual([
      'Aid corridor review.',
      'Next round of talks in Geneva.',
      'Defence ministers meet.',
      'A settlement remains distant.',
    ]);
  });

  test.each([
    [['outlook'], ['Next round of talks in Geneva.', 'A settlement remains distant.']],
    [
      ['humanitarian', 'security-defence'],
      ['Aid corridor review.', 'Defence ministers meet.'],
    ],
  ])('GIVEN themes %o THEN only matching items are listed', (themes, expected) => {
    const lines = itemLines(composeDigest(input({}, { themes })));
    expect(lines.map((l) => l.replace(/^.* — /, ''))).toEqual(expected);
  });

  test('GIVEN an item whose period has ended THEN it is not looking ahead any more', () => {
    const digest = composeDigest(input({ slot: new Date('2026-06-20T07:00:00Z') }, { themes: ['outlook'] }));
    expect(itemLines(digest).map((l) => l.replace(/^.* — /, ''))).toEqual(['A settlement remains distant.']);
  });

  test('GIVEN a previous digest that showed some items THEN only the others are marked new', () => {
    const digest = composeDigest(
      input(
        {},
        {
          seen: {
            at: '2026-03-01T07:00:00Z',
            lookahead: ['talks-jan#0', 'talks-jan#1'],
            briefings: ['talks-jan'],
          },
        },
      ),
    );
    const marked = itemLines(digest).map((l) => [l.startsWith('🆕'), l.replace(/^.* — /, '')]);
    expect(marked).toEqual([
      [false, 'Aid corridor review.'],
      [false, 'Next round of talks in Geneva.'],
      [true, 'Defence ministers meet.'],
      [true, 'A settlement remains distant.'],
    ]);
  });

  test('GIVEN remembered items, one of them over since WHEN composed THEN the schedule remembers what is still ahead and what it showed, soonest first', () => {
    const digest = composeDigest(
      input(
        { slot: new Date('2026-06-20T07:00:00Z') },
        {
          format: 'brief',
          seen: {
            at: '2026-03-01T07:00:00Z',
            lookahead: ['talks-jan#3', 'talks-jan#0', 'gone#1'],
            briefings: [],
          },
        },
      ),
    );
    expect(digest.shown).toBe(2);
    expect(digest.seen.lookahead).toEqual(['talks-jan#2', 'talks-jan#3']);
  });

  test('GIVEN a first digest THEN nothing is marked new', () => {
    expect(itemLines(composeDigest(input())).some((l) => l.startsWith('🆕'))).toBe(false);
  });
});

describe('new briefings', () => {
  const library = fakeLibrary([
    briefing('old-one', '2026-01-10', [{ text: 'Old item.', themes: ['outlook'] }]),
    briefing('new-one', '2026-02-28', [{ text: 'New item.', themes: ['outlook'] }]),
  ]);

  test('GIVEN a briefing not in the last digest THEN it is listed as new', () => {
    const digest = composeDigest(
      input({ library }, { seen: { at: '2026-02-01T00:00:00Z', lookahead: [], briefings: ['old-one'] } }),
    );
    const field = embed(digest)?.fields?.[0];
    expect(field?.name).toBe('New briefings since the last digest');
    expect(field?.value).toMatch(/Briefing new-one/);
    expect(field?.value).not.toMatch(/Briefing old-one/);
    expect(digest.seen.briefings.sort()).toEqual(['new-one', 'old-one']);
  });

  test('GIVEN an archive of thousands WHEN composed THEN the schedule remembers only recent briefings, and an old one curated late is not news', () => {
    const archive = Array.from({ length: 3000 }, (_, i) =>
      briefing(`archive-${i}`, `20${String(10 + (i % 15)).padStart(2, '0')}-01-15`, []),
    );
    const big = fakeLibrary([...archive, ...library.latest()]);
    const digest = composeDigest(
      input(
        { library: big },
        { seen: { at: '2026-02-01T00:00:00Z', lookahead: [], briefings: ['old-one'] } },
      ),
    );
    expect(digest.seen.briefings.sort()).toEqual(['new-one', 'old-one']);
    expect(embed(digest)?.fields?.[0]?.value).not.toMatch(/archive-/);
  });

  test('GIVEN a first digest THEN briefings of the last week are listed as recent', () => {
    const field = embed(composeDigest(input({ library })))?.fields?.[0];
    expect(field?.name).toBe('Recent briefings');
    expect(field?.value).toMatch(/Briefing new-one/);
    expect(field?.value).not.toMatch(/Briefing old-one/);
  });
});

describe('formats and empty digests', () => {
  test('GIVEN full format THEN each item names its briefing; brief does not', () => {
    expect(embed(composeDigest(input({}, { format: 'full' })))?.description).toMatch(
      /↳ \*Briefing talks-jan\*/,
    );
    expect(embed(composeDigest(input({}, { format: 'brief' })))?.description).not.toMatch(/↳/);
  });

  test('GIVEN nothing matches WHEN skip-if-empty THEN there is no message', () => {
    const digest = composeDigest(input({ library: fakeLibrary([]) }));
    expect(digest).toMatchObject({ reply: null, empty: true });
  });

  test('GIVEN nothing matches WHEN not skipping THEN the message says so', () => {
    const digest = composeDigest(input({ library: fakeLibrary([]) }, { skipIfEmpty: false }));
    expect(digest.empty).toBe(true);
    expect(embed(digest)?.description).toMatch(/Nothing on the horizon/);
  });
});

describe('Discord limits', () => {
  const big = fakeLibrary(
    Array.from({ length: 30 }, (_, b) =>
      briefing(
        `b${b}`,
        `2026-02-${String((b % 27) + 1).padStart(2, '0')}`,
        Array.from({ length: 10 }, (_, i) => ({
          text: `${'Very long forward-looking statement with many words '.repeat(8)}#${b}-${i}`.slice(0, 400),
          themes: ['outlook'],
          horizon: `2026-${String((i % 9) + 4).padStart(2, '0')}-${String((b % 27) + 1).padStart(2, '0')}`,
        })),
      ),
    ),
  );

  test.each(['brief', 'full'] as const)(
    'GIVEN 300 items in %s format THEN the digest fits and ends with the count of what was left out',
    (format) => {
      const digest = composeDigest(
        input({ library: big }, { format, seen: { at: 'x', lookahead: [], briefings: [] } }),
      );
      const e = embed(digest);
      expect(e).toBeDefined();
      expect(totalEmbedLength(digest.reply?.embeds ?? [])).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
      expect(e?.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      for (const f of e?.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      expect(digest.items).toBe(300);
      expect(digest.shown).toBeGreaterThan(0);
      expect(e?.description).toMatch(new RegExp(`…and ${300 - digest.shown} more — /lookahead$`));
      expect(itemLines(digest)).toHaveLength(digest.shown);
    },
  );

  test('GIVEN items cut for space THEN they stay new for the next digest', () => {
    const digest = composeDigest(
      input({ library: big }, { seen: { at: 'x', lookahead: [], briefings: [] } }),
    );
    expect(digest.seen.lookahead).toHaveLength(digest.shown);
  });
});
