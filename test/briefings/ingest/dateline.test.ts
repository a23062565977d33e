import { describe, expect, test } from 'vitest';
import { analyseArticle } from '../../../src/briefings/ingest/analyse.js';
import { parseDateline, parseHeaderLine } from '../../../src/briefings/ingest/dateline.js';
import { buildDraft } from '../../../src/briefings/ingest/draft.js';

test.each([
  [
    'Washington, D.C., United States, January 2026, Brussels Morning Newspaper highlights renewed momentum.',
    {
      place: 'Washington, D.C., United States',
      date: { year: 2026, month: 1 },
      source: 'Brussels Morning Newspaper',
    },
  ],
  ['BRUSSELS (AP) — NATO ministers pledged more.', { place: 'Brussels', source: 'AP' }],
  [
    'ROME, March 14, 2026 — Governments committed new grants.',
    { place: 'Rome', date: { year: 2026, month: 3, day: 14 } },
  ],
  [
    'GENEVA, 23 January 2026 - Two days of talks ended.',
    { place: 'Geneva', date: { year: 2026, month: 1, day: 23 } },
  ],
  [
    'KYIV, Jan. 14, 2026 (Reuters) - Talks resumed.',
    { place: 'Kyiv', date: { year: 2026, month: 1, day: 14 }, source: 'Reuters' },
  ],
  ['WARSAW — Leaders met on Tuesday.', { place: 'Warsaw' }],
])('GIVEN the lead "%s" THEN the dateline is read', (paragraph, expected) => {
  const d = parseDateline(paragraph);
  expect(d).toMatchObject(expected);
  expect(d?.rest).not.toMatch(/^\s/);
  expect(paragraph.endsWith(d?.rest ?? '')).toBe(true);
});

test.each([
  'The discussions come amid continued geopolitical uncertainty, placing emphasis on dialogue.',
  'Brussels – a city of compromise – hosted the talks.',
  'In January 2026, officials met again.',
])('GIVEN an ordinary first paragraph "%s" THEN no dateline is claimed', (paragraph) => {
  expect(parseDateline(paragraph)).toBeUndefined();
});

describe('parseHeaderLine: a dateline or byline on its own line', () => {
  test.each([
    ['Riga, Latvia — May 2027 — The Example Times', 'Riga, Latvia', 2027, 5, undefined, 'The Example Times'],
    [
      'Jakarta, Indonesia — 18 March 2027 — Example Asia Review',
      'Jakarta, Indonesia',
      2027,
      3,
      18,
      'Example Asia Review',
    ],
    ['Geneva, 14 October 2027', 'Geneva', 2027, 10, 14, undefined],
    ['By the Example Gazette foreign desk, Vienna, 4 June 2027', 'Vienna', 2027, 6, 4, 'Example Gazette'],
    [
      'By Ana Petrova, The Example Herald, Skopje, 23 September 2027',
      'Skopje',
      2027,
      9,
      23,
      'The Example Herald',
    ],
    ['By Jonathan Reyes, Washington, 11 January 2027', 'Washington', 2027, 1, 11, undefined],
  ])('GIVEN "%s" THEN place %s, date %i-%i-%s, source %s', (line, place, year, month, day, source) => {
    const d = parseHeaderLine(line);
    expect(d?.place).toBe(place);
    expect(d?.date).toEqual({ year, month, ...(day === undefined ? {} : { day }) });
    // A byline's author is never taken for the source; a line naming no outlet gives none.
    expect(d?.source).toBe(source);
  });

  test('GIVEN a line with no date THEN it is no dateline', () => {
    expect(parseHeaderLine('By Ana Petrova')).toBeUndefined();
  });
});

describe('an article with its dateline on its own line', () => {
  const article = [
    'Ministers Agree a Cable Watch',
    '',
    'Riga, Latvia — May 2027 — The Example Times',
    '',
    'Ministers agreed on Tuesday to set up a joint centre to watch undersea cables in the Baltic Sea.',
    '',
    'The centre will open in September.',
  ].join('\n');
  const a = analyseArticle(article, { themes: [], origin: 'test', now: new Date('2027-05-20T00:00:00Z') });

  test('THEN place, date and source come from that line, and the lead is left whole', () => {
    expect(a.location?.value).toBe('Riga, Latvia');
    expect(a.published.value).toBe('2027-05');
    expect(a.source.value).toBe('The Example Times');
    expect(a.sections[0]?.paragraphs[0]).toMatch(/^Ministers agreed/);
  });

  test('THEN the location is marked as where the story was filed, for the curator to check as the venue', () => {
    expect(a.location?.note).toMatch(/where the story was filed; check it is the venue/);
  });

  test('THEN the draft says so once on the location line, without a second "check it"', () => {
    const yaml = buildDraft(a, { origin: 'test', now: new Date('2027-05-20T00:00:00Z') }).yaml;
    const line = yaml.split('\n').find((l) => l.startsWith('location:'));
    expect(line).toMatch(
      /# machine-extracted \(dateline: where the story was filed; check it is the venue\)$/,
    );
  });
});

describe('wire datelines and datelines that name no source', () => {
  const now = new Date('2027-03-01T00:00:00Z');
  test('GIVEN a wire item with CRLF line endings THEN place, day and agency come from its dateline', () => {
    const article = [
      'Talks Adjourn With a Corridor Plan',
      '',
      'NAIROBI, Feb. 9, 2027 (Example Wire) — Mediators adjourned a week of talks on Tuesday.',
      '',
      'The first convoys are scheduled to leave on Feb. 20.',
    ].join('\r\n');
    const a = analyseArticle(article, { themes: [], origin: 'test', now });
    expect([a.location?.value, a.published.value, a.source.value]).toEqual([
      'Nairobi',
      '2027-02-09',
      'Example Wire',
    ]);
    expect(a.lookahead[0]?.horizon).toBe('2027-02-20');
  });

  test.each(['Geneva, 14 October 2027', 'By Jonathan Reyes, Washington, 14 October 2027'])(
    'GIVEN "%s" THEN no source is reported, never a guess',
    (line) => {
      const article = ['A Title for the Article', '', line, '', 'Negotiators met on Thursday.'].join('\n');
      const a = analyseArticle(article, { themes: [], origin: 'test', now });
      expect(a.source.how).toBe('placeholder');
      expect(a.location?.value).toBeDefined();
    },
  );
});
