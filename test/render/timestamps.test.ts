import { describe, expect, test } from 'vitest';
import {
  dateLabel,
  discordTimestamp,
  periodMarkdown,
  periodRelative,
  publishedMarkdown,
  resolvePartialDate,
} from '../../src/render/timestamps.js';

const NOW = new Date('2026-01-20T10:00:00Z');

describe('partial dates', () => {
  test.each([
    ['2026-03-15', '2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z', 'day', '15 March 2026'],
    ['2026-03', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 'month', 'March 2026'],
    ['2026-Q4', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'quarter', 'Q4 2026'],
    ['2026', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'year', '2026'],
  ])(
    'GIVEN %s THEN it spans %s to %s at %s precision, shown as %j',
    (value, start, end, precision, label) => {
      const p = resolvePartialDate(value);
      expect(p?.start.toISOString()).toBe(start);
      expect(p?.end.toISOString()).toBe(end);
      expect(p?.precision).toBe(precision);
      expect(dateLabel(value)).toBe(label);
    },
  );

  test('GIVEN something that is not a date THEN it has no period and shows as written', () => {
    expect(resolvePartialDate('soon')).toBeUndefined();
    expect(dateLabel('soon')).toBe('soon');
  });
});

describe('Discord timestamps', () => {
  test('GIVEN a day WHEN shown THEN midday UTC keeps the same date for readers in every time zone', () => {
    const p = resolvePartialDate('2026-02-10');
    const noon = Date.UTC(2026, 1, 10, 12) / 1000;
    expect(p && periodMarkdown(p, NOW)).toBe(`<t:${noon}:D> (<t:${noon}:R>)`);
    expect(publishedMarkdown('2026-02-10')).toBe(`<t:${noon}:D>`);
  });

  const noonOf = (iso: string) => discordTimestamp(new Date(`${iso}T12:00:00Z`), 'R');
  const dayOf = (iso: string) => discordTimestamp(new Date(`${iso}T12:00:00Z`), 'D');

  // No parentheses of its own: the console writes a relative timestamp as "next month (1 Apr 2026)".
  test.each([
    ['2026-Q2', `Q2 2026, starts ${noonOf('2026-04-01')}`],
    ['2026', `2026, under way until ${dayOf('2026-12-31')}`],
    ['2025-Q4', `Q4 2025, ended ${noonOf('2025-12-31')}`],
  ])(
    'GIVEN the coarse period %s WHEN shown THEN it keeps its words and its last day is the one shown: %s',
    (value, expected) => {
      const p = resolvePartialDate(value);
      expect(p && periodMarkdown(p, NOW)).toBe(expected);
      expect(p && periodMarkdown(p, NOW)).not.toMatch(/\(/);
    },
  );

  test.each([
    ['2026-Q2', `Starts ${noonOf('2026-04-01')}`],
    ['2026', `Under way until ${dayOf('2026-12-31')}`],
    ['2026-01', `Under way until ${dayOf('2026-01-31')}`],
    ['2025-12', `Ended ${noonOf('2025-12-31')}`],
  ])(
    'GIVEN the period %s WHEN placed relative to now THEN %s (inclusive last day, never the 1st after)',
    (value, expected) => {
      const p = resolvePartialDate(value);
      expect(p && periodRelative(p, NOW)).toBe(expected);
    },
  );

  test('GIVEN a month-only publication date THEN it is shown in words, not as a false day', () => {
    expect(publishedMarkdown('2025-12')).toBe('December 2025');
  });

  test('GIVEN an unknown locale THEN dates fall back to British English', () => {
    expect(dateLabel('2026-03', 'zz-invalid-locale-@@')).toBe('March 2026');
  });
});
