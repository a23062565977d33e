import { describe, expect, test } from 'vitest';
import {
  customId,
  decodeState,
  encodeState,
  parseCustomId,
  parsePage,
  refOf,
  resolveRef,
  shortHash,
} from '../../src/options/custom-id.js';

describe('custom ids', () => {
  test('GIVEN a state with colons WHEN the id is parsed THEN command, action and state come back whole', () => {
    expect(parseCustomId(customId('search', 'page', '2|a:b:c'))).toEqual({
      command: 'search',
      action: 'page',
      state: '2|a:b:c',
    });
  });

  test.each(['', 'nocolon', 'one:colon'])(
    'GIVEN the malformed id %j WHEN parsed THEN it is rejected',
    (id) => {
      expect(parseCustomId(id)).toBeUndefined();
    },
  );

  test('GIVEN an id over 100 characters WHEN built THEN it is refused', () => {
    expect(() => customId('x', 'y', 's'.repeat(97))).toThrow(/100/);
  });

  test('GIVEN free text last WHEN state is decoded THEN separators inside it survive', () => {
    expect(decodeState(encodeState(['3', 'a|b|c']), 2)).toEqual(['3', 'a|b|c']);
    expect(decodeState('3', 2)).toBeUndefined();
  });

  test.each([
    ['0', 0],
    ['42', 42],
    ['-1', undefined],
    ['1.5', undefined],
    ['x', undefined],
    ['9999999', undefined],
    [undefined, undefined],
  ])('GIVEN page part %j WHEN parsed THEN it is %j', (part, page) => {
    expect(parsePage(part)).toBe(page);
  });
});

describe('references', () => {
  const speakers = [
    'Jane Doe',
    'a senior transatlantic official speaking on condition of anonymity',
    'x|y',
    '~tilde',
  ];

  test.each(speakers)('GIVEN %j WHEN referenced THEN it resolves back to itself', (s) => {
    const ref = refOf(s, 20);
    expect(ref.length).toBeLessThanOrEqual(20);
    expect(ref).not.toContain('|');
    expect(resolveRef(ref, speakers)).toBe(s);
  });

  test('GIVEN a reference to something removed WHEN resolved THEN it is not found', () => {
    expect(resolveRef(refOf('gone'.repeat(20)), speakers)).toBeUndefined();
    expect(resolveRef('gone', speakers)).toBeUndefined();
  });

  test('GIVEN the same text WHEN hashed twice THEN the hash is the same (stable across restarts)', () => {
    expect(shortHash('security-defence')).toBe(shortHash('security-defence'));
    expect(shortHash('security-defence')).not.toBe(shortHash('security-defencf'));
  });
});
