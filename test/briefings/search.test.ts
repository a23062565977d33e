import { describe, expect, test } from 'vitest';
import type { Briefing, Library } from '../../src/briefings/index.js';
import {
  formatSnippet,
  parseQuery,
  SEARCH_LIMITS,
  termText,
  toMatchExpression,
} from '../../src/briefings/search.js';
import { ahead, briefing, quote, section, useLibraries } from './library-fixtures.js';

const build = useLibraries();

const corpus = (): Briefing[] => [
  briefing('titled', {
    published: '2025-06-01',
    title: 'Reconstruction of Ukraine after the war',
    summary: 'Donors met in Rome.',
    sections: [section({ heading: 'Donors', summary: 'Pledges were made.', points: ['Grants over loans.'] })],
  }),
  briefing('pointed', {
    published: '2026-02-01',
    title: 'Energy ministers meet',
    summary: 'Grid repairs were discussed.',
    sections: [
      section({
        heading: 'Grid',
        summary: 'Winter damage is severe.',
        points: ['Power lines are down.', 'Funding for reconstruction is short.'],
      }),
    ],
  }),
  briefing('quoted', {
    published: '2026-01-20',
    title: 'Security guarantees debated',
    summary: 'Allies weighed guarantees for a ceasefire.',
    sections: [
      section({
        heading: 'Air defence',
        summary: 'Systems are scarce.',
        points: ['Patriot batteries are requested.'],
      }),
      section({ heading: 'Économie et énergie', summary: 'Prices rose sharply over winter.' }),
    ],
    quotes: [
      quote({
        text: 'Guarantees must be credible and lasting.',
        speaker: 'Kaja Kallas',
        role: 'High Representative',
      }),
    ],
  }),
  briefing('draft', {
    status: 'draft',
    published: '2026-03-01',
    title: 'Secret reconstruction plan',
    summary: 'Reconstruction reconstruction reconstruction.',
  }),
];

/** The briefings that answer, in rank order (a briefing may give several hits). */
const hitIds = (library: Library, query: string) => [
  ...new Set(library.search(query, { limit: 50 }).hits.map((h) => h.briefing.id)),
];

describe('ranking', () => {
  test('GIVEN a word in an older title and in a newer point WHEN searched THEN the title match ranks first', () => {
    const result = build(corpus()).search('reconstruction');
    expect(result.hits.map((h) => [h.briefing.id, h.kind])).toEqual([
      ['titled', 'title'],
      ['pointed', 'point'],
    ]);
    expect(result.total).toBe(2);
    const [first, second] = result.hits;
    expect(first?.score).toBeGreaterThan(second?.score ?? Number.POSITIVE_INFINITY);
  });

  test('GIVEN few matching briefings WHEN searched THEN each shows its matching items, best first', () => {
    const library = build([
      briefing('one', {
        title: 'Grain corridor reopens',
        summary: 'The grain deal was renewed.',
        sections: [
          section({
            heading: 'Ports',
            summary: 'Grain ships sail again.',
            points: ['Grain prices fell.', 'Insurance is costly.'],
          }),
          section({ heading: 'Grain routes', summary: 'Rail links help.', points: ['More grain by rail.'] }),
        ],
        quotes: [quote({ text: 'Grain feeds the world.', speaker: 'A minister' })],
      }),
      briefing('two', {
        published: '2025-01-01',
        sections: [section({ points: ['Grain was mentioned once.'] })],
      }),
    ]);
    const result = library.search('grain', { limit: 50 });
    expect(result.total).toBe(8);
    expect(result.hits.map((h) => [h.briefing.id, h.kind, h.label])).toEqual([
      ['one', 'title', undefined],
      ['one', 'quote', 'A minister'],
      ['one', 'section', 'Grain routes'],
      ['one', 'summary', undefined],
      ['one', 'section', 'Ports'],
      ['one', 'point', 'Ports'],
      ['one', 'point', 'Grain routes'],
      ['two', 'point', 'A heading'],
    ]);
    const second = library.search('grain', { limit: 4, offset: 4 });
    expect(second.total).toBe(8);
    expect(second.hits.map((h) => [h.kind, h.label])).toEqual([
      ['section', 'Ports'],
      ['point', 'Ports'],
      ['point', 'Grain routes'],
      ['point', 'A heading'],
    ]);
  });

  test('GIVEN twenty matching briefings WHEN searched THEN each gives at most three hits', () => {
    const library = build(
      Array.from({ length: 20 }, (_, i) =>
        briefing(`b${i}`, {
          sections: [section({ points: ['Grain one.', 'Grain two.', 'Grain three.', 'Grain four.'] })],
        }),
      ),
    );
    const result = library.search('grain', { limit: 50 });
    expect(result.total).toBe(60);
    const hits = [...result.hits, ...library.search('grain', { limit: 50, offset: 50 }).hits];
    expect(hits).toHaveLength(60);
    const perBriefing = new Map<string, number>();
    for (const h of hits) perBriefing.set(h.briefing.id, (perBriefing.get(h.briefing.id) ?? 0) + 1);
    expect([...perBriefing.values()].every((n) => n === 3)).toBe(true);
  });

  test('GIVEN more matching briefings than are expanded WHEN searched THEN each briefing is one hit, its best item', () => {
    const library = build(
      [
        briefing('a', { title: 'Grain talks', sections: [section({ points: ['Grain again.'] })] }),
        briefing('b', { sections: [section({ points: ['Grain here.', 'Grain there.'] })] }),
      ],
      { search: { expandBelow: 1 } },
    );
    const result = library.search('grain');
    expect(result.total).toBe(2);
    expect(result.hits.map((h) => [h.briefing.id, h.kind])).toEqual([
      ['a', 'title'],
      ['b', 'point'],
    ]);
  });

  test('GIVEN a draft that matches WHEN searched THEN it is never served', () => {
    expect(hitIds(build(corpus()), 'secret')).toEqual([]);
    expect(hitIds(build(corpus()), 'reconstruction')).not.toContain('draft');
  });

  test('GIVEN one word in a heading and another briefing with it only in a point WHEN searched THEN the heading ranks first', () => {
    const library = build([
      briefing('point', { sections: [section({ heading: 'Other', points: ['Donors were generous.'] })] }),
      briefing('heading', { published: '2025-01-01', sections: [section({ heading: 'Donors' })] }),
    ]);
    expect(library.search('donors').hits.map((h) => [h.briefing.id, h.kind])).toEqual([
      ['heading', 'section'],
      ['point', 'point'],
    ]);
  });

  test('GIVEN equal matches WHEN ranked THEN the newer briefing comes first', () => {
    const library = build([
      briefing('older', { published: '2025-01-01', title: 'Talks in Geneva' }),
      briefing('newer', { published: '2026-01-01', title: 'Talks in Geneva' }),
    ]);
    expect(hitIds(library, 'geneva')).toEqual(['newer', 'older']);
  });

  test('GIVEN several words WHEN searched THEN briefings need all of them', () => {
    expect(hitIds(build(corpus()), 'guarantees ceasefire')).toEqual(['quoted']);
    expect(hitIds(build(corpus()), 'reconstruction funding')).toEqual(['pointed']);
  });

  test('GIVEN words that no briefing has together WHEN searched THEN briefings with any of them are ranked', () => {
    const result = build(corpus()).search('patriot donors');
    expect([...new Set(result.hits.map((h) => h.briefing.id))].sort()).toEqual(['quoted', 'titled']);
  });

  test('GIVEN more matches than allowed to rank WHEN searched THEN the newest matches are ranked and the total stays exact', () => {
    const library = build(
      [
        briefing('old-title', { published: '2024-01-01', title: 'Sanctions' }),
        briefing('mid-point', {
          published: '2025-01-01',
          sections: [section({ points: ['On sanctions.'] })],
        }),
        briefing('new-point', {
          published: '2026-01-01',
          sections: [section({ points: ['On sanctions.'] })],
        }),
      ],
      { search: { maxRanked: 2, expandBelow: 0 } },
    );
    const result = library.search('sanctions');
    expect(result.total).toBe(3);
    expect(result.hits.map((h) => h.briefing.id)).toEqual(['new-point', 'mid-point']);
  });
});

describe('matching', () => {
  test.each([
    ['guarantee', 'quoted'],
    ['GUARANTEED', 'quoted'],
    ['economie', 'quoted'],
    ['energie', 'quoted'],
    ['recon', 'titled'],
    ['reconstr', 'titled'],
    ['kallas', 'quoted'],
    ['high representative', 'quoted'],
  ])(
    'GIVEN the query %j WHEN searched THEN %j is found (stems, accents, prefixes, speakers)',
    (query, id) => {
      expect(hitIds(build(corpus()), query)).toContain(id);
    },
  );

  test('GIVEN a short unfinished word WHEN searched THEN it is not widened into a prefix', () => {
    expect(build(corpus()).search('rec').total).toBe(0);
  });

  test('GIVEN a word that exists as typed WHEN searched THEN it is not widened to longer words', () => {
    const library = build([
      briefing('a', { title: 'Port access' }),
      briefing('b', { title: 'Portugal joins' }),
    ]);
    expect(hitIds(library, 'port')).toEqual(['a']);
  });

  test.each([
    '"',
    '*',
    'NEAR(',
    'NEAR(a b, 2)',
    '-',
    '- reconstruction',
    'OR',
    'AND NOT',
    '(',
    ')',
    'title:war',
    '^war',
    '"unbalanced',
    '{title}: war',
    '@everyone',
    '<@&1>',
    '💥🔥',
    '',
    '   ',
    '\u0000',
    'x'.repeat(200),
    'war '.repeat(50),
    'a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(4),
  ])('GIVEN the hostile query %j WHEN searched THEN it answers without an FTS5 error', (query) => {
    const result = build(corpus()).search(query);
    expect(result.total).toBeGreaterThanOrEqual(0);
    expect(result.hits.length).toBeLessThanOrEqual(10);
  });

  test.each(['"', '*', '-', '( )', '@', '...', '', '   '])(
    'GIVEN the query %j with no words WHEN searched THEN there are no hits',
    (query) => {
      expect(build(corpus()).search(query)).toEqual({ total: 0, hits: [] });
    },
  );

  test('GIVEN operator words in capitals WHEN searched THEN they are not terms, and the same words in lower case are', () => {
    const library = build([
      briefing('near', { title: 'Near the border' }),
      briefing('other', { title: 'Border crossings' }),
    ]);
    expect(hitIds(library, 'NEAR border').sort()).toEqual(['near', 'other']);
    expect(hitIds(library, 'near border')).toEqual(['near']);
    expect(hitIds(library, 'border NOT').sort()).toEqual(['near', 'other']);
    expect(hitIds(library, 'border -near')).toEqual(['near']);
  });
});

describe('terms that are not words to find', () => {
  // Every item says "and", "the" or "it": a query word that matches them all matches everything.
  const wordy = () =>
    build([
      briefing('talks', {
        title: 'Security and the talks',
        summary: 'The talks went on and on, and it rained.',
        sections: [
          section({
            heading: 'Aid and access',
            summary: 'Humanitarian access and security are linked.',
            points: ['It is cold and wet.', 'Security and order.', 'Humanitarian convoys and trucks.'],
          }),
          section({ heading: 'The bold plan', summary: 'A bold plan and a timid one.' }),
        ],
        quotes: [quote({ text: 'We act with strategic patience.', speaker: 'An envoy' })],
      }),
    ]);
  const snippets = (library: Library, query: string) =>
    library.search(query, { limit: 50 }).hits.map((h) => h.snippet);

  test('GIVEN "security AND humanitarian" WHEN searched THEN only the items with both words', () => {
    const hits = snippets(wordy(), 'security AND humanitarian');
    expect(hits).toEqual(['Aid and access — **Humanitarian** access and **security** are linked.']);
  });

  test('GIVEN two words no single item holds together WHEN searched THEN items with either are shown', () => {
    const library = wordy();
    const hits = snippets(library, 'convoys order');
    expect(hits).toHaveLength(2);
    expect(hits.some((h) => h.includes('**convoys**'))).toBe(true);
    expect(hits.some((h) => h.includes('**order**'))).toBe(true);
  });

  test('GIVEN stop words beside a real word WHEN searched THEN they do not match', () => {
    expect(snippets(wordy(), '**bold** _it_')).toEqual([
      'The **bold** plan — A **bold** plan and a timid one.',
    ]);
    expect(snippets(wordy(), 'the rained')).toEqual(['The talks went on and on, and it **rained**.']);
  });

  test('GIVEN only stop words WHEN searched THEN they are searched for, as the user asked for nothing else', () => {
    expect(wordy().search('it').total).toBeGreaterThan(0);
  });

  test('GIVEN quoted words WHEN searched THEN they are a phrase: items with one of them do not match', () => {
    const library = build([
      briefing('phrase', {
        summary: 'A strategic review.',
        sections: [section({ points: ['Strategic aims.', 'Patience wears thin.'] })],
        quotes: [quote({ text: 'We act with strategic patience.', speaker: 'An envoy' })],
      }),
      briefing('apart', { summary: 'Strategic choices need patience.' }),
    ]);
    const result = library.search('"strategic patience"', { limit: 50 });
    expect(result.hits.map((h) => [h.briefing.id, h.kind, h.snippet])).toEqual([
      ['phrase', 'quote', 'We act with **strategic patience**. — An envoy'],
    ]);
    expect(library.search('“strategic patience”').total).toBe(1);
  });

  test('GIVEN two words unquoted WHEN the briefing has items with one and with both THEN only those with both are shown', () => {
    const library = build([
      briefing('phrase', {
        summary: 'A strategic review.',
        sections: [section({ points: ['Strategic aims.', 'Strategic means.'] })],
        quotes: [quote({ text: 'We act with strategic patience.', speaker: 'An envoy' })],
      }),
    ]);
    const hits = library.search('strategic patience', { limit: 50 }).hits;
    expect(hits.map((h) => h.snippet)).toEqual(['We act with **strategic** **patience**. — An envoy']);
  });

  test('GIVEN briefings that match all terms and others with some WHEN few match THEN all-terms hits come first across briefings', () => {
    const library = build([
      briefing('newer-one-word', {
        published: '2026-03-01',
        title: 'Grain grain grain',
        sections: [section({ points: ['Grain.'] })],
      }),
      briefing('older-both', {
        published: '2025-01-01',
        sections: [section({ points: ['Grain and ports reopen.', 'Grain only.'] })],
      }),
    ]);
    const hits = library.search('grain ports', { limit: 50 }).hits;
    expect(hits[0]?.snippet).toBe('**Grain** and **ports** reopen.');
  });
});

describe('looking-ahead items and letters without accents', () => {
  test('GIVEN a looking-ahead item WHEN its words are searched THEN it is a hit, labelled with its horizon', () => {
    const library = build([
      briefing('ahead', {
        looking_ahead: [ahead({ text: 'A donors conference in Oslo is planned.', horizon: '2026-Q3' })],
      }),
    ]);
    const [hit] = library.search('oslo conference').hits;
    expect(hit).toMatchObject({
      kind: 'lookahead',
      label: '2026-Q3',
      snippet: 'A donors **conference** in **Oslo** is planned.',
    });
  });

  test.each([
    ['tromso', 'Talks in **Tromsø** resumed.'],
    ['TROMSØ', 'Talks in **Tromsø** resumed.'],
    ['lodz', '**Łódź** hosts donors.'],
  ])('GIVEN %j WHEN searched THEN letters that have no accent to strip still fold', (query, snippet) => {
    const library = build([
      briefing('north', { summary: 'Talks in Tromsø resumed.' }),
      briefing('south', { summary: 'Łódź hosts donors.' }),
    ]);
    expect(library.search(query).hits.map((h) => h.snippet)).toEqual([snippet]);
  });
});

describe('bounded work per query', () => {
  test('GIVEN many more words than allowed WHEN parsed THEN at most maxTerms terms are kept', () => {
    const words = Array.from({ length: 32 }, (_, i) => `word${i}`).join(' ');
    expect(parseQuery(words)).toHaveLength(SEARCH_LIMITS.maxTerms);
  });

  test('GIVEN more frequent words than allowed WHEN searched THEN the extra ones are left out and named', () => {
    // Five words in every briefing but one, which lacks the last: searching all five would skip it.
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'foxtrot'];
    const library = build(
      Array.from({ length: 6 }, (_, i) =>
        briefing(`b${i}`, { summary: `${(i === 0 ? words.slice(0, -1) : words).join(' ')} echo${i}.` }),
      ),
      { search: { frequentDocs: 3 } },
    );
    const result = library.search(words.join(' '), { limit: 50 });
    expect(result.ignored).toEqual(words.slice(SEARCH_LIMITS.maxFrequentWords));
    expect(new Set(result.hits.map((h) => h.briefing.id)).size).toBe(6);
    // A rare word costs little: it is always kept, and it narrows.
    const rare = library.search(`echo0 ${words.join(' ')}`);
    expect(rare.ignored).toEqual(words.slice(SEARCH_LIMITS.maxFrequentWords));
    expect(rare.hits.map((h) => h.briefing.id)).toEqual(['b0']);
  });

  test('GIVEN a frequent prefix and no frequent words left to afford WHEN searched THEN it is not widened', () => {
    const library = build(
      Array.from({ length: 6 }, (_, i) =>
        briefing(`b${i}`, { summary: `Alpha bravo strategy strain ${i}.` }),
      ),
      { search: { frequentDocs: 3 } },
    );
    const frequent = ['alpha', 'bravo', 'charlie'].slice(0, SEARCH_LIMITS.maxFrequentWords);
    const widened = library.search(`${frequent.slice(1).join(' ')} stra`).hits[0]?.snippet;
    expect(widened).toContain('**strategy**');
    const capped = library.search(`${frequent.join(' ')} stra`).hits[0]?.snippet;
    expect(capped).not.toContain('**strategy**');
  });

  test('GIVEN a corpus smaller than the frequency threshold WHEN searched THEN no word is left out', () => {
    // Every word is in every briefing, but there are too few briefings for any word to cost much.
    const library = build([briefing('a', { summary: 'Alpha bravo charlie delta echo.' })]);
    const result = library.search('alpha bravo charlie delta echo');
    expect(result.ignored).toBeUndefined();
    expect(result.hits[0]?.snippet).toBe('**Alpha** **bravo** **charlie** **delta** **echo**.');
  });
});

describe('hits and snippets', () => {
  test('GIVEN a point match WHEN searched THEN the hit names its section and bolds the match', () => {
    const [hit] = build(corpus()).search('funding').hits;
    expect(hit).toMatchObject({
      kind: 'point',
      label: 'Grid',
      snippet: '**Funding** for reconstruction is short.',
    });
  });

  test('GIVEN a quote match WHEN searched THEN the hit names the speaker and shows the quote', () => {
    const [hit] = build(corpus()).search('credible').hits;
    expect(hit).toMatchObject({ kind: 'quote', label: 'Kaja Kallas' });
    expect(hit?.snippet).toBe(
      'Guarantees must be **credible** and lasting. — Kaja Kallas, High Representative',
    );
  });

  test('GIVEN a match on the speaker only WHEN searched THEN the quote is shown with the speaker in bold', () => {
    const [hit] = build(corpus()).search('kallas').hits;
    expect(hit?.kind).toBe('quote');
    expect(hit?.snippet).toContain('**Kallas**');
  });

  test('GIVEN a section match WHEN searched THEN the snippet reads heading — summary', () => {
    const [hit] = build(corpus()).search('scarce').hits;
    expect(hit).toMatchObject({
      kind: 'section',
      label: 'Air defence',
      snippet: 'Air defence — Systems are **scarce**.',
    });
  });

  test('GIVEN a summary match WHEN searched THEN the hit is the summary', () => {
    const [hit] = build(corpus()).search('rome').hits;
    expect(hit).toMatchObject({ kind: 'summary', snippet: 'Donors met in **Rome**.' });
    expect(hit?.label).toBeUndefined();
  });

  test('GIVEN a title that matches two words WHEN searched THEN both are bold', () => {
    const [hit] = build(corpus()).search('security guarantees').hits;
    expect(hit?.briefing.id).toBe('quoted');
    expect(hit?.snippet).toContain('**Security** **guarantees**');
  });

  test('GIVEN a long summary WHEN matched near its end THEN the snippet is a window with ellipses', () => {
    const words = Array.from({ length: 80 }, (_, i) => `w${i}`);
    words[40] = 'needle';
    const [hit] = build([briefing('long', { summary: words.join(' ') })]).search('needle').hits;
    expect(hit?.snippet.startsWith('…')).toBe(true);
    expect(hit?.snippet.endsWith('…')).toBe(true);
    expect(hit?.snippet).toContain('**needle**');
    expect(hit?.snippet.split(' ').length).toBeLessThanOrEqual(40);
  });

  test('GIVEN curator text with markdown and mentions WHEN it matches THEN the snippet escapes them', () => {
    const library = build([
      briefing('hostile', {
        sections: [
          section({
            points: [
              'Tell @everyone and <@&123> about *bold* _plans_ ~~now~~ `code` ||spoiler|| [link](https://x.y) \\ end',
            ],
          }),
        ],
      }),
    ]);
    const [hit] = library.search('plans').hits;
    expect(hit?.snippet).toBe(
      'Tell @\u200beveryone and \\<@\u200b&123> about \\*bold\\* \\_**plans**\\_ \\~\\~now\\~\\~ \\`code\\` \\|\\|spoiler\\|\\| \\[link\\](https://x.y) \\\\ end',
    );
    expect(hit?.snippet).not.toMatch(/@everyone|<@&/);
  });

  test('GIVEN a query for a mention WHEN it matches THEN the mention stays defused around the bold', () => {
    const library = build([briefing('ping', { summary: 'Never ping @everyone here.' })]);
    const [hit] = library.search('@everyone').hits;
    expect(hit?.snippet).toBe('Never ping @\u200b**everyone** here.');
  });
});

describe('pagination', () => {
  const many = () =>
    Array.from({ length: 25 }, (_, i) =>
      briefing(`b${String(i).padStart(2, '0')}`, {
        published: `2026-01-${String(i + 1).padStart(2, '0')}`,
        title: `Talks round ${i}`,
      }),
    );

  test('GIVEN 25 matches WHEN paged by 10 THEN pages do not overlap and cover every match', () => {
    const library = build(many());
    const pages = [0, 10, 20].map((offset) => library.search('talks', { limit: 10, offset }));
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    expect(pages.map((p) => p.hits.length)).toEqual([10, 10, 5]);
    const all = pages.flatMap((p) => p.hits.map((h) => h.briefing.id));
    expect(new Set(all).size).toBe(25);
  });

  test.each([
    [{ limit: 0 }, 1],
    [{ limit: -5 }, 1],
    [{ limit: 3 }, 3],
    [{ limit: 1000 }, 25],
    [{ offset: 30 }, 0],
    [{ offset: -3 }, 10],
  ])('GIVEN options %j WHEN searched THEN %i hits come back', (options, count) => {
    expect(build(many()).search('talks', options).hits).toHaveLength(count);
  });
});

describe('query parsing', () => {
  test.each([
    ['Security guarantees', ['security', 'guarantees']],
    ['"NEAR(a, b)" OR c*', ['near a b', 'c']],
    ["Europe's économie", ['europe', 'économie']],
    ['security AND humanitarian', ['security', 'humanitarian']],
    ['**bold** _it_', ['bold']],
    ['"strategic patience" talks', ['strategic patience', 'talks']],
    ['“head of state”', ['head of state']],
    ['"unbalanced quote', ['unbalanced', 'quote']],
    ['the and it', ['the', 'and', 'it']],
    ['Tromsø', ['tromso']],
    ['--- ***', []],
  ])('GIVEN %j WHEN parsed THEN the terms are %j', (query, terms) => {
    expect(parseQuery(query).map(termText)).toEqual(terms);
  });

  test('GIVEN long words and a long phrase WHEN parsed THEN words are cut to 64 characters and phrases to their limit', () => {
    const terms = parseQuery(`${'y'.repeat(100)} "${'p '.repeat(20)}"`);
    expect(terms[0]?.words[0]).toHaveLength(64);
    expect(terms[1]?.words).toHaveLength(SEARCH_LIMITS.maxPhraseWords);
  });

  test.each([
    [['a', 'b'], 'all', false, '"a" AND "b"'],
    [['a', 'b'], 'any', false, '"a" OR "b"'],
    [['a', 'recon'], 'all', true, '"a" AND "recon"*'],
    [['a b', 'c'], 'all', false, '"a b" AND "c"'],
  ] as const)('GIVEN terms %j (%s, prefix %s) THEN the expression is %s', (terms, mode, prefix, expected) => {
    expect(
      toMatchExpression(
        terms.map((t) => ({ words: t.split(' ') })),
        mode,
        prefix,
      ),
    ).toBe(expected);
  });
});

describe('formatSnippet', () => {
  test.each([
    ['plain \uE000word\uE001 text', 'plain **word** text'],
    ['two\n\n lines \t here', 'two lines here'],
    ['# heading \uE000x\uE001', '\\# heading **x**'],
    ['- item', '\\- item'],
    ['> quote', '\\> quote'],
    ['12. item', '12\\. item'],
    ['\uE000#\uE001 tag', '**\\#** tag'],
    ['a_b*c~d`e|f\\g', 'a\\_b\\*c\\~d\\`e\\|f\\\\g'],
    ['mail me@example.org', 'mail me@\u200bexample.org'],
    ['cut \uE000open', 'cut **open**'],
    ['see https://example.org/a_b*c now_', 'see https://example.org/a_b*c now\\_'],
    ['see https://\uE000example\uE001.org/x', 'see https://example.org/x'],
    ['\uE000bold\uE001 https://x.y/\uE000z\uE001 \uE000z\uE001', '**bold** https://x.y/z **z**'],
  ])('GIVEN %j WHEN formatted THEN %j', (marked, expected) => {
    expect(formatSnippet(marked)).toBe(expected);
  });
});
