/**
 * From what a user typed (or picked in autocomplete) to the library object it names, and back:
 * the choices offered for themes, briefings and speakers, and resolution of free text with a
 * helpful error when nothing (or too much) matches.
 */
import type { Briefing, Library, Theme } from '../briefings/index.js';
import { UserError } from '../errors.js';
import { escapeInline } from '../render/escape.js';
import { truncate } from '../render/limits.js';
import { dateLabel } from '../render/timestamps.js';
import { nearest } from '../text/nearest.js';
import { type Candidate, nameOf, rankCandidates, resolveTyped } from './choices.js';
import { refIndex, refOf, resolveRef } from './custom-id.js';

// A snapshot never changes, so its candidate lists are built once (and their keys folded once, in
// choices.ts) rather than on every keystroke, and kept with the snapshot they list.
const themeList = (library: Library): readonly Candidate[] =>
  library.themes.map((t) => ({ name: `${t.label} (${t.id})`, value: t.id, keys: [t.id, t.label] }));
const briefingLists = (): Map<string, readonly Candidate[]> => new Map();

export const themeCandidates = (library: Library): readonly Candidate[] => library.derived(themeList);

/** Briefings newest first, one list per locale (the dates in their names are the locale's). */
export const briefingCandidates = (library: Library, locale = 'en-GB'): readonly Candidate[] => {
  const byLocale = library.derived(briefingLists);
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

/** Speakers to offer: those quoted on the theme typed so far, if it names one; else everyone. */
function quotedSpeakers(library: Library, typedTheme: unknown): string[] {
  const typed = typeof typedTheme === 'string' ? typedTheme.trim() : '';
  const theme = typed ? library.theme(typed) : undefined;
  if (!theme) return library.speakers();
  const quoted = new Set(library.quotes({ theme: theme.id }).map((e) => e.quote.speaker));
  return library.speakers().filter((s) => quoted.has(s));
}

/** Speakers longer than a choice value may be are offered as a reference, resolved below. */
const speakerCandidates = (speakers: readonly string[]): Candidate[] =>
  speakers.map((s) => ({ name: s, value: refOf(s, 100), keys: [s] }));

const speakerLists = (): Map<string, readonly Candidate[]> => new Map();

/**
 * The speakers to offer as choices (see `quotedSpeakers`), one list per theme and kept with the
 * snapshot, so that their folded keys (choices.ts) are worked out once, not on every keystroke.
 */
export function speakerChoices(library: Library, typedTheme: unknown): readonly Candidate[] {
  const typed = typeof typedTheme === 'string' ? typedTheme.trim() : '';
  const key = typed && library.theme(typed) ? typed : '';
  const lists = library.derived(speakerLists);
  let list = lists.get(key);
  if (!list) {
    list = speakerCandidates(quotedSpeakers(library, key));
    lists.set(key, list);
  }
  return list;
}

/** Builds the option lists of a snapshot now (see Command.prepare). */
export function prepareChoices(library: Library): void {
  themeCandidates(library);
  briefingCandidates(library);
  for (const theme of ['', ...library.themes.map((t) => t.id)]) speakerChoices(library, theme);
}

const shown = (typed: string): string => `“${escapeInline(truncate(typed, 60))}”`;

const code = (value: string): string => `\`${truncate(value.replace(/`/g, "'"), 100)}\``;

/** `a`, `b`, `c` and, past `max`, "… (N in all)". */
const listOf = (values: readonly string[], max: number): string => {
  const more = values.length > max ? `, … (${values.length} in all)` : '';
  return `${values.slice(0, max).join(', ')}${more}`;
};

/** " Did you mean `x`?" for the closest candidates by edit distance, or nothing. */
const didYouMean = (
  candidates: readonly Candidate[],
  typed: string,
  show: (c: Candidate) => string,
): string => {
  const guesses = nearest(candidates, typed, (c) => c.keys ?? [c.value]).slice(0, 3);
  return guesses.length ? ` Did you mean ${guesses.map(show).join(' or ')}?` : '';
};

/** More than one candidate holds what was typed, none clearly best: name a few to choose from. */
const several = (
  matched: readonly Candidate[],
  typed: string,
  what: string,
  show: (c: Candidate) => string,
) =>
  `${shown(typed)} matches ${matched.length} ${what}: ${listOf(matched.map(show), 5)}. Type more of the one you mean.`;

/** Themes are few: the error lists them all, so the right id is always in sight. */
const MAX_THEMES_LISTED = 25;

export function resolveTheme(library: Library, typed: string, option = 'theme'): Theme {
  const exact = library.theme(typed);
  if (exact) return exact;
  const candidates = themeCandidates(library);
  const match = resolveTyped(candidates, typed);
  const theme = match && library.theme(match.value);
  if (theme) return theme;
  const show = (c: Candidate) => code(c.value);
  const matched = rankCandidates(candidates, typed);
  const all = ` Themes: ${listOf(candidates.map(show), MAX_THEMES_LISTED)}.`;
  const message =
    matched.length > 1
      ? several(matched, typed, 'themes', show)
      : `No theme matches ${shown(typed)}.${didYouMean(candidates, typed, show)}${all}`;
  throw new UserError(message, option);
}

// Briefings may be thousands: the error names the likely ones and leaves the full list to /sources.
const SOURCES_HINT = ' `/sources` lists every briefing.';

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
  const show = (c: Candidate) => `${code(c.value)} (${escapeInline(truncate(nameOf(c), 80))})`;
  const matched = rankCandidates(candidates, typed);
  const message =
    matched.length > 1
      ? several(matched, typed, 'briefings', show)
      : `No briefing matches ${shown(typed)}.${didYouMean(candidates, typed, show)}${SOURCES_HINT}`;
  throw new UserError(message, option);
}

/** A speaker as the library spells it, from a picked choice (maybe a reference) or typed text. */
const briefingRefs = (library: Library) => refIndex(library.latest().map((b) => b.id));
const speakerRefs = (library: Library) => refIndex(library.speakers());

/** The briefing a button's part refers to (see `refOf`), if it is still in the library. */
export const briefingOfRef = (library: Library, part: string): Briefing | undefined => {
  const id = library.derived(briefingRefs).get(part);
  return id === undefined ? undefined : library.briefing(id);
};

/** The speaker, as the library spells it, a button's part refers to. */
export const speakerOfRef = (library: Library, part: string): string | undefined =>
  library.derived(speakerRefs).get(part);

export function resolveSpeaker(speakers: readonly string[], typed: string, option = 'speaker'): string {
  const picked = resolveRef(typed, speakers);
  if (picked) return picked;
  const candidates = speakerCandidates(speakers);
  const match = resolveTyped(candidates, typed);
  if (match) return match.keys?.[0] ?? nameOf(match);
  const show = (c: Candidate) => `**${escapeInline(truncate(c.keys?.[0] ?? nameOf(c), 80))}**`;
  const matched = rankCandidates(candidates, typed);
  if (matched.length > 1) throw new UserError(several(matched, typed, 'speakers', show), option);
  const listed = speakers.length ? ` Speakers: ${listOf(candidates.map(show), 10)}.` : '';
  throw new UserError(
    `No quotes from a speaker matching ${shown(typed)}.${didYouMean(candidates, typed, show)}${listed}`,
    option,
  );
}
