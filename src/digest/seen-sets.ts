/**
 * What a schedule has seen includes the ids of the briefings published in the 90 days before its
 * last digest (compose.ts): with a large, busy archive that is still thousands of ids per schedule,
 * and a guild's schedules mostly share one list. Kept inline, every read of a guild's schedules
 * (/schedule list, /status, each run) would parse them all. The store keeps such a list once, under
 * a key named by a hash of its contents, and the guild record keeps only that key. Content-addressed sets never change, so
 * caching them in memory is safe even with several processes sharing the store.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Schedule, ScheduleSchema } from './index.js';

/** Lists at most this long stay inline: not worth a second read. */
export const INLINE_SEEN_LIMIT = 64;
const KEY_PREFIX = 'seen-set:';
const MEMO_LIMIT = 32;

const SeenSchema = ScheduleSchema.shape.seen.unwrap();
export const StoredScheduleSchema = ScheduleSchema.extend({
  seen: SeenSchema.extend({ briefingsRef: z.string().optional() }).optional(),
});
export type StoredSchedule = z.infer<typeof StoredScheduleSchema>;

const IdsSchema = z.array(z.string());

export interface SeenSetIo {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export function seenSets(io: SeenSetIo) {
  /** hash -> ids; the same frozen array is handed to every schedule that saw that set. */
  const byHash = new Map<string, readonly string[]>();
  /** Arrays already hashed (restored ones, or a digest's list saved for several schedules). */
  const hashOf = new WeakMap<readonly string[], string>();

  const remember = (hash: string, ids: readonly string[]) => {
    if (byHash.size >= MEMO_LIMIT) {
      const oldest = byHash.keys().next().value;
      if (oldest !== undefined) byHash.delete(oldest);
    }
    byHash.set(hash, ids);
    hashOf.set(ids, hash);
  };

  async function save(ids: readonly string[]): Promise<string> {
    const known = hashOf.get(ids);
    if (known !== undefined && byHash.has(known)) return known;
    const hash = createHash('sha256').update(ids.join('\n')).digest('base64url');
    if (!byHash.has(hash)) {
      const frozen = Object.freeze([...ids]);
      // Checked write before the record that refers to it, so a saved reference always resolves.
      await io.set(KEY_PREFIX + hash, frozen);
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
        if (!ids) return { missing: s.id };
        // Frozen and shared: readers only build sets from it.
        out.push({ ...s, seen: { ...seen, briefings: ids as string[] } });
      }
      return out;
    },
  };
}
