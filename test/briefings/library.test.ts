import { describe, expect, test } from 'vitest';
import type {
  Briefing,
  Library,
  LookaheadEntry,
  QuoteEntry,
  SectionEntry,
} from '../../src/briefings/index.js';
import { buildLibraryAsync } from '../../src/briefings/library.js';
import { pickRandom, seededRandom } from '../../src/briefings/random.js';
import { ahead, briefing, loadOf, quote, section, useLibraries } from './library-fixtures.js';

const build = useLibraries();

/** Three published briefings (one dated only by month) and a draft that is newer than all of them. */
const corpus = (): Briefing[] => [
  briefing('old', {
    published: '2025-12-01',
    source: { name: 'Example Wire', url: 'https://example.org/old' },
    sections: [
      section({ heading: 'Old security', themes: ['security'] }),
      section({ heading: 'Old economy', themes: ['economy'] }),
    ],
    quotes: [quote({ text: 'Old words.', speaker: 'Kaja Kallas', themes: ['security'] })],
    looking_ahead: [
      ahead({ text: 'A summit in spring.', themes: ['outlook'], horizon: '2026-Q2' }),
      ahead({ text: 'Undated old plan.', themes: ['outlook'] }),
    ],
  }),
  briefing('mid', {
    published: '2026-01',
    source: { name: 'Example Wire', url: 'https://example.org/mid' },
    sections: [section({ heading: 'Mid economy', themes: ['economy', 'security', 'economy'] })],
    quotes: [
      quote({ text: 'Mid words one.', speaker: 'kaja  KALLAS', themes: ['economy'] }),
      quote({
        text: 'Mid words two.',
        speaker: 'Marco Rubio',
        themes: ['security'],
        role: 'Secretary of State',
      }),
    ],
    looking_ahead: [
      ahead({ text: 'A decision in April.', themes: ['economy'], horizon: '2026-04' }),
      ahead({ text: 'Talks on 1 April.', themes: ['security'], horizon: '2026-04-01' }),
      ahead({ text: 'Undated mid plan.', themes: ['security'] }),
    ],
  }),
  briefing('new', {
    published: '2026-02-10',
    source: { name: 'Other Daily', url: 'https://other.example/new' },
    sections: [
      section({ heading: 'New security one', themes: ['security'] }),
      section({ heading: 'New humanitarian', themes: ['humanitarian'] }),
      section({ heading: 'New security two', themes: ['security'] }),
    ],
    quotes: [
      quote({
        text: 'New words.',
        speaker: 'A senior transatlantic official',
        themes: ['security'],
        source: { name: 'Quoted Outlet', url: 'https://quoted.example/x' },
      }),
    ],
    looking_ahead: [
      ahead({ text: 'Elections in 2026.', themes: ['outlook'], horizon: '2026' }),
      ahead({ text: 'A vote on 20 February.', themes: ['outlook'], horizon: '2026-02-20' }),
      ahead({ text: 'Something last year.', themes: ['outlook'], horizon: '2025-06' }),
    ],
  }),
  briefing('draft', {
    status: 'draft',
    published: '2026-03-01',
    title: 'Unpublished draft',
    sections: [section({ heading: 'Draft security', themes: ['security'] })],
    quotes: [quote({ text: 'Draft words.', speaker: 'Kaja Kallas', themes: ['security'] })],
    looking_ahead: [ahead({ text: 'Draft plan.', themes: ['security'], horizon: '2026-02-15' })],
  }),
];

const ids = (list: { id: string }[]) => list.map((b) => b.id);

describe('latest and briefing', () => {
  test('GIVEN published briefings and a newer draft WHEN asked for the latest THEN published ones come newest first', () => {
    const library = build(corpus());
    expect(ids(library.latest())).toEqual(['new', 'mid', 'old']);
    expect(ids(library.latest(2))).toEqual(['new', 'mid']);
    expect(library.latest(0)).toEqual([]);
  });

  test('GIVEN a month-only date and a day in the same month WHEN sorted THEN the day counts as newer', () => {
    const library = build([
      briefing('day', { published: '2026-01-01' }),
      briefing('month', { published: '2026-01' }),
    ]);
    expect(ids(library.latest())).toEqual(['day', 'month']);
  });

  test('GIVEN two briefings of the same date WHEN sorted THEN ties are broken by id, stably', () => {
    const library = build([briefing('b'), briefing('a'), briefing('c')]);
    expect(ids(library.latest())).toEqual(['a', 'b', 'c']);
  });

  test.each([
    ['mid', 'mid'],
    ['draft', undefined],
    ['nope', undefined],
  ])('GIVEN id %j WHEN looked up THEN the answer is %j', (id, expected) => {
    expect(build(corpus()).briefing(id)?.id).toBe(expected);
  });

  test('GIVEN no briefings at all WHEN queried THEN every query answers empty', () => {
    const library = build([]);
    expect(library.latest()).toEqual([]);
    expect(library.byTheme('security')).toEqual([]);
    expect(library.quotes()).toEqual([]);
    expect(library.speakers()).toEqual([]);
    expect(library.randomQuote({}, seededRandom(1))).toBeUndefined();
    expect(library.lookahead()).toEqual([]);
    expect(library.sources()).toEqual([]);
    expect(library.search('anything')).toEqual({ total: 0, hits: [] });
  });
});

describe('byTheme', () => {
  test('GIVEN sections on a theme WHEN asked THEN newest briefing first, then document order, drafts hidden', () => {
    const entries = build(corpus()).byTheme('security');
    expect(entries.map((e) => e.section.heading)).toEqual([
      'New security one',
      'New security two',
      'Mid economy',
      'Old security',
    ]);
    expect(entries.map((e) => e.index)).toEqual([0, 2, 0, 0]);
  });

  test('GIVEN a section that names a theme twice WHEN asked THEN it appears once', () => {
    expect(
      build(corpus())
        .byTheme('economy')
        .map((e) => e.section.heading),
    ).toEqual(['Mid economy', 'Old economy']);
  });

  test('GIVEN a briefing filter WHEN asked THEN only that briefing answers', () => {
    const library = build(corpus());
    expect(library.byTheme('security', 'new').map((e) => e.index)).toEqual([0, 2]);
    expect(library.byTheme('security', 'draft')).toEqual([]);
    expect(library.byTheme('security', 'nope')).toEqual([]);
    expect(library.byTheme('humanitarian', 'old')).toEqual([]);
  });

  test.each(['outlook', 'no-such-theme'])(
    'GIVEN theme %j with no sections WHEN asked THEN the answer is empty',
    (id) => {
      expect(build(corpus()).byTheme(id)).toEqual([]);
    },
  );
});

describe('quotes and speakers', () => {
  test('GIVEN no filter WHEN asked THEN every published quote, newest briefing first, document order', () => {
    expect(
      build(corpus())
        .quotes()
        .map((q) => q.quote.text),
    ).toEqual(['New words.', 'Mid words one.', 'Mid words two.', 'Old words.']);
  });

  test.each([
    [{ theme: 'security' }, ['New words.', 'Mid words two.', 'Old words.']],
    [{ speaker: 'kaja kallas' }, ['Mid words one.', 'Old words.']],
    [{ speaker: '  KAJA   Kallas ' }, ['Mid words one.', 'Old words.']],
    [{ speaker: 'Kája Kallas' }, ['Mid words one.', 'Old words.']],
    [{ speaker: 'Kaja Kallas', theme: 'security' }, ['Old words.']],
    [{ speaker: 'Kaja' }, []],
    [{ theme: 'humanitarian' }, []],
    [{ theme: 'no-such-theme' }, []],
  ])('GIVEN filter %j WHEN asked THEN the quotes are %j', (filter, texts) => {
    expect(
      build(corpus())
        .quotes(filter)
        .map((q) => q.quote.text),
    ).toEqual(texts);
  });

  test("GIVEN quotes with and without their own source WHEN asked THEN each carries its own or its briefing's", () => {
    const [first, second] = build(corpus()).quotes();
    expect(first?.source).toEqual({ name: 'Quoted Outlet', url: 'https://quoted.example/x' });
    expect(second?.source).toEqual({ name: 'Example Wire', url: 'https://example.org/mid' });
  });

  test('GIVEN speakers quoted different numbers of times WHEN listed THEN most quoted first, spellings merged, drafts ignored', () => {
    const more = briefing('more', { published: '2025-01-01', quotes: [quote({ speaker: 'Kaja Kallas' })] });
    expect(build([...corpus(), more]).speakers()).toEqual([
      'Kaja Kallas',
      'A senior transatlantic official',
      'Marco Rubio',
    ]);
  });

  test('GIVEN two spellings used equally often WHEN listed THEN the newest briefing spelling wins, spaces tidied', () => {
    expect(build(corpus()).speakers()[0]).toBe('kaja KALLAS');
  });

  test('GIVEN speakers quoted equally often WHEN listed THEN they are in alphabetical order', () => {
    const library = build([
      briefing('x', { quotes: [quote({ speaker: 'Zed' }), quote({ speaker: 'Abe' })] }),
    ]);
    expect(library.speakers()).toEqual(['Abe', 'Zed']);
  });

  test.each([
    ['kaja', ['Kaja Kallas']],
    ['KAL', ['Kaja Kallas']],
    ['off', ['A senior transatlantic official']],
    ['r', ['Marco Rubio', 'A senior transatlantic official']],
    ['a', ['A senior transatlantic official', 'Kaja Kallas', 'Marco Rubio']],
    ['rub', ['Marco Rubio']],
    ['zzz', []],
    ['', ['Kaja Kallas', 'A senior transatlantic official', 'Marco Rubio']],
  ])(
    'GIVEN typed text %j WHEN matching speakers THEN prefix, then word prefix, then substring: %j',
    (typed, names) => {
      const speakers = build([
        ...corpus(),
        briefing('more', {
          quotes: [quote({ speaker: 'Kaja Kallas' }), quote({ speaker: 'A senior transatlantic official' })],
        }),
      ]).speakers(typed);
      expect(speakers).toEqual(names);
    },
  );
});

describe('randomQuote', () => {
  test('GIVEN the same seed WHEN drawing THEN the same sequence of quotes comes out', () => {
    const library = build(corpus());
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => library.randomQuote({}, random)?.quote.text);
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  test('GIVEN a filter WHEN drawing many times THEN every matching quote comes up and nothing else', () => {
    const library = build(corpus());
    const random = seededRandom('quote:security');
    const seen = new Set(
      Array.from({ length: 200 }, () => library.randomQuote({ theme: 'security' }, random)?.quote.text),
    );
    expect([...seen].sort()).toEqual(['Mid words two.', 'New words.', 'Old words.']);
  });

  test('GIVEN a filter nothing matches WHEN drawing THEN there is no quote', () => {
    expect(build(corpus()).randomQuote({ speaker: 'Nobody' }, seededRandom(1))).toBeUndefined();
  });

  test.each([
    [0, 'a'],
    [0.999_999, 'c'],
    [1, 'c'],
    [-0.5, 'a'],
    [Number.NaN, 'a'],
  ])(
    'GIVEN a generator returning %d WHEN picking THEN %j is chosen, never out of range',
    (value, expected) => {
      expect(pickRandom(['a', 'b', 'c'], () => value)).toBe(expected);
    },
  );

  test('GIVEN string and number seeds WHEN generating THEN values are in [0, 1) and repeatable', () => {
    for (const seed of [0, 1, 2 ** 32 + 5, 'abc', '']) {
      const a = seededRandom(seed);
      const b = seededRandom(seed);
      const values = Array.from({ length: 1000 }, () => a());
      expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
      expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(new Set(values).size).toBeGreaterThan(990);
    }
  });
});

describe('lookahead', () => {
  const texts = (entries: readonly { item: { text: string } }[]) => entries.map((e) => e.item.text);

  test('GIVEN dated and undated items WHEN asked for all THEN dated soonest first (narrower first), then undated newest first', () => {
    expect(texts(build(corpus()).lookahead())).toEqual([
      'Something last year.',
      'Elections in 2026.',
      'A vote on 20 February.',
      'Talks on 1 April.',
      'A decision in April.',
      'A summit in spring.',
      'Undated mid plan.',
      'Undated old plan.',
    ]);
  });

  test('GIVEN a theme WHEN asked THEN only items tagged with it', () => {
    expect(texts(build(corpus()).lookahead({ theme: 'security' }))).toEqual([
      'Talks on 1 April.',
      'Undated mid plan.',
    ]);
    expect(build(corpus()).lookahead({ theme: 'no-such-theme' })).toEqual([]);
  });

  test.each([
    ['week', ['A vote on 20 February.']],
    ['month', ['A vote on 20 February.']],
    [
      'quarter',
      ['A vote on 20 February.', 'Talks on 1 April.', 'A decision in April.', 'A summit in spring.'],
    ],
    [
      'year',
      [
        'Elections in 2026.',
        'A vote on 20 February.',
        'Talks on 1 April.',
        'A decision in April.',
        'A summit in spring.',
      ],
    ],
  ] as const)(
    'GIVEN 15 February 2026 WHEN asked within a %s THEN the items expected inside the window (a year-dated one only once the window reaches its end): %j',
    (within, expected) => {
      const now = new Date('2026-02-15T12:00:00Z');
      expect(texts(build(corpus()).lookahead({ within, now }))).toEqual(expected);
    },
  );

  test('GIVEN a window that ends before a period begins WHEN asked THEN that period is left out, and so is a year that does not end in it', () => {
    const now = new Date('2026-02-21T00:00:00Z');
    expect(texts(build(corpus()).lookahead({ within: 'week', now }))).toEqual([]);
  });

  test('GIVEN entries WHEN asked THEN dated ones carry their period and undated ones none', () => {
    const entries = build(corpus()).lookahead();
    const vote = entries.find((e) => e.item.text === 'A vote on 20 February.');
    expect(vote?.period).toEqual({
      start: new Date('2026-02-20T00:00:00Z'),
      end: new Date('2026-02-21T00:00:00Z'),
      precision: 'day',
    });
    expect(entries.find((e) => e.item.text === 'Undated mid plan.')?.period).toBeUndefined();
  });

  test('GIVEN the same data loaded twice WHEN keyed THEN keys are equal, distinct per item, and change with the text', () => {
    const first = build(corpus()).lookahead();
    const again = build(corpus()).lookahead();
    expect(again.map((e) => e.key)).toEqual(first.map((e) => e.key));
    expect(new Set(first.map((e) => e.key)).size).toBe(first.length);
    const edited = corpus().map((b) =>
      b.id === 'mid'
        ? { ...b, looking_ahead: b.looking_ahead.map((i) => ({ ...i, text: `${i.text} Revised.` })) }
        : b,
    );
    const changed = build(edited).lookahead();
    const keyOf = (list: typeof first, id: string) =>
      list.filter((e) => e.briefing.id === id).map((e) => e.key);
    expect(keyOf(changed, 'new')).toEqual(keyOf(first, 'new'));
    expect(keyOf(changed, 'mid').some((k) => keyOf(first, 'mid').includes(k))).toBe(false);
  });
});

describe('sources and stats', () => {
  test('GIVEN briefings from two outlets WHEN listing sources THEN grouped by outlet, newest first, each newest first', () => {
    const sources = build(corpus()).sources();
    expect(sources.map((s) => [s.source.name, ids(s.briefings)])).toEqual([
      ['Other Daily', ['new']],
      ['Example Wire', ['mid', 'old']],
    ]);
    // One article's URL would mislabel a group of several articles: the group keeps only the name.
    expect(sources[1]?.source).toEqual({ name: 'Example Wire' });
    expect(sources[0]?.source).toEqual({ name: 'Other Daily', url: 'https://other.example/new' });
  });

  test('GIVEN a draft among published briefings WHEN counting THEN the draft is counted apart and its content is not', () => {
    expect(build(corpus()).stats).toEqual({
      briefings: 3,
      drafts: 1,
      themes: 4,
      sections: 6,
      quotes: 4,
      lookahead: 8,
    });
  });

  test('GIVEN the loaded themes WHEN asked THEN they are listed in file order and found by id', () => {
    const library = build(corpus());
    expect(library.themes.map((t) => t.id)).toEqual(['security', 'economy', 'outlook', 'humanitarian']);
    expect(library.theme('economy')?.label).toBe('economy');
    expect(library.theme('nope')).toBeUndefined();
  });
});

describe('snapshot', () => {
  test('GIVEN a built library WHEN callers try to change it THEN the snapshot, its briefings and themes are frozen', () => {
    const library = build(corpus());
    expect(Object.isFrozen(library)).toBe(true);
    expect(Object.isFrozen(library.latest()[0])).toBe(true);
    expect(Object.isFrozen(library.latest()[0]?.sections[0])).toBe(true);
    expect(Object.isFrozen(library.themes)).toBe(true);
    expect(Object.isFrozen(library.stats)).toBe(true);
    expect(Object.isFrozen(library.lookahead()[0])).toBe(true);
  });

  test('GIVEN a returned list WHEN the caller mutates it THEN the next answer is unchanged', () => {
    const library = build(corpus());
    library.latest().splice(0);
    // The long lists are the snapshot's own, frozen: changing one throws instead of corrupting it.
    expect(() => (library.byTheme('security') as SectionEntry[]).pop()).toThrow(TypeError);
    expect(() => {
      (library.quotes() as QuoteEntry[]).length = 0;
    }).toThrow(TypeError);
    expect(() => (library.lookahead() as LookaheadEntry[]).reverse()).toThrow(TypeError);
    library.sources().pop();
    expect(ids(library.latest())).toEqual(['new', 'mid', 'old']);
    expect(library.byTheme('security')).toHaveLength(4);
    expect(library.quotes()).toHaveLength(4);
    expect(library.lookahead()[0]?.item.text).toBe('Something last year.');
    expect(library.sources()).toHaveLength(2);
  });

  test('GIVEN a load time WHEN built THEN loadedAt reports it and cannot be changed through the returned Date', () => {
    const library = build(corpus(), { loadedAt: new Date('2026-02-01T08:00:00Z') });
    library.loadedAt.setUTCFullYear(1999);
    expect(library.loadedAt).toEqual(new Date('2026-02-01T08:00:00Z'));
  });

  test('GIVEN a disposed library WHEN searching THEN it fails loudly, while other queries still answer', () => {
    const library = build(corpus());
    library.dispose?.();
    library.dispose?.();
    expect(() => library.search('words')).toThrow(/disposed/);
    expect(ids(library.latest())).toEqual(['new', 'mid', 'old']);
  });
});

describe('buildLibraryAsync', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      briefing(`b-${String(i).padStart(4, '0')}`, {
        published: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
        title: `Briefing number ${i} on reconstruction`,
        quotes: [quote({ speaker: `Speaker ${i % 7}` })],
        looking_ahead: [ahead({ horizon: `2026-Q${(i % 4) + 1}` })],
      }),
    );

  test('GIVEN the same data WHEN built async THEN every query answers as the sync build does', async () => {
    const data = many(120);
    const sync = build(data);
    const async = await buildLibraryAsync(loadOf(many(120)), { sliceMs: 1 });
    build.track(async);
    expect(ids(async.latest())).toEqual(ids(sync.latest()));
    expect(async.stats).toEqual(sync.stats);
    expect(async.speakers()).toEqual(sync.speakers());
    expect(async.lookahead().map((e) => e.key)).toEqual(sync.lookahead().map((e) => e.key));
    const hits = (l: Library) =>
      l.search('reconstruction', { limit: 50 }).hits.map((h) => [h.briefing.id, h.snippet]);
    expect(hits(async)).toEqual(hits(sync));
  });

  test('GIVEN a large load WHEN built async with short slices THEN other callbacks run while it builds', async () => {
    let ticks = 0;
    let done = false;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const library = await buildLibraryAsync(loadOf(many(400)), { sliceMs: 0 });
    done = true;
    build.track(library);
    expect(library.stats.briefings).toBe(400);
    expect(ticks).toBeGreaterThan(10);
  });
});
