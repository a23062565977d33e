/**
 * What an admin types into /schedule: the time zones and schedules offered as they type, and the
 * comma-separated themes option split into ids.
 */
import type { Schedule } from '../digest/index.js';
import { timeZones } from '../digest/zoned.js';
import type { Candidate } from './choices.js';

// The same few hundred zones on every keystroke: built (and their keys folded) once per default.
// Keyed by the default zone, a setting of the process, not by a snapshot.
const zoneLists = new Map<string, readonly Candidate[]>();

/** Every time zone, the default first, matched with or without underscores. */
export function zoneCandidates(fallback: string | undefined): readonly Candidate[] {
  const key = fallback ?? '';
  let list = zoneLists.get(key);
  if (!list) {
    const zones = timeZones();
    const ordered = fallback ? [fallback, ...zones.filter((z) => z !== fallback)] : zones;
    list = ordered.map((zone) => ({
      name: zone.replace(/_/g, ' '),
      value: zone,
      keys: [zone, zone.replace(/_/g, ' ')],
    }));
    zoneLists.set(key, list);
  }
  return list;
}

/** A server's schedules by id, when and channel: enough to tell them apart in the choices. */
export const scheduleCandidates = (schedules: readonly Schedule[]): Candidate[] =>
  schedules.map((s) => ({
    name: `${s.id} · ${s.when} (${s.timezone}) · #${s.channelName ?? s.channelId}${s.paused ? ' · paused' : ''}`,
    value: s.id,
    keys: [s.id, s.when, s.channelName ?? s.channelId],
  }));

/** The one place the comma-separated option is split; the service resolves the parts. */
export const themesList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
