/**
 * The `when` of a schedule: presets (`daily 08:00`, `weekdays 07:30`, `weekly mon 09:00`) and
 * 5-field cron, turned into a Rule that knows its slots in a time zone.
 *
 * Runs come from node-cron's own matcher, the one its tasks fire by, so what we predict is what
 * fires; the DST notes, "never runs" and minimum-interval checks are thin rules on top.
 */
import cron from 'node-cron';
import { MONTHS } from '../briefings/period.js';
import { isTimeZone } from '../config.js';
import { UserError } from '../errors.js';
import { escapeInline } from '../render/escape.js';
import { addDays, hhmm, instantsOf, isoDate, localParts, offsetMinutes } from './zoned.js';

interface Timing {
  /** 5-field cron that node-cron runs. */
  cron: string;
  /** The admin's input, normalised (`weekly mon 09:00`, or the cron itself). */
  label: string;
}

const EXAMPLES = '"daily 08:00", "weekdays 07:30", "weekly mon 09:00" or a cron such as "0 8 * * 1-5"';

// A Map, not an object: a typed day such as "constructor" must not find Object.prototype's members.
const DAYS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    sun: 0,
    sunday: 0,
    mon: 1,
    monday: 1,
    tue: 2,
    tues: 2,
    tuesday: 2,
    wed: 3,
    wednesday: 3,
    thu: 4,
    thur: 4,
    thurs: 4,
    thursday: 4,
    fri: 5,
    friday: 5,
    sat: 6,
    saturday: 6,
  }),
);
const DAY_SHORT = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const FIELD_RANGES = ['0-59', '0-23', '1-31', '1-12 or jan-dec', '0-7 or sun-sat'];
const FIELD_KEYS: Record<string, number> = { minute: 0, hour: 1, dayOfMonth: 2, month: 3, dayOfWeek: 4 };

const whenError = (message: string): UserError => new UserError(message, 'when');

/** What the admin typed, quoted back: markdown escaped and mentions broken, so it shows as typed. */
const q = (typed: string): string => `"${escapeInline(typed)}"`;

function parseTime(token: string | undefined, preset: string): { hour: number; minute: number } {
  const example = `e.g. "${preset} 08:00"`;
  if (token === undefined) throw whenError(`${q(preset)} needs a time HH:MM (24-hour), ${example}.`);
  const m = /^(\d{1,2}):(\d{2})$/.exec(token);
  if (!m) throw whenError(`time ${q(token)} is not HH:MM (24-hour), ${example}.`);
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23) throw whenError(`hour ${q(m[1] ?? '')} in ${q(token)} must be 00-23, ${example}.`);
  if (minute > 59) throw whenError(`minute ${q(m[2] ?? '')} in ${q(token)} must be 00-59, ${example}.`);
  return { hour, minute };
}

function parseCron(input: string, fields: string[]): Timing {
  if (fields.length === 6) {
    throw whenError(
      `${q(input)} has 6 fields; seconds are not supported. Use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 8 * * 1-5".`,
    );
  }
  if (fields.length !== 5) {
    throw whenError(
      `${q(input)} is neither a preset nor a 5-field cron (it has ${fields.length} fields). Use ${EXAMPLES}.`,
    );
  }
  const expression = fields.join(' ');
  const result = cron.validateDetailed(expression);
  if (!result.valid) {
    const first = result.errors[0];
    const never = first?.message.includes('impossible day of month') ? missingDays(fields) : undefined;
    if (never) {
      throw whenError(
        `${q(input)}: this never runs: ${never}. For the last day of a month use L, e.g. "0 8 L 2 *".`,
      );
    }
    const index = first ? FIELD_KEYS[first.field] : undefined;
    if (index !== undefined) {
      throw whenError(
        `${FIELD_NAMES[index]} ${q(fields[index] ?? '')} is not valid (allowed: ${FIELD_RANGES[index]}, with * , - /), e.g. "0 8 * * 1-5" for 08:00 on weekdays.`,
      );
    }
    throw whenError(
      `${q(input)} is not a valid cron: ${first?.message ?? 'unknown problem'}. Use ${EXAMPLES}.`,
    );
  }
  return { cron: expression, label: expression };
}

const ordinal = (n: number): string => {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
};

const listed = (words: readonly string[], joiner: string): string =>
  words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${joiner} ${words.at(-1)}`;

/**
 * node-cron refuses a day of month that none of the months has ("31 2") as if the day were out of
 * range; the admin's day is in range, the date just never comes: "February has no 31st".
 */
function missingDays(fields: readonly string[]): string | undefined {
  try {
    const days = cron
      .parse(`0 0 ${fields[2]} * *`)
      .dayOfMonth.filter((d): d is number => typeof d === 'number');
    const months = cron.parse(`0 0 1 ${fields[3]} *`).month;
    if (days.length === 0 || months.length === 0) return undefined;
    const names = months.map((m) => MONTHS[m - 1] ?? String(m));
    return `${listed(names, 'and')} ${months.length === 1 ? 'has' : 'have'} no ${listed(days.map(ordinal), 'or')}`;
  } catch {
    return undefined;
  }
}

/** Parses what an admin typed. Throws a UserError on option `when` naming the wrong part. */
export function parseWhen(input: string): Timing {
  const tokens = input.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [head, ...rest] = tokens;
  if (head === undefined) throw whenError(`say when, e.g. ${EXAMPLES}.`);
  if (head === 'daily' || head === 'weekdays') {
    if (rest.length > 1)
      throw whenError(`unexpected ${q(rest.slice(1).join(' '))} after the time, e.g. "${head} 08:00".`);
    const { hour, minute } = parseTime(rest[0], head);
    const days = head === 'daily' ? '*' : '1-5';
    return { cron: `${minute} ${hour} * * ${days}`, label: `${head} ${hhmm(hour, minute)}` };
  }
  if (head === 'weekly') {
    const [dayToken, timeToken, ...extra] = rest;
    if (dayToken === undefined) throw whenError('"weekly" needs a day and a time, e.g. "weekly mon 09:00".');
    const day = DAYS.get(dayToken);
    if (day === undefined) {
      throw whenError(
        `day ${q(dayToken)} is not a day of the week (mon, tue, wed, thu, fri, sat, sun), e.g. "weekly mon 09:00".`,
      );
    }
    if (extra.length > 0)
      throw whenError(`unexpected ${q(extra.join(' '))} after the time, e.g. "weekly mon 09:00".`);
    const { hour, minute } = parseTime(timeToken, `weekly ${DAY_SHORT[day]}`);
    return { cron: `${minute} ${hour} * * ${day}`, label: `weekly ${DAY_SHORT[day]} ${hhmm(hour, minute)}` };
  }
  if (
    /^[a-z]+$/.test(head) &&
    !/^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)/.test(head)
  ) {
    throw whenError(`${q(head)} is not a preset. Use ${EXAMPLES}.`);
  }
  return parseCron(input.trim(), tokens);
}

// Each check builds Intl formatters, which costs more than the rest of checking a schedule.
const canonicalZones = new Map<string, string>();

export function checkTimeZone(timeZone: string): string {
  const known = canonicalZones.get(timeZone);
  if (known !== undefined) return known;
  if (!isTimeZone(timeZone)) {
    throw new UserError(
      `${q(timeZone)} is not an IANA time zone; pick one from the list, e.g. "Europe/Brussels" or "UTC".`,
      'timezone',
    );
  }
  // Canonical spelling, so "europe/brussels" is stored as "Europe/Brussels".
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  if (canonicalZones.size < 2_000) canonicalZones.set(timeZone, canonical);
  return canonical;
}

/**
 * What people mean when they type an abbreviation: the zone whose clocks they live by. The tz
 * database keeps EST, MST, HST (and ICU many more, BST = Dhaka among them) as fixed offsets or as
 * other places, so a schedule saved under them drifts an hour from the admin's clocks in summer.
 */
const MEANT: Record<string, string> = {
  EST: 'America/New_York',
  CST: 'America/Chicago',
  MST: 'America/Denver (or America/Phoenix, which keeps UTC-07:00 all year)',
  PST: 'America/Los_Angeles',
  AST: 'America/Halifax',
  GMT: 'Europe/London',
  BST: 'Europe/London',
  IST: 'Europe/Dublin or Asia/Jerusalem',
};

const utcOffset = (minutes: number): string =>
  minutes === 0
    ? 'UTC'
    : `UTC${minutes < 0 ? '-' : '+'}${hhmm(Math.floor(Math.abs(minutes) / 60), Math.abs(minutes) % 60)}`;

/**
 * Warnings for a zone typed as an abbreviation or an Etc/ offset: whether it follows daylight
 * saving, what to use instead, and the name it is saved under. A city zone (Asia/Tokyo) is taken
 * at its word, even without daylight saving.
 */
function zoneNotes(typed: string, zone: string, now: Date, changes: readonly Transition[]): string[] {
  const name = typed.trim();
  const meant = Object.hasOwn(MEANT, name.toUpperCase()) ? MEANT[name.toUpperCase()] : undefined;
  // "Japan" and "Singapore" are places, not abbreviations: no warning for them.
  const abbreviation =
    (!name.includes('/') && (name === name.toUpperCase() || meant !== undefined)) || /^etc\//i.test(name);
  if (!abbreviation || (zone === 'UTC' && meant === undefined)) return [];
  const offset = utcOffset(offsetMinutes(now.getTime(), zone));
  const saved = zone === name ? '' : ` Saved as ${zone}.`;
  if (changes.length > 0) {
    const other =
      meant && !meant.startsWith(zone) ? ` If you meant another place, use timezone:${meant}.` : '';
    return [`${q(name)} is saved as ${zone}, which follows daylight saving (${offset} now).${other}`];
  }
  const inverted = /^etc\/gmt[+-]/i.test(name) ? ' (Etc/GMT names invert the sign)' : '';
  const instead =
    meant && !meant.startsWith(zone)
      ? ` To follow daylight saving, use timezone:${meant}.`
      : zone.startsWith('Etc/')
        ? " To follow a place's clocks, use its city zone, e.g. timezone:America/New_York."
        : '';
  return [
    `${q(name)} is a fixed offset, ${offset} all year${inverted}: it does not follow daylight saving.${instead}${saved}`,
  ];
}

type CalendarDate = { year: number; month: number; day: number };

/** The part of node-cron's time matcher that its tasks fire by. */
interface Matcher {
  /** First run strictly after the instant (to the second); throws if none within 100 years. */
  getNextMatch(after: Date): Date;
  match(date: Date): boolean;
}

/**
 * node-cron's own matcher for a rule: the object a started task asks for its next run and steps
 * through to report missed runs. The public `getNextRuns` counts only from the present, while
 * catch-up needs runs from the past, so the matcher is taken from a task that is never started.
 */
function matcherOf(expression: string, timeZone: string): Matcher {
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  // Only to leave node-cron's registry: the matcher does not depend on the task's state.
  void task.destroy();
  const matcher = (task as unknown as { timeMatcher?: Partial<Matcher> }).timeMatcher;
  if (typeof matcher?.getNextMatch !== 'function' || typeof matcher.match !== 'function') {
    throw new Error(
      'node-cron tasks no longer carry the timeMatcher they fire by; schedules cannot be predicted with this node-cron version',
    );
  }
  return matcher as Matcher;
}

interface Rule {
  readonly cron: string;
  readonly timeZone: string;
  /** First run strictly after the instant; undefined if the rule never fires. */
  next(after: Date): Date | undefined;
  nextN(after: Date, count: number): Date[];
  /** Runs strictly after `after` and at or before `atOrBefore`, ascending, at most `limit`. */
  between(after: Date, atOrBefore: Date, limit?: number): Date[];
  /** Latest run at or before the instant. */
  prev(atOrBefore: Date): Date | undefined;
  /** Local wall-clock times of day, in minutes since midnight, ascending. */
  readonly times: readonly number[];
  /** Whether the rule's day fields take this calendar date (whatever its clocks do that day). */
  dayMatches(date: CalendarDate): boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * How far back `prev` looks, widening until it finds a run: an hour serves hourly rules, a day
 * daily ones; leap-day rules fire once in 4 years (8 across a skipped century year).
 */
const LOOKBACKS_MS = [HOUR_MS, DAY_MS, 8 * DAY_MS, 32 * DAY_MS, 367 * DAY_MS, (366 * 8 + 2) * DAY_MS];
const rules = new Map<string, Rule>();
const ANSWERS_PER_RULE = 2_000;

/**
 * Where a walk to an instant starts: a whole hour, so that nearby questions share answers, and
 * 2 h earlier (the largest DST shift, Antarctica/Troll). Asked from inside a repeated autumn
 * hour, node-cron skips that hour's second runs; its running task steps from run to run and never
 * does, so a walk must not start there and land past them.
 */
const walkFrom = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS - 2 * HOUR_MS - 1000;

/**
 * A rule's runs, all from node-cron's matcher: what `/schedule preview` and catch-up predict is
 * what the task fires, including its choices on DST days (no run in a spring-forward gap; in a
 * repeated autumn hour, one run, at the second occurrence).
 */
export function compileRule(expression: string, timeZone: string): Rule {
  const cacheKey = `${expression}|${timeZone}`;
  const cached = rules.get(cacheKey);
  if (cached) return cached;

  const matcher = matcherOf(expression, timeZone);
  const parsed = cron.parse(expression);
  const times = [...new Set(parsed.hour.flatMap((h) => parsed.minute.map((m) => h * 60 + m)))].sort(
    (a, b) => a - b,
  );
  // node-cron's answer depends only on the instant to the second, so it is kept: schedules
  // sharing a rule (10,000 at start), a list's next runs and catch-up walks ask Intl once.
  const answers = new Map<number, number | null>();
  let never = false;
  const after = (ms: number): number | undefined => {
    const base = Math.floor(ms / 1000) * 1000;
    const known = answers.get(base);
    if (known !== undefined) return known ?? undefined;
    let found: number | null = null;
    if (!never) {
      try {
        found = matcher.getNextMatch(new Date(base)).getTime();
      } catch {
        never = true;
      }
    }
    if (answers.size >= ANSWERS_PER_RULE) answers.clear();
    answers.set(base, found);
    return found ?? undefined;
  };
  /** The first run after `ms`, walked along the runs from a shared starting point. */
  const firstAfter = (ms: number): number | undefined => {
    let at = after(walkFrom(ms));
    while (at !== undefined && at <= ms) at = after(at);
    return at;
  };
  const next = (at: Date): Date | undefined => {
    const found = firstAfter(at.getTime());
    return found === undefined ? undefined : new Date(found);
  };
  const between = (from: Date, atOrBefore: Date, limit = Number.POSITIVE_INFINITY): Date[] => {
    const out: Date[] = [];
    const end = atOrBefore.getTime();
    for (
      let at = firstAfter(from.getTime());
      at !== undefined && at <= end && out.length < limit;
      at = after(at)
    ) {
      out.push(new Date(at));
    }
    return out;
  };
  const prev = (atOrBefore: Date): Date | undefined => {
    const end = atOrBefore.getTime();
    for (const back of LOOKBACKS_MS) {
      let latest: number | undefined;
      for (let at = after(walkFrom(end - back)); at !== undefined && at <= end; at = after(at)) latest = at;
      if (latest !== undefined) return new Date(latest);
    }
    return undefined;
  };
  const nextN = (from: Date, count: number): Date[] => between(from, new Date(8.64e15), count);

  // Day fields are calendar facts: asked in UTC, where every wall-clock time exists once.
  let utc: Matcher | undefined;
  const first = times[0] ?? 0;
  const dayMatches = (date: CalendarDate): boolean => {
    utc ??= matcherOf(expression, 'UTC');
    return utc.match(
      new Date(Date.UTC(date.year, date.month - 1, date.day, Math.floor(first / 60), first % 60)),
    );
  };

  const rule: Rule = { cron: expression, timeZone, next, nextN, between, prev, times, dayMatches };
  if (rules.size > 1000) rules.clear();
  rules.set(cacheKey, rule);
  return rule;
}

interface Transition {
  /** Local dates around the change (the change may fall either side of local midnight). */
  dates: CalendarDate[];
  forward: boolean;
}

const transitionCache = new Map<string, readonly Transition[]>();
/** Offsets are sampled a week apart and a week is walked day by day only when its offset moved. */
const TRANSITION_STRIDE = 7;

/**
 * DST (and other offset) changes within the horizon, found by sampling days at noon UTC. Assumes
 * no zone changes its offset and back within one week (none does in the tz database's rules).
 */
export function transitions(timeZone: string, from: Date, days: number): Transition[] {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 12);
  const cacheKey = `${timeZone}|${start}|${days}`;
  const cached = transitionCache.get(cacheKey);
  if (cached) return [...cached];
  const out: Transition[] = [];
  let previous = offsetMinutes(start, timeZone);
  for (let week = 1; week <= days; week += TRANSITION_STRIDE) {
    const end = Math.min(week + TRANSITION_STRIDE - 1, days);
    if (offsetMinutes(start + end * 86_400_000, timeZone) === previous) continue;
    for (let i = week; i <= end; i++) {
      const at = start + i * 86_400_000;
      const offset = offsetMinutes(at, timeZone);
      if (offset !== previous) {
        const before = localParts(at - 86_400_000, timeZone);
        const after = localParts(at, timeZone);
        out.push({ dates: [before, after, addDays(before, 1)], forward: offset > previous });
        previous = offset;
      }
    }
  }
  if (transitionCache.size >= 2_000) transitionCache.clear();
  transitionCache.set(cacheKey, out);
  return [...out];
}

/**
 * Plain-language notes on runs that DST moves in the coming year, e.g. "02:30 does not exist in
 * Europe/Brussels on 2026-03-29: no digest that day". Which of a repeated time runs is asked of
 * the engine, not assumed.
 */
function dstNotes(rule: Rule, changes: readonly Transition[]): string[] {
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const change of changes) {
    for (const date of change.dates) {
      if (seen.has(isoDate(date)) || !rule.dayMatches(date)) continue;
      for (const t of rule.times) {
        const instants = instantsOf(date, Math.floor(t / 60), t % 60, rule.timeZone);
        const time = hhmm(Math.floor(t / 60), t % 60);
        if (instants.length === 0) {
          seen.add(isoDate(date));
          notes.push(
            `${time} does not exist in ${rule.timeZone} on ${isoDate(date)} (clocks go forward): skipped on ${isoDate(date)}.`,
          );
        } else if (instants.length === 2) {
          seen.add(isoDate(date));
          notes.push(
            `${time} happens twice in ${rule.timeZone} on ${isoDate(date)} (clocks go back): ${repeatedRuns(rule, instants, time)}.`,
          );
        }
      }
    }
  }
  return notes;
}

function repeatedRuns(rule: Rule, instants: readonly number[], time: string): string {
  const [first = 0, second = 0] = instants;
  const runs = new Set(rule.between(new Date(first - DAY_MS), new Date(second)).map((d) => d.getTime()));
  if (runs.has(first) && runs.has(second)) return 'it runs at both';
  if (runs.has(first)) return `it runs once, at the first ${time}`;
  if (runs.has(second)) return `it runs once, at the second ${time}`;
  return 'it does not run that day';
}

/**
 * The shortest real time between two consecutive slots: wall-clock gaps within a day and across
 * consecutive matching days, plus the real gaps around each DST change in the horizon (spring
 * forward can bring 01:30 and 03:00 within 30 minutes of each other).
 */
function minGapMinutes(
  rule: Rule,
  from: Date,
  changes: readonly Transition[],
  options: { days?: number; enough?: number } = {},
): number {
  const { days = 400, enough = 0 } = options;
  const { times } = rule;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) min = Math.min(min, (times[i] ?? 0) - (times[i - 1] ?? 0));
  // Already too close on an ordinary day: no need to look at DST.
  if (min < enough) return min;
  const first = times[0];
  const last = times[times.length - 1];
  // Overnight, only when it could be the answer: a gap at or above `enough` is as good as any.
  const overnight =
    first !== undefined && last !== undefined ? first + 1440 - last : Number.POSITIVE_INFINITY;
  if (overnight < min && (enough === 0 || overnight < enough)) {
    let date: CalendarDate = localParts(from, rule.timeZone);
    let previousMatched = rule.dayMatches(date);
    for (let i = 0; i < days && min > overnight; i++) {
      date = addDays(date, 1);
      const matched = rule.dayMatches(date);
      if (matched && previousMatched) min = Math.min(min, overnight);
      previousMatched = matched;
    }
  }
  for (const change of changes) {
    const start = change.dates[0];
    if (!start) continue;
    // The runs themselves around the change: their real gaps include what DST squeezes or stretches.
    const around = Date.UTC(start.year, start.month - 1, start.day) - DAY_MS;
    const slots = rule.between(new Date(around), new Date(around + 3 * DAY_MS)).map((d) => d.getTime());
    for (let i = 1; i < slots.length; i++) {
      const gap = ((slots[i] ?? 0) - (slots[i - 1] ?? 0)) / 60_000;
      min = Math.min(min, gap);
    }
  }
  if (!Number.isFinite(min)) {
    // A single time on days that never follow each other: the gap is at least a day.
    const slots = rule.nextN(from, 2);
    const [a, b] = slots;
    return a && b ? (b.getTime() - a.getTime()) / 60_000 : Number.POSITIVE_INFINITY;
  }
  return min;
}

interface CheckedWhen extends Timing {
  timeZone: string;
  rule: Rule;
  /** DST notes to show when saving. */
  notes: string[];
}

/**
 * Answers of checkWhen by what was asked and the hour it was asked in: the same text, zone and
 * limit within one hour get the same answer (its notes speak of "now" to the hour at most), so
 * /schedule add, edit and import, which ask it for every schedule they touch, walk a year of
 * daylight-saving changes once per rule and hour rather than once per command.
 */
const checkedCache = new Map<string, CheckedWhen>();
const CHECKED_KEPT = 1000;

/** Everything the guard rails need: parse, zone, "never runs", minimum interval. */
export function checkWhen(
  input: string,
  timeZone: string,
  options: { now: Date; minIntervalMinutes: number },
): CheckedWhen {
  const key = [input, timeZone, options.minIntervalMinutes, Math.floor(options.now.getTime() / HOUR_MS)].join(
    '\u0000',
  );
  let checked = checkedCache.get(key);
  if (!checked) {
    checked = checkFresh(input, timeZone, options);
    if (checkedCache.size >= CHECKED_KEPT) checkedCache.delete(checkedCache.keys().next().value as string);
    checkedCache.set(key, checked);
  }
  return { ...checked, notes: [...checked.notes] };
}

function checkFresh(
  input: string,
  timeZone: string,
  options: { now: Date; minIntervalMinutes: number },
): CheckedWhen {
  const timing = parseWhen(input);
  const zone = checkTimeZone(timeZone);
  const rule = compileRule(timing.cron, zone);
  if (!rule.next(options.now)) {
    throw whenError(
      `${q(timing.label)} never runs (no such date in the next 100 years), e.g. "0 8 1 * *" for the 1st of each month.`,
    );
  }
  const changes = transitions(zone, options.now, 400);
  const gap = minGapMinutes(rule, options.now, changes, { enough: options.minIntervalMinutes });
  if (gap < options.minIntervalMinutes) {
    throw whenError(
      `${q(timing.label)} runs every ${Math.round(gap)} min at times; schedules must be at least ${options.minIntervalMinutes} min apart, e.g. "daily 08:00" or "0 8,14 * * *".`,
    );
  }
  const notes = [...zoneNotes(timeZone, zone, options.now, changes), ...dstNotes(rule, changes)];
  return { ...timing, timeZone: zone, rule, notes };
}
