/**
 * Button custom ids: `<command>:<action>:<state>`, at most 100 characters. The state carries
 * everything a handler needs (page, ids, filters), so a button still works after a restart and
 * needs no server memory.
 *
 * State is a list of parts joined by `|`. A part that is too long or contains `|` is stored as a
 * reference `~<hash>` and resolved against the current library (theme ids, briefing ids and
 * speakers are all enumerable), which keeps long ids and speakers within the budget.
 */
import { DISCORD_LIMITS } from '../render/limits.js';

const SEP = '|';
const REF = '~';

export function customId(command: string, action: string, state: string): string {
  const id = `${command}:${action}:${state}`;
  if (id.length > DISCORD_LIMITS.customId) throw new Error(`custom id over 100 characters: ${id}`);
  return id;
}

/** Splits `<command>:<action>:<state>`; the state may itself contain colons. */
export function parseCustomId(id: string): { command: string; action: string; state: string } | undefined {
  const m = /^([^:]+):([^:]+):(.*)$/s.exec(id);
  return m ? { command: m[1] as string, action: m[2] as string, state: m[3] as string } : undefined;
}

/** FNV-1a (32-bit) twice with different seeds: 64 bits in base 36, stable across processes. */
export function shortHash(value: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36) + b.toString(36);
}

/** A state part for `value`: itself when short and safe, else a reference to resolve later. */
export function refOf(value: string, maxInline = 40): string {
  const safe = value.length <= maxInline && !value.includes(SEP) && !value.startsWith(REF);
  return safe ? value : `${REF}${shortHash(value)}`;
}

/**
 * Each candidate by the part a button carries for it (see `refOf`): for long lists read on every
 * click (a library's briefing ids, its speakers), built once per snapshot with `library.derived`.
 * On the rare hash collision the first candidate keeps the part, as `resolveRef` would find it.
 */
export function refIndex(candidates: Iterable<string>): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  for (const c of candidates) {
    const ref = refOf(c);
    if (!index.has(ref)) index.set(ref, c);
    // A short value may also arrive hashed, from a button made when it was too long to inline.
    const hashed = `${REF}${shortHash(c)}`;
    if (!index.has(hashed)) index.set(hashed, c);
  }
  return index;
}

/** Finds what `part` refers to among `candidates`; undefined when it is gone (or never was). */
export function resolveRef(part: string, candidates: Iterable<string>): string | undefined {
  if (!part.startsWith(REF)) {
    for (const c of candidates) if (c === part) return c;
    return undefined;
  }
  const hash = part.slice(REF.length);
  for (const c of candidates) if (shortHash(c) === hash) return c;
  return undefined;
}

export const encodeState = (parts: readonly string[]): string => parts.join(SEP);

/** Splits state into exactly `count` parts; the last keeps any remaining separators (free text). */
export function decodeState(state: string, count: number): string[] | undefined {
  const parts = state.split(SEP);
  if (parts.length < count) return undefined;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join(SEP)];
}

/** A page number from state: a non-negative integer, or undefined. */
export function parsePage(part: string | undefined): number | undefined {
  if (part === undefined || !/^\d{1,6}$/.test(part)) return undefined;
  return Number(part);
}
