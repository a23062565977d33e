/**
 * Reading a schedules file (transfer.ts readScheduleFile): a good file is read by the fast reader,
 * and still gives each field's line when a later check needs it; a file the fast reader cannot take
 * is read exactly and its problems named by line.
 */
import { describe, expect, test } from 'vitest';
import { exportSchedules, readScheduleFile } from '../../src/digest/transfer.js';
import { scheduleRecord } from './fixtures.js';

const now = new Date('2026-03-02T09:00:00Z');
const text = exportSchedules(
  'g1',
  [
    scheduleRecord({ id: 'abcd12', channelId: '111111111111111111', channelName: 'briefings' }),
    scheduleRecord({
      id: 'efgh34',
      channelId: '222222222222222222',
      channelName: 'news',
      when: 'weekly mon 09:00',
    }),
  ],
  now,
);
const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('readScheduleFile', () => {
  test('GIVEN an exported file THEN every schedule is read, and each field still has its line', () => {
    const read = readScheduleFile(text);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.file.schedules.map((s) => [s.id, s.channel.name, s.when])).toEqual([
      ['abcd12', 'briefings', 'daily 08:00'],
      ['efgh34', 'news', 'weekly mon 09:00'],
    ]);
    expect(read.at(['schedules', 1, 'when']).line).toBe(lineOf('weekly mon 09:00'));
  });

  test.each([
    ['a tab', (t: string) => t.replace('  when: weekly', '\twhen: weekly'), /YAML syntax/],
    [
      'an id as a number',
      (t: string) => t.replace('"222222222222222222"', '222222222222222222'),
      /put the id in quotes/,
    ],
    ['an anchor', (t: string) => t.replace('when: weekly mon 09:00', 'when: &w weekly mon 09:00'), undefined],
  ])('GIVEN %s THEN the exact reader decides, with lines', (_what, edit, message) => {
    const read = readScheduleFile(edit(text));
    if (message === undefined) {
      expect(read.ok).toBe(true);
      return;
    }
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problems[0]?.message).toMatch(message);
    expect(read.problems[0]?.line).toBeGreaterThan(1);
  });
});
