import { describe, expect, test } from 'vitest';
import {
  findDates,
  formatPartialDate,
  horizonOf,
  mentionsFutureDate,
} from '../../../src/briefings/ingest/dates.js';

describe('findDates', () => {
  test.each([
    ['on Jan. 14, 2026 in Kyiv', '2026-01-14'],
    ['on 23 January 2026', '2026-01-23'],
    ['in September 2026', '2026-09'],
    ['in the second quarter of 2026', '2026-Q2'],
    ['in Q3 2027', '2027-Q3'],
    ['published 2026-04-02', '2026-04-02'],
  ])('GIVEN "%s" THEN the date is %s', (text, expected) => {
    const first = findDates(text)[0];
    expect(first && formatPartialDate(first.date)).toBe(expected);
  });

  test('GIVEN a day that does not exist THEN it is not read as a date', () => {
    expect(findDates('on February 30, 2026').map((d) => formatPartialDate(d.date))).not.toContain(
      '2026-02-30',
    );
  });
});

describe('horizonOf', () => {
  const published = { year: 2026, month: 5, day: 19 };
  test.each([
    ['Ministers will meet again in June.', '2026-06'],
    ['The council will decide in March.', '2027-03'],
    ['Negotiators will reconvene on June 23 to work on a text.', '2026-06-23'],
    ['A meeting on Dec. 3-4 is expected to review it.', '2026-12-03'],
    ['The plan will be presented next month.', '2026-06'],
    ['Further rounds are anticipated as the year continues.', '2026'],
    ['The next conference will be hosted by Poland in 2027.', '2027'],
    ['The forum is scheduled to return to Warsaw next May.', '2027-05'],
    ['A window will open in the second quarter of 2026.', '2026-Q2'],
    ['A review will follow in the third quarter.', '2026-Q3'],
    ['A decision is expected next year.', '2027'],
    ['After talks in January 2026, ministers will meet again in July.', '2026-07'],
    ['An assessment is expected next week.', '2026-05'],
    ['Officials will keep working on it.', undefined],
  ])('GIVEN "%s" published 2026-05-19 THEN the horizon is %s', (sentence, expected) => {
    expect(horizonOf(sentence, published)).toBe(expected);
  });

  test('GIVEN no publication date THEN only absolute dates give a horizon', () => {
    expect(horizonOf('Talks will resume in June.')).toBeUndefined();
    expect(horizonOf('Talks will resume in June 2026.')).toBe('2026-06');
  });

  test('GIVEN "next week" from the last days of a month THEN the horizon is the next month', () => {
    expect(horizonOf('An assessment is expected next week.', { year: 2026, month: 1, day: 28 })).toBe(
      '2026-02',
    );
  });

  test('GIVEN "may" the verb THEN it is not the month', () => {
    expect(horizonOf('Ministers may meet again soon.', published)).toBeUndefined();
  });
});

test.each([
  ['The summit in 2027 will decide.', true],
  ['The mission was closed in 2024.', false],
  ['Talks on March 3, 2026 were difficult.', false],
  ['Talks on July 3, 2026 are planned.', true],
])('GIVEN "%s" published May 2026 THEN a future date is %s', (sentence, expected) => {
  expect(mentionsFutureDate(sentence, { year: 2026, month: 5 })).toBe(expected);
});

describe('horizonOf: the rules for a horizon', () => {
  const october = { year: 2027, month: 10, day: 14 };
  test.each([
    ['GIVEN a day with a time THEN the day', 'Comments are due by noon on 3 December.', '2027-12-03'],
    [
      'GIVEN a day before its month THEN the day, not the month',
      'Rotations will resume on 15 June.',
      '2028-06-15',
    ],
    ['GIVEN a day range THEN its first day', 'Hearings will be held on 29 and 30 October.', '2027-10-29'],
    [
      'GIVEN "by the end of" a month THEN the month',
      'The text is to close by the end of February.',
      '2028-02',
    ],
    ['GIVEN "the end of the month" THEN the month', 'A report is due by the end of the month.', '2027-10'],
    [
      'GIVEN "before the end of the year" THEN the year',
      'Ministers meet before the end of the year.',
      '2027',
    ],
    [
      'GIVEN a quarter without a year THEN its next occurrence',
      'A report is due in the first quarter.',
      '2028-Q1',
    ],
    ['GIVEN a quarter of next year THEN next year', 'A round in the first quarter of next year.', '2028-Q1'],
    [
      'GIVEN a month and "next year" THEN that month next year',
      'Adoption is due in May next year.',
      '2028-05',
    ],
    ['GIVEN a week of a month THEN the month', 'A round is planned for the third week of May.', '2028-05'],
    ['GIVEN "later this month" THEN the dateline month', 'She will brief them later this month.', '2027-10'],
    ['GIVEN a bare later year THEN the year', 'It could take until 2029.', '2029'],
    ['GIVEN only a span THEN none', 'The fund will run out within two years.', undefined],
    ['GIVEN "in the coming weeks" THEN none', 'A team will visit in the coming weeks.', undefined],
    ['GIVEN "now" and "Thursday" THEN none', 'The timetable adopted on Thursday now stands.', undefined],
    [
      'GIVEN a month already past this year THEN none',
      'A vote first planned for March this year.',
      undefined,
    ],
    [
      'GIVEN a month then a day inside it THEN the day',
      'Japan will exercise in November, and the allies will begin theirs on 26 November.',
      '2027-11-26',
    ],
    [
      'GIVEN a month then a later, different day THEN the first month',
      'Ministers will meet in November to prepare the summit on December 7-8.',
      '2027-11',
    ],
  ])('%s: "%s"', (_, sentence, expected) => {
    expect(horizonOf(sentence, october)).toBe(expected);
  });

  test('GIVEN a month-only dateline and its own month THEN the same year', () => {
    expect(horizonOf('Rotation starts in May.', { year: 2027, month: 5 })).toBe('2027-05');
  });
});

test('GIVEN "last month" and no year in the sentence THEN it is no future date, whatever the clock says', () => {
  expect(
    mentionsFutureDate('He told the committee last month that staff were hired.', { year: 2026, month: 4 }),
  ).toBe(false);
});
