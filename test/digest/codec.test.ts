import fc from 'fast-check';
import Keyv from 'keyv';
import { describe, expect, test } from 'vitest';
import { deserialize, serialize } from '../../src/digest/codec.js';

/** keyv's own serializer and reader: rows written by earlier versions used them. */
const keyvDefault = new Keyv();
const reference = {
  serialize: keyvDefault.serialize as (data: unknown) => string,
  deserialize: keyvDefault.deserialize as (text: string) => unknown,
};

/** JSON values whose strings often begin with ':' (the case keyv escapes) or hold quotes and commas. */
const tricky = fc.oneof(fc.string(), fc.constantFrom(':', '::', ':base', ':x', 'a,":b', '{":', '[":', 'k:'));
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('the store codec', () => {
  test('GIVEN any JSON value THEN it writes exactly the text keyv’s own serializer writes', () => {
    fc.assert(
      fc.property(values, (value) => {
        const data = { value, expires: undefined };
        expect(serialize(data)).toBe(reference.serialize(data));
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN text written by keyv’s serializer THEN it reads what keyv’s own reader reads', () => {
    fc.assert(
      fc.property(values, (value) => {
        const text = reference.serialize({ value });
        expect(deserialize(text)).toEqual(reference.deserialize(text));
      }),
      { numRuns: 2000 },
    );
  });

  test('GIVEN strings that begin with ":" at every depth THEN they come back as they were', () => {
    const value = { a: ':one', b: [':two', { c: '::three' }], ':key': ':four', plain: 'x:y' };
    const text = serialize({ value });
    expect(text).toContain('"::one"');
    expect(deserialize(text)).toEqual({ value });
  });
});
