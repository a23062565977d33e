/**
 * What a schedule has seen includes the ids of the briefings published in the 90 days before its
 * last digest (compose.ts): with a large, busy archive that is still thousands of ids per schedule,
 * and a guild's schedules mostly share one list. Kept inline, every read of a guild's schedules
 * (/schedule list, /status, each run) would parse them all. The store keeps such a list once, under
 * a key named by a hash of its contents, and the guild record keeps only that key. Content-addressed sets never change, so
 * caching them in memory is safe even with several processes sharing the store.
 *
 * A list expires with the store's retention unless a record that refers to it is saved again: each
 * save renews it (at most once a day per list, so a busy guild does not rewrite thousands of ids
 * on every run). A schedule untouched for longer than the retention may find its list gone; what
 * it saw that long ago no longer matters (compose.ts looks back 90 days), so it reads as empty
 * rather than making the whole guild unreadable.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Schedule, ScheduleSchema } from './index.js';

/** Lists at most this long stay inline: not worth a second read. */
export const INLINE_SEEN_LIMIT = 64;
const KEY_PREFIX = 'seen-set:';
const MEMO_LIMIT = 32;
/** A list saved this recently is not written again just to renew its expiry. */
const RENEW_AFTER_MS = 86_400_000;

const SeenSchema = ScheduleSchema.shape.seen.unwrap();
export const StoredScheduleSchema = ScheduleSchema.extend({
  seen: SeenSchema.extend({ briefingsRef: z.string().optional() }).optional(),
});
type StoredSchedule = z.infer<typeof StoredScheduleSchema>;

const IdsSchema = z.array(z.string());

interface SeenSetIo {
  get(key: string): Promise<unknown>;
  /** Writes with the store's retention as time to live. */
  set(key: string, value: unknown): Promise<void>;
  /** How long a list outlives the last save of a record that refers to it. */
  retentionMs: number;
}

export function seenSets(io: SeenSetIo) {
  /** hash -> ids; the same frozen array is handed to every schedule that saw that set. */
  const byHash = new Map<string, readonly string[]>();
  /** Arrays already hashed (restored ones, or a digest's list saved for several schedules). */
  const hashOf = new WeakMap<readonly string[], string>();
  /** hash -> when this process last wrote it (renewing its expiry). */
  const writtenAt = new Map<string, number>();

  const remember = (hash: string, ids: readonly string[]) => {
    if (!byHash.has(hash) && byHash.size >= MEMO_LIMIT) {
      const oldest = byHash.keys().next().value;
      if (oldest !== undefined) byHash.delete(oldest);
    }
    byHash.set(hash, ids);
    hashOf.set(ids, hash);
  };

  const fresh = (hash: string): boolean =>
    Date.now() - (writtenAt.get(hash) ?? Number.NEGATIVE_INFINITY) < RENEW_AFTER_MS;

  async function save(ids: readonly string[]): Promise<string> {
    const known = hashOf.get(ids);
    if (known !== undefined && byHash.has(known) && fresh(known)) return known;
    const hash = known ?? createHash('sha256').update(ids.join('\n')).digest('base64url');
    if (!byHash.has(hash) || !fresh(hash)) {
      const frozen = byHash.get(hash) ?? Object.freeze([...ids]);
      // Checked write before the record that refers to it, so a saved reference always resolves.
      await io.set(KEY_PREFIX + hash, frozen);
      if (writtenAt.size >= MEMO_LIMIT * 4) writtenAt.clear();
      writtenAt.set(hash, Date.now());
      remember(hash, frozen);
    }
    hashOf.set(ids, hash);
    return hash;
  }

  async function load(hash: string): Promise<readonly string[] | undefined> {
    const known = byHash.get(hash);
    if (known) return known;
    const parsed = IdsSchema.safeParse(await io.get(KEY_PREFIX + hash));
    if (!parsed.success) return undefined;
    const ids = Object.freeze(parsed.data);
    remember(hash, ids);
    return ids;
  }

  return {
    /** The form written to the store: long seen lists replaced by a reference. */
    async pack(schedules: readonly Schedule[]): Promise<StoredSchedule[]> {
      const out: StoredSchedule[] = [];
      for (const s of schedules) {
        if (!s.seen || s.seen.briefings.length <= INLINE_SEEN_LIMIT) {
          out.push(s);
          continue;
        }
        const briefingsRef = await save(s.seen.briefings);
        out.push({ ...s, seen: { ...s.seen, briefings: [], briefingsRef } });
      }
      return out;
    },
    /** The schedules as callers know them; undefined names a reference that cannot be read. */
    async unpack(stored: readonly StoredSchedule[]): Promise<Schedule[] | { missing: string }> {
      const out: Schedule[] = [];
      for (const s of stored) {
        if (!s.seen?.briefingsRef) {
          out.push(s);
          continue;
        }
        const { briefingsRef, ...seen } = s.seen;
        const ids = await load(briefingsRef);
        if (!ids) {
          // Expired with the retention (see the header): only a recent reference is damage.
          if (Date.now() - Date.parse(seen.at) < io.retentionMs - RENEW_AFTER_MS) return { missing: s.id };
          out.push({ ...s, seen: { ...seen, briefings: [] } });
          continue;
        }
        // Frozen and shared: readers only build sets from it.
        out.push({ ...s, seen: { ...seen, briefings: ids as string[] } });
      }
      return out;
    },
  };
}
