/**
 * A snapshot derived from the one it replaces (hot reload) must answer every query exactly as a
 * snapshot built from scratch on the same briefings: same order, same entries, same counts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { type Archive, archiveKey, openArchive } from '../../src/briefings/archive.js';
import type { Briefing, Library } from '../../src/briefings/index.js';
import { buildLibrary, buildLibraryAsync } from '../../src/briefings/library.js';
import { ahead, briefing, loadOf, quote, section, THEMES } from './library-fixtures.js';

const archives: Archive[] = [];
afterEach(() => {
  for (const a of archives.splice(0)) a.close();
});
const newArchive = () => {
  const archive = openArchive({ rules: 'test' });
  archives.push(archive);
  return archive;
};
const stored = (archive: Archive, list: Briefing[]) =>
  list.map((b) => archive.put(archiveKey(b.id, Buffer.from(JSON.stringify(b))), b));

const THEME_IDS = THEMES.map((t) => t.id);
const SPEAKERS = ['Kaja Kallas', 'kaja  kallas', 'Marco Rubio', 'An official', 'Kája Kallas'];
const HORIZONS = [undefined, '2026', '2026-Q2', '2026-05', '2026-05-20', '2027-Q1'];
const SOURCES = ['Example Wire', 'Other Wire', 'example  wire'];

const arbBriefing = (id: string) =>
  fc
    .record({
      day: fc.integer({ min: 1, max: 4 }),
      monthOnly: fc.boolean(),
      draft: fc.integer({ min: 0, max: 9 }),
      source: fc.constantFrom(...SOURCES),
      sections: fc.array(fc.subarray(THEME_IDS, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
      quotes: fc.array(
        fc.record({
          speaker: fc.constantFrom(...SPEAKERS),
          themes: fc.subarray(THEME_IDS, { minLength: 1 }),
        }),
        { maxLength: 3 },
      ),
      ahead: fc.array(
        fc.record({
          horizon: fc.constantFrom(...HORIZONS),
          themes: fc.subarray(THEME_IDS, { minLength: 1 }),
        }),
        { maxLength: 3 },
      ),
      words: fc.constantFrom('talks', 'reconstruction', 'ceasefire talks', 'energy'),
    })
    .map(
      (r): Briefing =>
        briefing(id, {
          status: r.draft === 0 ? 'draft' : 'published',
          published: r.monthOnly ? '2026-01' : `2026-01-0${r.day}`,
          title: `On ${r.words} ${id}`,
          source: { name: r.source },
          sections: r.sections.map((themes, i) =>
            section({ heading: `Heading ${i}`, themes, summary: `About ${r.words} in part ${i}.` }),
          ),
          quotes: r.quotes.map((q, i) => quote({ ...q, text: `Quote ${i} of ${id}.` })),
          looking_ahead: r.ahead.map((a, i) =>
            ahead({
              text: `Item ${i} of ${id} on ${r.words}.`,
              themes: a.themes,
              ...(a.horizon ? { horizon: a.horizon } : {}),
            }),
          ),
        }),
    );

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const arbSet = fc.tuple(...ids.map((id) => fc.option(arbBriefing(id), { nil: undefined })));

/** Everything a command can ask, as plain data. */
function answers(library: Library) {
  const entry = (e: { briefing: Briefing; index: number }) => `${e.briefing.id}#${e.index}`;
  const now = new Date('2026-03-01T00:00:00Z');
  return {
    stats: library.stats,
    latest: library.latest().map((b) => b.id),
    byTheme: THEME_IDS.map((t) => library.byTheme(t).map(entry)),
    sizes: THEME_IDS.map((t) => library.byTheme(t).map((e) => e.size)),
    quotes: library.quotes().map(entry),
    quotesByTheme: THEME_IDS.map((t) => library.quotes({ theme: t }).map(entry)),
    quotesBySpeaker: SPEAKERS.map((s) => library.quotes({ speaker: s }).map(entry)),
    speakers: library.speakers(),
    lookahead: library.lookahead().map((e) => e.key),
    byThemeAhead: THEME_IDS.map((t) => library.lookahead({ theme: t }).map((e) => e.key)),
    within: THEME_IDS.map((t) => library.lookahead({ theme: t, within: 'year', now }).map((e) => e.key)),
    withinAll: library.lookahead({ within: 'quarter', now }).map((e) => e.key),
    sources: library.sources().map((s) => [s.source, s.briefings.map((b) => b.id)]),
    search: ['talks', 'reconstruction', 'energy', 'ceasefire talks'].map((q) => {
      const r = library.search(q, { limit: 50 });
      return [r.total, r.hits.map((h) => `${h.briefing.id}:${h.kind}:${h.snippet}`)];
    }),
    briefings: ids.map((id) => library.briefing(id)?.title),
  };
}

describe('GIVEN a snapshot and a reload that adds, removes and changes briefings', () => {
  test('WHEN the next snapshot is derived from it THEN every query answers as a snapshot built from scratch', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (first, second) => {
        const archive = newArchive();
        const before = stored(
          archive,
          first.filter((b) => b !== undefined),
        );
        const after = stored(
          archive,
          second.filter((b) => b !== undefined),
        );
        const previous = buildLibrary(loadOf(before), { archive });
        const derived = buildLibrary(loadOf(after), { archive, previous });
        const fresh = buildLibrary(loadOf(after), { archive });
        expect(answers(derived)).toEqual(answers(fresh));
        // And the previous snapshot still answers as it did: nothing it holds was changed.
        const again = buildLibrary(loadOf(before), { archive });
        expect(answers(previous)).toEqual(answers(again));
        archive.close();
      }),
      { numRuns: 60 },
    );
  });

  test('WHEN derived asynchronously THEN it answers as the synchronous build does', async () => {
    const archive = newArchive();
    const sample = fc.sample(arbSet, { numRuns: 2, seed: 7 });
    const [first, second] = sample.map((set) =>
      stored(
        archive,
        set.filter((b) => b !== undefined),
      ),
    );
    const previous = buildLibrary(loadOf(first ?? []), { archive });
    const derived = await buildLibraryAsync(loadOf(second ?? []), { archive, previous, sliceMs: 0 });
    const fresh = buildLibrary(loadOf(second ?? []), { archive });
    expect(answers(derived)).toEqual(answers(fresh));
  });
});
