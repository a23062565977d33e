import { expect, test } from 'vitest';
import { lookaheadSignal } from '../../../src/briefings/ingest/lookahead.js';

const published = { year: 2026, month: 1 };

test.each([
  'As the year continues, further rounds of engagement are anticipated.',
  'Future engagements are planned across multiple levels, reinforcing continuity.',
  'The outcomes are expected to influence broader transatlantic dynamics.',
  'Analysts suggest that sustained engagement will remain a cornerstone of cooperation.',
  'As 2026 unfolds, the direction set in Brussels is likely to shape the trajectory of engagement.',
  'The next round of talks is pencilled in for Geneva.',
  'Ministers said they would jointly finance two additional batteries.',
  'Follow-up meetings are planned for the coming weeks.',
  'The summit in 2027 should settle the question.',
  'Alvarez said he expected the summit to endorse a long-term framework.',
  'He said his organisation would have to renew contracts every few weeks.',
  'If the council decides in July, the first monitors could arrive in September.',
  '“We will meet again in March,” she said.',
])('GIVEN "%s" THEN it looks ahead', (sentence) => {
  expect(lookaheadSignal(sentence, published)).toBeDefined();
});

test.each([
  'Political will was in short supply at the time.',
  'The earlier mission had been expected to run until 2025, but it was closed.',
  'Officials argue that separating defence from diplomacy would weaken both.',
  'Analysts describe 2026 as a year of reassessment.',
  'The talks are viewed as a reference point for future diplomatic efforts.',
  'Officials said enforcement would be the real test.',
  'Ahead of the meeting, ministers met their counterparts.',
  'The original draft would have extended the mandate for 12 months.',
  'Ukraine’s minister said Kyiv would be ready.',
  '“We have done our homework, and we will keep doing it,” she said.',
])('GIVEN "%s" THEN it does not look ahead', (sentence) => {
  expect(lookaheadSignal(sentence, published)).toBeUndefined();
});

test('GIVEN a forward-looking sentence with a stated month THEN the horizon comes with it', () => {
  expect(lookaheadSignal('Ministers will meet again in June.', published)).toEqual({
    cue: 'will',
    horizon: '2026-06',
  });
});
