import { expect, test } from 'vitest';
import { pickSentences, textRank } from '../../../src/briefings/ingest/summary.js';
import { contentStems } from '../../../src/briefings/ingest/text.js';

const sentences = [
  'Ministers discussed energy security and gas reserves for the region.',
  'The weather in Warsaw was mild on Tuesday morning.',
  'A shared gas reserve would protect the region against supply shocks.',
  'Energy ministers backed a joint reserve of gas and power.',
  'Lunch was served in the main hall.',
];

test('GIVEN sentences around one topic and two asides THEN the topical ones rank above the asides', () => {
  const scores = textRank(sentences.map(contentStems));
  const [weather, lunch] = [scores[1] ?? 0, scores[4] ?? 0];
  for (const i of [0, 2, 3]) {
    expect(scores[i]).toBeGreaterThan(weather);
    expect(scores[i]).toBeGreaterThan(lunch);
  }
});

test('GIVEN no sentences THEN there are no scores', () => {
  expect(textRank([])).toEqual([]);
});

test('GIVEN a count and a budget THEN the best sentences come back in reading order within the budget', () => {
  const scores = [0.1, 0.5, 0.2, 0.9, 0.3];
  expect(pickSentences(sentences, scores, 2, 1000)).toEqual([1, 3]);
  const budget = (sentences[3]?.length ?? 0) + 5;
  expect(pickSentences(sentences, scores, 3, budget)).toEqual([3]);
});

test('GIVEN a bias towards the lead THEN an early sentence can win over a slightly better later one', () => {
  const scores = [0.5, 0.1, 0.1, 0.6, 0.1];
  expect(pickSentences(sentences, scores, 1, 1000, (i) => (i === 0 ? 1.5 : 1))).toEqual([0]);
});
