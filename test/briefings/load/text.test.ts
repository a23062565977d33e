import { describe, expect, test } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from '../../../src/briefings/load/text.js';

const bytes = (...b: number[]) => Buffer.from(b);
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

describe('firstInvalidUtf8', () => {
  test.each([
    ['plain ASCII', bytes(...ascii('abc')), -1],
    ['two-, three- and four-byte characters', Buffer.from('é€😀', 'utf8'), -1],
    ['a Latin-1 é after text', bytes(...ascii('caf'), 0xe9), 3],
    ['a lone continuation byte', bytes(0x61, 0x80), 1],
    ['an overlong two-byte form', bytes(0xc0, 0xaf), 0],
    ['an overlong three-byte form', bytes(0xe0, 0x80, 0xaf), 0],
    ['a UTF-16 surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['a sequence cut short by the end of file', bytes(0x61, 0xe2, 0x82), 1],
    ['a sequence cut short by ASCII', bytes(0xe2, 0x41, 0x41), 0],
  ])('GIVEN %s THEN the first bad byte is at %s', (_, buf, offset) => {
    expect(firstInvalidUtf8(buf)).toBe(offset);
  });
});

describe('decodeUtf8', () => {
  test('GIVEN a bad byte on line 3 after a multi-byte character THEN line and column count characters', () => {
    const buf = Buffer.concat([Buffer.from('a: 1\nb: 2\nc: é'), bytes(0xff), Buffer.from('\n')]);
    const decoded = decodeUtf8(buf);
    expect(decoded).toMatchObject({ ok: false, line: 3, column: 5, offset: 14 });
    expect(decoded.ok ? '' : decoded.message).toBe(
      'not valid UTF-8: byte 0xFF at byte offset 15 (line 3); save the file as UTF-8',
    );
  });

  test('GIVEN a UTF-8 byte-order mark THEN it is dropped so columns on line 1 match the editor', () => {
    expect(decodeUtf8(Buffer.from('\ufeffid: x', 'utf8'))).toEqual({ ok: true, text: 'id: x' });
  });

  test.each([
    ['little-endian', bytes(0xff, 0xfe, 0x69, 0)],
    ['big-endian', bytes(0xfe, 0xff, 0, 0x69)],
  ])('GIVEN a %s UTF-16 file THEN it is named as UTF-16', (_, buf) => {
    expect(decodeUtf8(buf)).toMatchObject({
      ok: false,
      message: 'the file is UTF-16 encoded: save it as UTF-8',
    });
  });
});
