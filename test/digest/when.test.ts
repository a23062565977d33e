import { describe, expect, test } from 'vitest';
import { checkTimeZone, checkWhen, compileRule, parseWhen, transitions } from '../../src/digest/when.js';
import { isoDate, localParts, offsetMinutes } from '../../src/digest/zoned.js';
import { UserError } from '../../src/errors.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const iso = (dates: readonly (Date | undefined)[]) => dates.map((d) => d?.toISOString());

describe('presets to cron', () => {
  test.each([
    ['daily 08:00', '0 8 * * *', 'daily 08:00'],
    ['daily 8:05', '5 8 * * *', 'daily 08:05'],
    ['  Daily   23:59 ', '59 23 * * *', 'daily 23:59'],
    ['weekdays 07:30', '30 7 * * 1-5', 'weekdays 07:30'],
    ['weekly mon 09:00', '0 9 * * 1', 'weekly mon 09:00'],
    ['weekly Sunday 18:15', '15 18 * * 0', 'weekly sun 18:15'],
    ['weekly fri 00:00', '0 0 * * 5', 'weekly fri 00:00'],
    ['0 8 * * 1-5', '0 8 * * 1-5', '0 8 * * 1-5'],
    ['30 6 1 * *', '30 6 1 * *', '30 6 1 * *'],
    ['0 9 * * mon', '0 9 * * mon', '0 9 * * mon'],
  ])('GIVEN "%s" THEN cron is "%s" and label "%s"', (input, cron, label) => {
    expect(parseWhen(input)).toEqual({ cron, label });
  });
});

describe('invalid when names the wrong part and gives an example', () => {
  test.each([
    ['', /say when/, /daily 08:00/],
    ['daily', /needs a time HH:MM/, /daily 08:00/],
    ['daily 25:00', /hour "25"/, /daily 08:00/],
    ['daily 08:61', /minute "61"/, /daily 08:00/],
    ['daily 8', /time "8" is not HH:MM/, /daily 08:00/],
    ['daily 08:00 extra', /unexpected "extra"/, /daily 08:00/],
    ['weekly funday 09:00', /day "funday"/, /weekly mon 09:00/],
    ['weekly constructor 09:00', /day "constructor"/, /weekly mon 09:00/],
    ['weekly __proto__ 09:00', /day "\\_\\_proto/, /weekly mon 09:00/],
    ['weekly mon', /needs a time/, /weekly mon 08:00/],
    ['weekly', /needs a day and a time/, /weekly mon 09:00/],
    ['fortnightly 09:00', /"fortnightly" is not a preset/, /0 8 \* \* 1-5/],
    ['0 8 * *', /4 fields/, /daily 08:00/],
    ['0 0 8 * * *', /6 fields; seconds are not supported/, /0 8 \* \* 1-5/],
    ['61 8 * * *', /minute "61"/, /0 8 \* \* 1-5/],
    ['0 24 * * *', /hour "24"/, /0 8 \* \* 1-5/],
    ['0 8 32 * *', /day of month "32"/, /0 8 \* \* 1-5/],
    ['0 8 * 13 *', /month "13"/, /0 8 \* \* 1-5/],
    ['0 8 * * 9', /day of week "9"/, /0 8 \* \* 1-5/],
  ])('GIVEN "%s" THEN the error says %s with an example', (input, part, example) => {
    let error: unknown;
    try {
      checkWhen(input, 'Europe/Brussels', { now: NOW, minIntervalMinutes: 60 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).option).toBe('when');
    expect((error as UserError).message).toMatch(part);
    expect((error as UserError).message).toMatch(example);
  });
});

describe('guard rails', () => {
  test.each([
    ['*/5 * * * *', 60, /every 5 min/],
    ['0,30 * * * *', 60, /every 30 min/],
    ['0 8,8 * * *', 60, null],
    ['0 * * * *', 60, null],
    ['0 * * * *', 61, /every 60 min/],
    ['0 8,9 * * *', 120, /every 60 min/],
  ])('GIVEN "%s" and a minimum of %i min THEN %s', (when, min, error) => {
    const run = () => checkWhen(when, 'UTC', { now: NOW, minIntervalMinutes: min });
    if (error) expect(run).toThrow(error);
    else expect(run).not.toThrow();
  });

  test('GIVEN a time DST squeezes in spring WHEN the minimum is 60 min THEN the real 30-minute gap is refused', () => {
    // 01:30 CET and 03:00 CEST on 2026-03-29 are 30 real minutes apart.
    expect(() =>
      checkWhen('30,0 1,3 * * *', 'Europe/Brussels', { now: NOW, minIntervalMinutes: 60 }),
    ).toThrow(/every 30 min/);
  });

  test('GIVEN a date that never comes THEN it is refused', () => {
    expect(() => checkWhen('0 8 31 2 *', 'UTC', { now: NOW, minIntervalMinutes: 60 })).toThrow(UserError);
  });

  test.each([
    ['0 8 31 2 *', 'this never runs: February has no 31st'],
    ['0 8 30 feb *', 'this never runs: February has no 30th'],
    ['0 8 30-31 2 *', 'this never runs: February has no 30th or 31st'],
    ['0 8 31 4,6 *', 'this never runs: April and June have no 31st'],
    ['0 8 31 4,6,9,11 *', 'this never runs: April, June, September and November have no 31st'],
  ])('GIVEN "%s" THEN the refusal says why it never runs, not that the day is out of range', (when, why) => {
    const run = () => checkWhen(when, 'UTC', { now: NOW, minIntervalMinutes: 60 });
    expect(run).toThrow(why);
    expect(run).not.toThrow(/not valid|allowed: 1-31/);
    expect(run).toThrow(expect.objectContaining({ option: 'when' }));
  });

  test.each([
    ['Europe/Brussels', 'Europe/Brussels'],
    ['europe/brussels', 'Europe/Brussels'],
    ['UTC', 'UTC'],
  ])('GIVEN time zone "%s" THEN it is stored as "%s", however often it is checked', (input, canonical) => {
    expect(checkTimeZone(input)).toBe(canonical);
    expect(checkTimeZone(input)).toBe(canonical);
  });

  test.each(['Mars/Olympus', 'CET+1', ''])(
    'GIVEN time zone "%s" THEN it is refused on option timezone, however often it is checked',
    (tz) => {
      for (let i = 0; i < 2; i++) {
        expect(() => checkWhen('daily 08:00', tz, { now: NOW, minIntervalMinutes: 60 })).toThrow(
          expect.objectContaining({ option: 'timezone' }),
        );
      }
    },
  );
});

describe('time zones that do not mean what they seem', () => {
  const save = (tz: string) => checkWhen('daily 08:00', tz, { now: NOW, minIntervalMinutes: 60 });

  test.each([
    ['EST', 'UTC-05:00', 'America/New_York'],
    ['est', 'UTC-05:00', 'America/New_York'],
    ['MST', 'UTC-07:00', 'America/Denver'],
    ['GMT', 'UTC', 'Europe/London'],
  ])(
    'GIVEN the fixed-offset abbreviation %s WHEN saved THEN a warning says it ignores daylight saving and suggests %s',
    (tz, offset, suggestion) => {
      const checked = save(tz);
      const note = checked.notes.join('\n');
      expect(note).toContain(`"${tz}" is a fixed offset, ${offset} all year`);
      expect(note).toContain('does not follow daylight saving');
      expect(note).toContain(`timezone:${suggestion}`);
      // The admin learns under which name it was saved, whatever the runtime's tz data calls it.
      expect(note).toContain(`Saved as ${checked.timeZone}`);
    },
  );

  test('GIVEN MST WHEN saved THEN the warning also names the zone that keeps UTC-07:00 on purpose', () => {
    expect(save('MST').notes.join('\n')).toContain('America/Phoenix');
  });

  test('GIVEN HST WHEN saved THEN it is flagged as fixed and saved as Hawaii, which has no daylight saving', () => {
    const checked = save('HST');
    expect(checked.notes.join('\n')).toContain('"HST" is a fixed offset, UTC-10:00 all year');
    expect(checked.notes.join('\n')).toContain(`Saved as ${checked.timeZone}`);
  });

  test('GIVEN Etc/GMT+5 WHEN saved THEN the warning gives the real offset, whose sign the name inverts', () => {
    const note = save('Etc/GMT+5').notes.join('\n');
    expect(note).toContain('"Etc/GMT+5" is a fixed offset, UTC-05:00 all year');
    expect(note).toMatch(/invert the sign/);
  });

  test.each([
    ['EST5EDT', 'America/New_York'],
    ['CST6CDT', 'America/Chicago'],
    ['PST8PDT', 'America/Los_Angeles'],
  ])(
    'GIVEN %s, which follows daylight saving WHEN saved THEN no fixed-offset warning, only where it is saved',
    (tz) => {
      const checked = save(tz);
      const note = checked.notes.join('\n');
      expect(note).not.toContain('fixed offset');
      expect(note).toContain(`"${tz}" is saved as ${checked.timeZone}, which follows daylight saving`);
    },
  );

  test.each([
    'Europe/Brussels',
    'America/New_York',
    'Asia/Tokyo',
    'America/Phoenix',
    'Japan',
    'UTC',
    'Etc/UTC',
  ])('GIVEN the zone %s WHEN saved THEN there is nothing to warn about', (tz) => {
    expect(save(tz).notes).toEqual([]);
  });

  test('GIVEN a fixed-offset zone WHEN saved THEN it is saved, not refused', () => {
    expect(save('EST').cron).toBe('0 8 * * *');
  });
});

describe('answers kept within the hour', () => {
  test('GIVEN the same question asked either side of the hour clocks went forward THEN each answer speaks of its own hour', () => {
    const ask = (at: string) =>
      checkWhen('daily 08:00', 'CET', { now: new Date(at), minIntervalMinutes: 60 });
    expect(ask('2026-03-29T00:30:00Z').notes[0]).toContain('UTC+01:00 now');
    expect(ask('2026-03-29T00:59:00Z').notes[0]).toContain('UTC+01:00 now');
    expect(ask('2026-03-29T01:30:00Z').notes[0]).toContain('UTC+02:00 now');
  });

  test('GIVEN an answer WHEN its notes are changed by the caller THEN the next answer is whole', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    const first = checkWhen('daily 02:30', 'Europe/Brussels', { now, minIntervalMinutes: 60 });
    const count = first.notes.length;
    first.notes.length = 0;
    expect(checkWhen('daily 02:30', 'Europe/Brussels', { now, minIntervalMinutes: 60 }).notes).toHaveLength(
      count,
    );
    expect(count).toBeGreaterThan(0);
  });
});

describe('Europe/Brussels around the DST changes of 2026', () => {
  const tz = 'Europe/Brussels';

  test('GIVEN daily 02:30 WHEN clocks go forward on 2026-03-29 THEN there is no slot that day', () => {
    const rule = compileRule('30 2 * * *', tz);
    expect(iso(rule.nextN(new Date('2026-03-27T12:00:00Z'), 3))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  // node-cron fires a repeated time at its second occurrence; the slot is where it fires.
  test('GIVEN daily 02:30 WHEN clocks go back on 2026-10-25 THEN there is one slot, at the second 02:30', () => {
    const rule = compileRule('30 2 * * *', tz);
    expect(iso(rule.nextN(new Date('2026-10-23T12:00:00Z'), 3))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z', // 02:30 CET, not also at 02:30 CEST
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(rule.prev(new Date('2026-10-25T23:00:00Z'))?.toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  test.each([
    [
      '2026-03-27T12:00:00Z',
      ['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
    ],
    [
      '2026-10-23T12:00:00Z',
      ['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z'],
    ],
  ])('GIVEN daily 08:00 from %s THEN it stays at 08:00 local on both sides', (from, expected) => {
    expect(iso(compileRule('0 8 * * *', tz).nextN(new Date(from), 3))).toEqual(expected);
  });

  test('GIVEN daily 02:30 WHEN saved THEN the gap on 2026-03-29 and the repeat on 2026-10-25 are flagged', () => {
    const { notes } = checkWhen('daily 02:30', tz, { now: NOW, minIntervalMinutes: 60 });
    expect(notes[0]).toMatch(/02:30 does not exist in Europe\/Brussels on 2026-03-29.*skipped on 2026-03-29/);
    expect(notes[1]).toMatch(/02:30 happens twice .* 2026-10-25.*runs once/);
  });

  test.each(['daily 08:00', 'weekly sun 01:59', 'weekdays 02:30'])(
    'GIVEN "%s" WHEN no slot falls in a DST change THEN nothing is flagged',
    (when) => {
      // 2026-03-29 and 2026-10-25 are Sundays: weekdays 02:30 never meets them.
      expect(checkWhen(when, tz, { now: NOW, minIntervalMinutes: 60 }).notes).toEqual([]);
    },
  );

  test('GIVEN weekly sun 02:15 THEN the Sunday in the gap is flagged', () => {
    const { notes } = checkWhen('weekly sun 02:15', tz, { now: NOW, minIntervalMinutes: 60 });
    expect(notes.some((n) => n.includes('skipped on 2026-03-29'))).toBe(true);
  });
});

describe('slots', () => {
  test('GIVEN weekdays 07:30 in New York THEN slots skip the weekend', () => {
    const rule = compileRule('30 7 * * 1-5', 'America/New_York');
    // Friday 2026-03-06 → Monday 2026-03-09 (DST starts 2026-03-08 in New York).
    expect(iso(rule.nextN(new Date('2026-03-06T00:00:00Z'), 2))).toEqual([
      '2026-03-06T12:30:00.000Z',
      '2026-03-09T11:30:00.000Z',
    ]);
  });

  test.each([
    ['2026-03-02T07:00:00Z', '2026-03-02T07:00:00.000Z'],
    ['2026-03-02T06:59:59Z', '2026-03-01T07:00:00.000Z'],
  ])(
    'GIVEN daily 08:00 Brussels WHEN asking for the latest slot at or before %s THEN it is %s',
    (at, slot) => {
      expect(compileRule('0 8 * * *', 'Europe/Brussels').prev(new Date(at))?.toISOString()).toBe(slot);
    },
  );
});

describe('offset changes found a week at a time', () => {
  /** The plain day-by-day scan the weekly stride must agree with. */
  const dailyScan = (zone: string, from: Date, days: number) => {
    const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 12);
    const out: { dates: ReturnType<typeof localParts>[]; forward: boolean }[] = [];
    let previous = offsetMinutes(start, zone);
    for (let i = 1; i <= days; i++) {
      const offset = offsetMinutes(start + i * 86_400_000, zone);
      if (offset !== previous) {
        out.push({ dates: [localParts(start + (i - 1) * 86_400_000, zone)], forward: offset > previous });
        previous = offset;
      }
    }
    return out.map((t) => ({ day: t.dates[0] && isoDate(t.dates[0]), forward: t.forward }));
  };

  test.each([
    ['Europe/Brussels', '2026-01-01T00:00:00Z', 400],
    ['America/New_York', '2026-03-05T00:00:00Z', 400],
    ['Australia/Lord_Howe', '2026-02-01T00:00:00Z', 400],
    ['Asia/Tokyo', '2026-06-01T00:00:00Z', 400],
    ['Europe/Brussels', '2026-03-27T00:00:00Z', 3],
  ])(
    'GIVEN %s from %s over %i days WHEN transitions are listed THEN they match a daily scan',
    (zone, from, days) => {
      const found = transitions(zone, new Date(from), days).map((t) => ({
        day: t.dates[0] && isoDate(t.dates[0]),
        forward: t.forward,
      }));
      expect(found).toEqual(dailyScan(zone, new Date(from), days));
    },
  );

  test('GIVEN a cached answer WHEN the caller changes the list it got THEN the next caller gets the full list', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const first = transitions('Europe/Brussels', from, 400);
    expect(first).toHaveLength(2);
    first.length = 0;
    expect(transitions('Europe/Brussels', from, 400)).toHaveLength(2);
  });

  test('GIVEN offsets already asked for WHEN asked again THEN the answer is the same', () => {
    const spring = Date.UTC(2026, 2, 29, 0, 59);
    expect([
      offsetMinutes(spring, 'Europe/Brussels'),
      offsetMinutes(spring + 60_000, 'Europe/Brussels'),
    ]).toEqual([60, 120]);
    expect([
      offsetMinutes(spring, 'Europe/Brussels'),
      offsetMinutes(spring + 60_000, 'Europe/Brussels'),
    ]).toEqual([60, 120]);
  });
});
