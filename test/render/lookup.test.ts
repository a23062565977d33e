import { describe, expect, test } from 'vitest';
import { nameOf, rankChoices } from '../../src/render/choices.js';
import { briefingCandidates, resolveBriefing, themeCandidates } from '../../src/render/lookup.js';
import { library } from '../commands/fixtures.js';

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
