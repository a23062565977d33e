import { describe, expect, test } from 'vitest';
import {
  type Candidate,
  Match,
  matchQuality,
  rankCandidates,
  rankChoices,
  resolveTyped,
} from '../../src/options/choices.js';
import { fold } from '../../src/text/fold.js';

const c = (name: string, value = name): Candidate => ({ name, value });

describe('matchQuality', () => {
  test.each([
    ['security', 'security', Match.Exact],
    ['Sécurité', 'securite', Match.Exact],
    ['security-defence', 'sec', Match.Prefix],
    ['security-defence', 'def', Match.WordPrefix],
    ['Economy & reconstruction', 'recon', Match.WordPrefix],
    ['security-defence', 'fence', Match.Substring],
    ['security-defence', 'zzz', Match.None],
  ])('GIVEN %j and query %j THEN the match is %i', (text, query, quality) => {
    expect(matchQuality(text, fold(query))).toBe(quality);
  });
});

describe('rankChoices', () => {
  test('GIVEN candidates of every quality WHEN ranked THEN exact, prefix, word-prefix, substring', () => {
    const list = [c('nodefences'), c('defence policy'), c('air defence'), c('defence'), c('nothing')];
    expect(rankChoices(list, 'defence').map((x) => x.value)).toEqual([
      'defence',
      'defence policy',
      'air defence',
      'nodefences',
    ]);
  });

  test('GIVEN an empty query WHEN ranked THEN the candidates keep their own order', () => {
    expect(rankChoices([c('b'), c('a')], '').map((x) => x.value)).toEqual(['b', 'a']);
  });

  test('GIVEN 100 matches with long names WHEN ranked THEN 25 choices within 100 characters', () => {
    const list = Array.from({ length: 100 }, (_, i) => c(`match ${i} ${'long '.repeat(40)}`, `v${i}`));
    const out = rankChoices(list, 'match');
    expect(out).toHaveLength(25);
    for (const choice of out) expect(choice.name.length).toBeLessThanOrEqual(100);
  });

  test('GIVEN a value over 100 characters or a duplicate WHEN ranked THEN it is left out', () => {
    const out = rankChoices([c('a', 'x'.repeat(101)), c('ab', 'same'), c('abc', 'same')], 'a');
    expect(out).toEqual([{ name: 'ab', value: 'same' }]);
  });
});

describe('resolveTyped', () => {
  const themes = [
    {
      name: 'Security & defence',
      value: 'security-defence',
      keys: ['security-defence', 'Security & defence'],
    },
    {
      name: 'Political dialogue',
      value: 'political-dialogue',
      keys: ['political-dialogue', 'Political dialogue'],
    },
    { name: 'Process', value: 'process', keys: ['process'] },
    { name: 'Process expectations', value: 'process-expectations', keys: ['process-expectations'] },
  ];

  test.each([
    ['security', 'security-defence'],
    ['SECURITY & DEFENCE', 'security-defence'],
    ['dialogue', 'political-dialogue'],
    ['process', 'process'],
    ['proc', undefined],
    ['nothing', undefined],
  ])('GIVEN the user typed %j THEN it means %j', (typed, value) => {
    expect(resolveTyped(themes, typed)?.value).toBe(value);
  });
});

describe('ranking order without sorting', () => {
  test('GIVEN candidates of every quality in mixed order WHEN ranked THEN exact, prefix, word start, substring, each in list order', () => {
    const list = [
      c('x-def 1'),
      c('fence'),
      c('def 2'),
      c('def'),
      c('offence'),
      c('a-def 3'),
      c('def 4'),
      c('undef'),
    ];
    expect(rankChoices(list, 'def').map((x) => x.value)).toEqual([
      'def',
      'def 2',
      'def 4',
      'x-def 1',
      'a-def 3',
      'undef',
    ]);
  });
});

describe('choices stop early without changing the ranking', () => {
  /** The plain ranking: every candidate ranked, then the first 25 valid distinct values. */
  const reference = (list: Candidate[], query: string) => {
    const out: string[] = [];
    for (const x of rankCandidates(list, query)) {
      if (out.length >= 25) break;
      if (x.value.length === 0 || x.value.length > 100 || out.includes(x.value)) continue;
      out.push(x.value);
    }
    return out;
  };
  const words = ['alpha', 'beta', 'alp', 'gamma', 'al', 'delta-alpha', 'Álpha', 'x'];
  // Prefix matches past the 25th, exact ones late in the list, duplicates and over-long values.
  const list: Candidate[] = Array.from({ length: 400 }, (_, i) => {
    const word = words[(i * 7) % words.length] as string;
    const value = i % 97 === 0 ? 'v'.repeat(101) : i % 13 === 0 ? `dup-${i % 3}` : `id-${i}`;
    return { name: `${word} ${i % 5 === 0 ? '' : i}`.trim(), value, keys: [value, `${word} ${i}`, word] };
  });

  test.each(['', 'a', 'al', 'alp', 'alpha', 'beta', 'pha', 'dup', 'id-3', 'id-399', 'x', 'zzz'])(
    'GIVEN query %j WHEN choices are ranked THEN they are the first 25 of the full ranking',
    (query) => {
      expect(rankChoices(list, query).map((x) => x.value)).toEqual(reference(list, query));
    },
  );
});
