/**
 * From what a user typed (or picked in autocomplete) to the library object it names, and back:
 * the choices offered for themes, briefings and speakers, and resolution of free text with a
 * helpful error when nothing (or too much) matches.
 */
import { z } from 'zod';
import type { Briefing, Library, Theme } from '../briefings/index.js';
import { UserError } from '../errors.js';
import { type Candidate, nameOf, rankCandidates, resolveTyped } from './choices.js';
import { refOf, resolveRef } from './custom-id.js';
import { escapeInline } from './escape.js';
import { truncate } from './limits.js';
import { dateLabel } from './timestamps.js';

/** A string option: trimmed, not empty, at most `max` characters; messages read "Option `x` …". */
export const textOption = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

// A snapshot never changes, so its candidate lists are built once (and their keys folded once, in
// choices.ts) rather than on every keystroke; a replaced snapshot takes its lists with it.
const themeLists = new WeakMap<Library, readonly Candidate[]>();
const briefingLists = new WeakMap<Library, Map<string, readonly Candidate[]>>();

export const themeCandidates = (library: Library): readonly Candidate[] => {
  let list = themeLists.get(library);
  if (!list) {
    list = library.themes.map((t) => ({ name: `${t.label} (${t.id})`, value: t.id, keys: [t.id, t.label] }));
    themeLists.set(library, list);
  }
  return list;
};

export const briefingCandidates = (library: Library, locale = 'en-GB'): readonly Candidate[] => {
  let byLocale = briefingLists.get(library);
  if (!byLocale) {
    byLocale = new Map();
    briefingLists.set(library, byLocale);
  }
  let list = byLocale.get(locale);
  if (!list) {
    list = library.latest().map((b) => ({
      name: () => `${b.title} — ${dateLabel(b.published, locale)}`,
      value: b.id,
      keys: [b.id, b.title],
    }));
    byLocale.set(locale, list);
  }
  return list;
};

/** Speakers longer than a choice value may be are offered as a reference, resolved below. */
export const speakerCandidates = (speakers: readonly string[]): Candidate[] =>
  speakers.map((s) => ({ name: s, value: refOf(s, 100), keys: [s] }));

/** Up to `n` suggestions for an error message, as inline code. */
const suggest = (candidates: readonly Candidate[], typed: string, n = 5): string => {
  const ranked = rankCandidates(candidates, typed);
  const list = (ranked.length ? ranked : candidates).slice(0, n).map((c) => `\`${c.value}\``);
  return list.length ? ` Try ${list.join(', ')}.` : '';
};

const shown = (typed: string): string => `“${escapeInline(truncate(typed, 60))}”`;

export function resolveTheme(library: Library, typed: string, option = 'theme'): Theme {
  const exact = library.theme(typed);
  if (exact) return exact;
  const candidates = themeCandidates(library);
  const match = resolveTyped(candidates, typed);
  const theme = match && library.theme(match.value);
  if (theme) return theme;
  throw new UserError(`No theme matches ${shown(typed)}.${suggest(candidates, typed)}`, option);
}

export function resolveBriefing(
  library: Library,
  typed: string,
  locale: string,
  option = 'briefing',
): Briefing {
  const exact = library.briefing(typed);
  if (exact) return exact;
  const candidates = briefingCandidates(library, locale);
  const match = resolveTyped(candidates, typed);
  const briefing = match && library.briefing(match.value);
  if (briefing) return briefing;
  throw new UserError(`No briefing matches ${shown(typed)}. Pick one from the list as you type.`, option);
}

/** A speaker as the library spells it, from a picked choice (maybe a reference) or typed text. */
export function resolveSpeaker(speakers: readonly string[], typed: string, option = 'speaker'): string {
  const picked = resolveRef(typed, speakers);
  if (picked) return picked;
  const match = resolveTyped(speakerCandidates(speakers), typed);
  if (match) return match.keys?.[0] ?? nameOf(match);
  const hint = speakers.length ? ' Pick one from the list as you type.' : '';
  throw new UserError(`No quotes from a speaker matching ${shown(typed)}.${hint}`, option);
}
