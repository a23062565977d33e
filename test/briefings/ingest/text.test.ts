import { expect, test } from 'vitest';
import { clip, splitSentences, stems } from '../../../src/briefings/ingest/text.js';

test.each([
  ['Dr. Anna Weber met U.S. officials on Jan. 5 at 3 p.m. in Washington. They agreed.', 2],
  ['Gen. Mark Alvarez spoke first. Mr. Lund replied.', 2],
  ['A joint EU-U.S. task force will review compliance. Officials agreed.', 2],
  ['The talks began at 9 a.m. on Thursday and ran past 11 p.m. on Friday.', 1],
  ['Talks resumed on Dec. 3 in Helsinki. Ministers met Prof. Ivanova there.', 2],
  ['“Will our support be predictable?” Lindqvist said at a news conference. Then she left.', 2],
])('GIVEN "%s" WHEN split THEN it has %i sentences and no break inside an abbreviation', (text, count) => {
  const sentences = splitSentences(text);
  expect(sentences).toHaveLength(count);
  expect(sentences.join(' ')).toBe(text);
  for (const s of sentences) expect(s).not.toMatch(/^(?:S\.|Weber|5 at|3 in)/);
});

test('GIVEN inflected forms WHEN stemmed THEN they share a stem', () => {
  expect(stems('reconstruction reconstructing')[0]).toBe(stems('reconstructing')[0]);
  expect(stems('negotiations')).toEqual(stems('negotiation'));
});

test.each([
  ['short text', 20, 'short text'],
  ['a sentence that is far too long for the limit', 20, 'a sentence that is…'],
])('GIVEN "%s" clipped to %i THEN it ends at a word boundary', (text, max, expected) => {
  const out = clip(text, max);
  expect(out).toBe(expected);
  expect(out.length).toBeLessThanOrEqual(max);
});
