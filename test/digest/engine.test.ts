/**
 * What we predict (`/schedule preview`, `/schedule list`, catch-up) against what node-cron really
 * fires, across the DST changes of 2026 in both hemispheres. node-cron's tasks run on vitest's fake
 * clock; every predicted run must be a fired run and every fired run a predicted one.
 */
import cron from 'node-cron';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { checkWhen, compileRule, parseWhen } from '../../src/digest/when.js';

const DAY = 86_400_000;

const CHANGES: [zone: string, day: string, change: string][] = [
  ['Europe/Brussels', '2026-03-29', 'clocks go forward'],
  ['Europe/Brussels', '2026-10-25', 'clocks go back'],
  ['Australia/Sydney', '2026-04-05', 'clocks go back'],
  ['Australia/Sydney', '2026-10-04', 'clocks go forward'],
];
const RULES = ['daily 02:30', 'daily 08:00', '0 * * * *', 'weekdays 02:30', 'weekly sun 02:30'];

const CASES = CHANGES.flatMap(([zone, day, change]) =>
  RULES.map((when) => [when, zone, day, change] as const),
);

afterEach(() => {
  vi.useRealTimers();
});

/** Every run a real node-cron task fires between `from` and `to`, by the fake clock. */
async function fired(expression: string, timeZone: string, from: number, to: number): Promise<string[]> {
  vi.useFakeTimers({ now: from });
  const runs: string[] = [];
  const task = cron.schedule(expression, () => void runs.push(new Date().toISOString()), {
    timezone: timeZone,
  });
  try {
    await vi.advanceTimersByTimeAsync(to - from);
  } finally {
    await task.destroy();
    vi.useRealTimers();
  }
  return runs;
}

describe('predicted runs are the runs node-cron fires', () => {
  test.each(CASES)(
    'GIVEN "%s" in %s around %s (%s) THEN prediction and firing agree',
    async (when, zone, day) => {
      const { cron: expression } = parseWhen(when);
      // Back to the Sunday before, so that a weekly rule fires at least once whatever the change does.
      const from = Date.parse(`${day}T00:00:00Z`) - 8 * DAY;
      const to = from + 10 * DAY;
      const rule = compileRule(expression, zone);

      const predicted: string[] = [];
      for (let at = rule.next(new Date(from)); at && at.getTime() <= to; at = rule.next(at)) {
        predicted.push(at.toISOString());
      }
      const actual = await fired(expression, zone, from, to);

      expect(actual.length).toBeGreaterThan(0);
      expect(predicted).toEqual(actual);
      // Asked at any moment in between (inside a repeated hour too), the next run is the one the
      // running task fires next, and catch-up's latest run at or before is the one it fired last.
      actual.forEach((run, i) => {
        const at = Date.parse(run);
        expect(rule.prev(new Date(at))?.toISOString()).toBe(run);
        const previous = actual[i - 1];
        if (previous === undefined) return;
        for (const moment of [Date.parse(previous) + 1000, (Date.parse(previous) + at) / 2, at - 1]) {
          const label = new Date(moment).toISOString();
          expect(rule.next(new Date(moment))?.toISOString(), label).toBe(run);
          expect(rule.prev(new Date(moment))?.toISOString(), label).toBe(previous);
        }
      });
    },
  );

  test.each(CHANGES)(
    'GIVEN a task started in %s on the eve of %s THEN its own getNextRuns is our preview',
    (zone, day) => {
      vi.useFakeTimers({ now: Date.parse(`${day}T00:00:00Z`) - DAY });
      for (const when of RULES) {
        const { cron: expression } = parseWhen(when);
        const task = cron.createTask(expression, () => undefined, { timezone: zone });
        const theirs = task.getNextRuns(5).map((d) => d.toISOString());
        void task.destroy();
        const ours = compileRule(expression, zone)
          .nextN(new Date(), 5)
          .map((d) => d.toISOString());
        expect(ours).toEqual(theirs);
      }
    },
  );
});

describe('DST notes say what fires', () => {
  const NOW = new Date('2026-01-01T00:00:00Z');

  test.each([
    ['Europe/Brussels', '2026-10-25', '2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z'],
    ['Australia/Sydney', '2026-04-05', '2026-04-04T15:30:00.000Z', '2026-04-04T16:30:00.000Z'],
  ])(
    'GIVEN daily 02:30 in %s WHEN clocks go back on %s THEN the note names the 02:30 that fires, once',
    async (zone, day, first, second) => {
      const { notes, rule } = checkWhen('daily 02:30', zone, { now: NOW, minIntervalMinutes: 60 });
      expect(notes.join('\n')).toContain(
        `02:30 happens twice in ${zone} on ${day} (clocks go back): it runs once, at the second 02:30.`,
      );
      const from = Date.parse(`${day}T00:00:00Z`) - DAY;
      const runs = await fired(rule.cron, zone, from, from + 2 * DAY);
      expect(runs).toContain(second);
      expect(runs).not.toContain(first);
    },
  );

  test.each([
    ['Europe/Brussels', '2026-03-29'],
    ['Australia/Sydney', '2026-10-04'],
  ])(
    'GIVEN daily 02:30 in %s WHEN clocks go forward on %s THEN the note says it is skipped that day',
    (zone, day) => {
      const { notes } = checkWhen('daily 02:30', zone, { now: NOW, minIntervalMinutes: 60 });
      expect(notes.join('\n')).toContain(
        `02:30 does not exist in ${zone} on ${day} (clocks go forward): skipped on ${day}.`,
      );
    },
  );
});
