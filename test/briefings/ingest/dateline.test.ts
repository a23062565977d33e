import { expect, test } from 'vitest';
import { parseDateline } from '../../../src/briefings/ingest/dateline.js';

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
