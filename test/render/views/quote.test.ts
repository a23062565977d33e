import { describe, expect, test } from 'vitest';
import type { Library, QuoteEntry } from '../../../src/briefings/index.js';
import { derivedOf } from '../../../src/briefings/library.js';
import { attributed, pickQuote } from '../../../src/render/views/quote.js';

const entry = (briefingId: string, index: number, speaker: string, text = 'Said.'): QuoteEntry =>
  ({ briefing: { id: briefingId }, index, quote: { speaker, text } }) as unknown as QuoteEntry;

/** A snapshot holding only these quotes. */
function libraryOf(entries: QuoteEntry[]): Library {
  const library = { quotes: () => entries, derived: derivedOf(() => library) } as unknown as Library;
  return library;
}

/** What /quote does: the attributed quotes of a snapshot, then one of them. */
const pick = (entries: QuoteEntry[], r: number, skip?: { briefingId: string; index: number }) =>
  pickQuote(attributed(libraryOf(entries), entries), () => r, skip);

/** The plain rule: attributed quotes, without the one just shown when another exists, picked by r. */
function reference(entries: QuoteEntry[], r: number, skip?: { briefingId: string; index: number }) {
  const attributed = entries.filter((e) => e.quote.speaker.trim() && e.quote.text.trim());
  const pool =
    skip && attributed.length > 1
      ? attributed.filter((e) => !(e.briefing.id === skip.briefingId && e.index === skip.index))
      : attributed;
  return pool[Math.min(pool.length - 1, Math.max(0, Math.floor(r * pool.length)))];
}

describe('pickQuote', () => {
  const entries = [
    entry('a', 0, 'Ana'),
    entry('a', 1, '  '),
    entry('b', 0, 'Ben'),
    entry('b', 1, 'Ben', ' '),
    entry('c', 0, 'Cy'),
    entry('c', 2, 'Di'),
  ];
  const skips = [
    undefined,
    { briefingId: 'b', index: 0 },
    { briefingId: 'a', index: 1 },
    { briefingId: 'z', index: 9 },
  ];
  const cases = skips.flatMap((skip) =>
    [0, 0.2, 0.5, 0.74, 0.99, 1, -1, Number.NaN].map((r) => [r, skip] as const),
  );

  test.each(cases)('GIVEN r = %d and skip %j THEN the pick is the one the plain rule makes', (r, skip) => {
    expect(pick(entries, r, skip)).toBe(reference(entries, Number.isFinite(r) ? r : 0, skip));
  });

  test.each([
    ['no quotes', []],
    ['only unattributed quotes', [entry('a', 0, ''), entry('a', 1, 'Ana', '')]],
  ])('GIVEN %s THEN nothing is picked', (_, list) => {
    expect(pick(list, 0.5)).toBeUndefined();
  });

  test('GIVEN one attributed quote that was just shown THEN it is shown again', () => {
    const only = [entry('a', 0, 'Ana')];
    expect(pick(only, 0.5, { briefingId: 'a', index: 0 })).toBe(only[0]);
  });
});
