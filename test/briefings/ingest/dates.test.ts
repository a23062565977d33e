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
