import { describe, expect, test } from 'vitest';
import type { Period } from '../../src/briefings/index.js';
import {
  addMonths,
  comparePeriods,
  describePeriod,
  inWindow,
  overlaps,
  resolvePeriod,
  windowEnd,
} from '../../src/briefings/period.js';

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);
const period = (value: string): Period => {
  const p = resolvePeriod(value);
  if (!p) throw new Error(`${value} should resolve`);
  return p;
};

describe('resolvePeriod', () => {
  test.each([
    ['2026-03-15', '2026-03-15', '2026-03-16', 'day'],
    ['2026-12-31', '2026-12-31', '2027-01-01', 'day'],
    ['2024-02-29', '2024-02-29', '2024-03-01', 'day'],
    ['2026-03', '2026-03-01', '2026-04-01', 'month'],
    ['2026-12', '2026-12-01', '2027-01-01', 'month'],
    ['2026-Q1', '2026-01-01', '2026-04-01', 'quarter'],
    ['2026-Q2', '2026-04-01', '2026-07-01', 'quarter'],
    ['2026-Q4', '2026-10-01', '2027-01-01', 'quarter'],
    ['2026', '2026-01-01', '2027-01-01', 'year'],
  ])('GIVEN %s WHEN resolved THEN it covers [%s, %s) at %s precision', (value, start, end, precision) => {
    expect(resolvePeriod(value)).toEqual({ start: d(start), end: d(end), precision });
  });

  test('GIVEN the year as a YAML number WHEN resolved THEN it is the whole year', () => {
    expect(resolvePeriod(2026)).toEqual({ start: d('2026-01-01'), end: d('2027-01-01'), precision: 'year' });
  });

  test.each([
    '2026-02-30',
    '2025-02-29',
    '2026-13',
    '2026-Q5',
    '2026-Q0',
    '26',
    'soon',
    '',
    '2026-3',
    '2026-03-15T10:00',
  ])('GIVEN %j WHEN resolved THEN it is not a period', (value) => {
    expect(resolvePeriod(value)).toBeUndefined();
  });
});

describe('windowEnd', () => {
  const now = new Date('2026-01-31T09:30:00Z');
  test.each([
    ['week', '2026-02-07T09:30:00Z'],
    ['month', '2026-02-28T09:30:00Z'],
    ['quarter', '2026-04-30T09:30:00Z'],
    ['year', '2027-01-31T09:30:00Z'],
  ] as const)('GIVEN 31 January WHEN the window is a %s THEN it ends %s', (window, end) => {
    expect(windowEnd(now, window)).toEqual(new Date(end));
  });

  test('GIVEN the window "all" WHEN asked its end THEN there is none', () => {
    expect(windowEnd(now, 'all')).toBeUndefined();
  });

  test.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-05-15', 12, '2027-05-15'],
  ])('GIVEN %s WHEN %i month(s) are added THEN the day is clamped to %s', (from, months, to) => {
    expect(addMonths(d(from), months)).toEqual(d(to));
  });
});

describe('overlaps', () => {
  const march = period('2026-03');
  test.each([
    ['2026-02-01', '2026-03-01', false],
    ['2026-02-01', '2026-03-02', true],
    ['2026-03-10', '2026-03-11', true],
    ['2026-03-31', '2026-05-01', true],
    ['2026-04-01', '2026-05-01', false],
  ])('GIVEN March 2026 and [%s, %s) THEN overlap is %s (half-open on both)', (from, to, expected) => {
    expect(overlaps(march, d(from), d(to))).toBe(expected);
  });
});

describe('inWindow: what "within" means for items dated by month, quarter or year', () => {
  // A reader asking what is due within a week does not want every item dated only "2026".
  const w = ['week', 'month', 'quarter', 'year'] as const;
  test.each([
    // value, now, [week, month, quarter, year]
    ['2026-11-25', '2026-11-20T09:00:00Z', [true, true, true, true]],
    ['2026-11-20', '2026-11-20T09:00:00Z', [true, true, true, true]],
    ['2026-11-19', '2026-11-20T09:00:00Z', [false, false, false, false]],
    ['2026-11-27', '2026-11-20T09:00:00Z', [true, true, true, true]],
    ['2026-11-28', '2026-11-20T09:00:00Z', [false, true, true, true]],
    ['2026', '2026-11-20T09:00:00Z', [false, false, true, true]],
    ['2026', '2026-12-28T09:00:00Z', [true, true, true, true]],
    ['2026', '2026-06-01T09:00:00Z', [false, false, false, true]],
    ['2027', '2026-11-20T09:00:00Z', [false, false, false, true]],
    ['2026-Q4', '2026-11-20T09:00:00Z', [false, false, true, true]],
    ['2027-Q1', '2026-11-20T09:00:00Z', [false, false, true, true]],
    ['2027-Q2', '2026-11-20T09:00:00Z', [false, false, false, true]],
    ['2026-11', '2026-11-20T09:00:00Z', [false, true, true, true]],
    ['2026-11', '2026-11-26T09:00:00Z', [true, true, true, true]],
    ['2026-12', '2026-11-20T09:00:00Z', [false, true, true, true]],
    ['2027-01', '2026-11-20T09:00:00Z', [false, false, true, true]],
    ['2026-10', '2026-11-20T09:00:00Z', [false, false, false, false]],
    // The README's examples.
    ['2026', '2026-06-10T09:00:00Z', [false, false, false, true]],
    ['2026', '2026-12-25T09:00:00Z', [true, true, true, true]],
    ['2026-Q3', '2026-06-10T09:00:00Z', [false, false, true, true]],
    ['2026-06', '2026-06-10T09:00:00Z', [false, true, true, true]],
    ['2026-06', '2026-06-24T09:00:00Z', [true, true, true, true]],
  ] as const)(
    'GIVEN an item dated %s on %s THEN within week/month/quarter/year is %j',
    (value, now, expected) => {
      expect(w.map((window) => inWindow(period(value), new Date(now), window))).toEqual(expected);
    },
  );

  test('GIVEN the window "all" THEN every dated item is in it, past ones included', () => {
    expect(inWindow(period('2020'), new Date('2026-11-20T09:00:00Z'), 'all')).toBe(true);
  });
});

describe('comparePeriods', () => {
  test('GIVEN periods starting together WHEN sorted THEN the narrower comes first, and earlier starts before', () => {
    const values = ['2026', '2026-Q2', '2026-04', '2026-04-01', '2026-01-15', '2025-Q4'];
    const sorted = values.map(period).sort(comparePeriods).map(describePeriod);
    expect(sorted).toEqual(['Q4 2025', '2026', '15 January 2026', '1 April 2026', 'April 2026', 'Q2 2026']);
  });
});

describe('describePeriod', () => {
  test.each([
    ['2026-03-05', '5 March 2026'],
    ['2026-11', 'November 2026'],
    ['2026-Q3', 'Q3 2026'],
    ['2026', '2026'],
  ])('GIVEN %s WHEN described THEN it reads %j', (value, text) => {
    expect(describePeriod(period(value))).toBe(text);
  });
});
