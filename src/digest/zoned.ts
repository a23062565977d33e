/**
 * Facts about IANA time zones with nothing but Intl: offsets, local dates, and whether a local
 * time does not exist (spring-forward gap) or exists twice (fall-back). They feed the warnings
 * shown when a schedule is saved; when a schedule runs is node-cron's answer alone (when.ts).
 */

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday, as in cron. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

const formatter = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** Every IANA zone the runtime knows, plus UTC (which `supportedValuesOf` leaves out on some builds). */
export const timeZones = (): string[] => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
};

export function localParts(instant: Date | number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

// Offsets only change on whole minutes, so one Intl call per (zone, minute) is enough; schedule
// views and checks ask for the same noons and slot times again and again.
const offsets = new Map<string, Map<number, number>>();
const OFFSET_CACHE_LIMIT = 100_000;

/** Minutes east of UTC in effect at the instant. */
export function offsetMinutes(instant: number, timeZone: string): number {
  const minute = Math.floor(instant / 60_000);
  let zone = offsets.get(timeZone);
  const known = zone?.get(minute);
  if (known !== undefined) return known;
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  const offset = Math.round((asUtc - minute * 60_000) / 60_000);
  if (!zone) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  if (zone.size >= OFFSET_CACHE_LIMIT) zone.clear();
  zone.set(minute, offset);
  return offset;
}

/**
 * The instants at which the local wall clock shows this time: none in a spring-forward gap, two in
 * a fall-back overlap, one otherwise. Sorted, earliest first.
 */
export function instantsOf(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string,
): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Offsets a day either side cover both sides of any transition on this day.
  const before = offsetMinutes(wall - 86_400_000, timeZone);
  const after = offsetMinutes(wall + 86_400_000, timeZone);
  if (before === after) return [wall - before * 60_000];
  const found = new Set<number>();
  for (const off of [before, after]) {
    const candidate = wall - off * 60_000;
    const p = localParts(candidate, timeZone);
    if (
      p.year === date.year &&
      p.month === date.month &&
      p.day === date.day &&
      p.hour === hour &&
      p.minute === minute
    ) {
      found.add(candidate);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The calendar date `days` after the given one (negative goes back), time zone free. */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `2026-03-29` */
export const isoDate = (date: { year: number; month: number; day: number }): string =>
  `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;

/** `08:00` */
export const hhmm = (hour: number, minute: number): string =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
