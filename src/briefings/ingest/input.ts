/**
 * Bytes in, article text out, or a message the curator can act on. Ingest reads plain UTF-8 text
 * only: anything else is refused loudly rather than drafted from garbage.
 */
import { UserError } from '../../errors.js';

/** Byte offset of the first byte that breaks UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms and surrogates are not valid UTF-8 either.
    const second = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f)) return i;
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += need + 1;
  }
  return -1;
}

/** Control characters other than tab, newline, carriage return and form feed. */
const isControl = (b: number): boolean =>
  (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f;

export function decodeArticle(bytes: Uint8Array, name: string): string {
  if (bytes.length === 0) throw new UserError(`${name} is empty: there is no article to ingest`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UserError(`${name} is UTF-16 text; save it as UTF-8 (for example: iconv -f UTF-16 -t UTF-8)`);
  }
  const sample = bytes.subarray(0, 64 * 1024);
  const nul = sample.indexOf(0);
  const controls = sample.reduce((n, b) => n + (isControl(b) ? 1 : 0), 0);
  if (nul >= 0 || controls > Math.max(4, sample.length * 0.01)) {
    throw new UserError(
      `${name} looks like a binary file, not text (${nul >= 0 ? `a NUL byte at offset ${nul}` : `${controls} control characters`}); ingest reads plain UTF-8 articles`,
    );
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
    throw new UserError(
      `${name} is not valid UTF-8 (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad}, line ${line}); ` +
        'convert it first, for example: iconv -f WINDOWS-1252 -t UTF-8',
    );
  }
  const text = normalize(new TextDecoder('utf-8').decode(bytes));
  if (text.trim() === '') throw new UserError(`${name} has only whitespace: there is no article to ingest`);
  return text;
}

/** One text shape for the detectors: NFC, \n line ends, plain spaces, no BOM or soft hyphens. */
export function normalize(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00A0\u2007\u202F\t]/g, ' ')
    .replace(/\u00AD|\u200B|\u200C|\u200D|\u2060/g, '')
    .replace(/\f/g, '\n');
}
