import { describe, expect, test } from 'vitest';
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

describe('looking-ahead items: the forms that count', () => {
  const june = { year: 2027, month: 6, day: 4 };
  test.each([
    ['planning passive', 'A fifth round of talks is planned for July in Vienna.'],
    ['"are to"', 'Germany and Poland are to take over the southern routes in October.'],
    ['timetable verb', 'The timetable foresees the code being ready for signature by the end of February.'],
    [
      'reported expectation',
      'She said she expected the General Conference in September to adopt a resolution.',
    ],
    ['obligation with a date', 'It must report to ministers by the end of June.'],
    ['reported plan', 'Officials said further consultations are planned before the vote.'],
    [
      'an aside about the past after the cue',
      'A round is planned for July, though officials said no date had been fixed.',
    ],
  ])('GIVEN a %s THEN it is an item', (_, sentence) => {
    expect(lookaheadSignal(sentence, june)).toBeDefined();
  });
});

describe('looking-ahead items: what is not one, even with "will", "next", "expected" or a date', () => {
  const june = { year: 2027, month: 6, day: 4 };
  test.each([
    ['an opinion that something will fail', 'Opponents insist the deal will collapse within a month.'],
    ['a prediction', 'Commentators predict the coalition will not survive the winter.'],
    ['an argument', 'Industry groups argue that a fixed percentage will discourage investment.'],
    ['a private assessment', 'One diplomat said privately that the talks would fail.'],
    ['a statement of need', 'The port will still need dredging whatever is agreed.'],
    ['a proposal', 'Russia wants any renewal to include a plan to hand security back.'],
    ['a demand', 'The opposition has called for a vote that will settle the matter.'],
    ['past planning', 'The summit, first planned for May, was delayed.'],
    ['a past "planned for"', 'A pilot network was planned for 2026 but was never funded.'],
    ['"planned for last"', 'A similar corridor, planned for last June, never opened.'],
    ['a past promise', 'In 2023 the ministry pledged the pipeline would open within two years; it has not.'],
    ['a promise reported last year', 'Beijing said last year that it expected a code to be signed by 2026.'],
    ['what someone would not say', 'Officials would not say what they might accept.'],
    ['a refusal', 'Bulgaria has said it will not accept such a clause.'],
    ['an open question', 'The questions are the scope and whether it will be legally binding.'],
    [
      'a conditional warning with no time',
      'Companies will simply stop using samples if the terms are too strict.',
    ],
    ['a dated quotation (it is a quote)', '“We will meet again in March,” she said.'],
    ['a quotation', '“We have inspectors on the site and we intend to keep them there,” Varga said.'],
    ['a sentence inside a quotation', '"From January, they will be among the first."'],
    [
      'a long quotation after a colon',
      'She said: “If the first incident is handled badly, we will have wasted a year.”',
    ],
  ])('GIVEN %s THEN it is not an item', (_, sentence) => {
    expect(lookaheadSignal(sentence, june)).toBeUndefined();
  });
});
