import { describe, expect, test } from 'vitest';
import type { Theme } from '../../src/briefings/schema.js';
import { isUserError } from '../../src/errors.js';
import { nameOf, rankChoices } from '../../src/options/choices.js';
import {
  briefingCandidates,
  resolveBriefing,
  resolveSpeaker,
  resolveTheme,
  themeCandidates,
} from '../../src/options/lookup.js';
import { fakeLibrary } from '../commands/fake-library.js';
import { BRIEFINGS, library, THEMES } from '../commands/fixtures.js';

describe('candidate lists built once per snapshot', () => {
  test('GIVEN one snapshot WHEN briefing candidates are asked for twice in one locale THEN the same list comes back', () => {
    const lib = library();
    expect(briefingCandidates(lib, 'en-GB')).toBe(briefingCandidates(lib, 'en-GB'));
    expect(themeCandidates(lib)).toBe(themeCandidates(lib));
  });

  test('GIVEN two locales WHEN briefing candidates are shown THEN each names dates in its own locale', () => {
    const lib = library();
    const gb = briefingCandidates(lib, 'en-GB');
    const fr = briefingCandidates(lib, 'fr');
    expect(fr).not.toBe(gb);
    const first = (list: typeof gb) => (list[0] ? nameOf(list[0]) : '');
    expect(first(fr)).not.toBe(first(gb));
  });

  test('GIVEN a replaced snapshot WHEN candidates are asked for THEN they come from the new snapshot', () => {
    const before = library();
    const after = library();
    expect(briefingCandidates(after)).not.toBe(briefingCandidates(before));
    expect(briefingCandidates(after).map((c) => c.value)).toEqual(after.latest().map((b) => b.id));
  });

  test('GIVEN cached candidates WHEN different queries are ranked in turn THEN each ranking is its own', () => {
    const lib = library();
    const [newest] = lib.latest();
    if (!newest) throw new Error('the fixture library has briefings');
    const all = rankChoices(briefingCandidates(lib), '');
    const exact = rankChoices(briefingCandidates(lib), newest.id);
    expect(all.map((c) => c.value)).toEqual(lib.latest().map((b) => b.id));
    expect(exact[0]?.value).toBe(newest.id);
    expect(resolveBriefing(lib, newest.id.toUpperCase(), 'en-GB').id).toBe(newest.id);
  });
});

/** The message of the UserError `f` throws, and the option it names. */
function refusal(f: () => unknown): { message: string; option: string | undefined } {
  try {
    f();
  } catch (error) {
    if (isUserError(error)) return { message: error.message, option: error.option };
    throw error;
  }
  throw new Error('expected a UserError');
}

// The eight themes of the seed article, the last of which is the one mistyped below.
const EIGHT: Theme[] = [
  ...THEMES.filter((t) => t.id !== 'outlook'),
  ...[
    'european-coordination',
    'humanitarian',
    'strategic-communication',
    'process-expectations',
    'outlook',
  ].map((id) => ({ id, label: id.replace(/-/g, ' '), description: 'd', colour: '#000000', keywords: [] })),
];

describe('a value that matches nothing', () => {
  test('GIVEN eight themes WHEN “outlok” is typed THEN it suggests outlook by edit distance and lists every theme', () => {
    const { message, option } = refusal(() => resolveTheme(fakeLibrary(EIGHT, BRIEFINGS), 'outlok'));
    expect(option).toBe('theme');
    expect(message).toMatch(/^No theme matches “outlok”\. Did you mean `outlook`\?/);
    for (const t of EIGHT) expect(message).toContain(`\`${t.id}\``);
  });

  test.each([
    ['securty', 'security-defence'],
    ['ecnomy', 'economy-reconstruction'],
    ['Outloook', 'outlook'],
  ])('GIVEN the typo %j of a theme WHEN resolved THEN the error suggests %s', (typed, id) => {
    expect(refusal(() => resolveTheme(library(), typed)).message).toContain(`Did you mean \`${id}\``);
  });

  test('GIVEN a word close to no theme WHEN resolved THEN no guess, but every theme is listed', () => {
    const { message } = refusal(() => resolveTheme(library(), 'zzzzzz'));
    expect(message).not.toContain('Did you mean');
    for (const t of THEMES) expect(message).toContain(t.id);
  });

  test('GIVEN a word held by two themes WHEN resolved THEN it says which themes match instead of “no theme”', () => {
    const { message } = refusal(() => resolveTheme(library(), 'ti'));
    expect(message).not.toContain('No theme matches');
    expect(message).toMatch(
      /“ti” matches 2 themes: `political-dialogue`, `economy-reconstruction`\. Type more/,
    );
  });

  test('GIVEN a mistyped briefing id WHEN resolved THEN it suggests the briefing and points to /sources, not to a list as you type', () => {
    const { message, option } = refusal(() => resolveBriefing(library(), 'brussels-taks-2026-01', 'en-GB'));
    expect(option).toBe('briefing');
    expect(message).toMatch(/Did you mean `brussels-talks-2026-01` \(Brussels talks on security guarantees/);
    expect(message).toContain('`/sources` lists every briefing');
    expect(message).not.toMatch(/as you type/);
  });

  test('GIVEN a mistyped speaker WHEN resolved THEN it suggests the speaker and lists the speakers', () => {
    const { message, option } = refusal(() => resolveSpeaker(['Jane Doe', 'Kaja Kallas'], 'Kaja Kalas'));
    expect(option).toBe('speaker');
    expect(message).toMatch(/Did you mean \*\*Kaja Kallas\*\*\?/);
    expect(message).toContain('Speakers: **Jane Doe**, **Kaja Kallas**.');
    expect(message).not.toMatch(/as you type/);
  });

  test('GIVEN a speaker’s surname with its letters swapped WHEN resolved THEN the speaker is still suggested', () => {
    expect(refusal(() => resolveSpeaker(['Jane Doe', 'Kaja Kallas'], 'Kalals')).message).toContain(
      'Did you mean **Kaja Kallas**?',
    );
  });
});
