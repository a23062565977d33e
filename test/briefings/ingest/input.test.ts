import { describe, expect, test } from 'vitest';
import { decodeArticle, firstInvalidUtf8, normalize } from '../../../src/briefings/ingest/input.js';
import { isUserError } from '../../../src/errors.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

function refusal(input: Uint8Array): string {
  try {
    decodeArticle(input, 'article.txt');
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the input to be refused');
}

describe('decodeArticle', () => {
  test.each([
    ['an empty file', bytes(), /article\.txt is empty/],
    ['a file of blank lines', utf8(' \n\n\t \r\n'), /only whitespace/],
    [
      'a file with NUL bytes',
      bytes(0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41),
      /binary file.*NUL byte at offset 4/,
    ],
    [
      'a file full of control characters',
      bytes(...Array.from({ length: 40 }, (_, i) => (i % 2 ? 0x01 : 0x41))),
      /binary/,
    ],
    [
      'Latin-1 text',
      bytes(0x43, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b),
      /not valid UTF-8 \(byte 0xe9 at offset 3, line 1\).*iconv/,
    ],
    ['UTF-16 with a byte order mark', bytes(0xff, 0xfe, 0x41, 0x00), /UTF-16/],
  ])('GIVEN %s WHEN decoded THEN it is refused with a clear message', (_, input, message) => {
    expect(refusal(input)).toMatch(message);
  });

  test('GIVEN invalid UTF-8 on the third line WHEN decoded THEN the message names that line', () => {
    const input = Uint8Array.from([...utf8('one\ntwo\nthree '), 0xc3, 0x28]);
    expect(refusal(input)).toMatch(/line 3/);
  });

  test('GIVEN UTF-8 with a BOM, CRLF and typographic characters WHEN decoded THEN the text is normalised and kept', () => {
    const text = decodeArticle(utf8('\uFEFFKyiv’s “plan”\r\nnext\u00a0line — é'), 'a.txt');
    expect(text).toBe('Kyiv’s “plan”\nnext line — é');
  });
});

describe('firstInvalidUtf8', () => {
  test.each([
    ['plain ASCII', utf8('hello'), -1],
    ['multi-byte letters and emoji', utf8('Zieliński 🇺🇦 €'), -1],
    ['a truncated sequence at the end', bytes(0x41, 0xe2, 0x82), 1],
    ['a lone continuation byte', bytes(0x41, 0x80), 1],
    ['an overlong encoding of "/"', bytes(0xc0, 0xaf), 0],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
  ])('GIVEN %s THEN the first bad offset is %s', (_, input, offset) => {
    expect(firstInvalidUtf8(input)).toBe(offset);
  });
});

test('GIVEN soft hyphens and zero-width spaces WHEN normalised THEN they disappear', () => {
  expect(normalize('recon\u00ADstruction\u200B talks')).toBe('reconstruction talks');
});
