/**
 * Turns a file's bytes into text, or into a problem a curator can act on: not UTF-8 (with the
 * byte offset and where that is on screen), UTF-16, or empty.
 */
import { isUtf8 } from 'node:buffer';

export type Decoded =
  | { ok: true; text: string }
  /** `offset` counts characters of the text as decoded with replacement characters. */
  | { ok: false; line: number; column: number; offset: number; message: string };

/** Offset of the first byte that breaks UTF-8, or -1. Rejects overlong forms, surrogates and > U+10FFFF. */
export const firstInvalidUtf8 = (buf: Uint8Array): number => {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] ?? 0;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined) return i;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
};

const hex = (b: number | undefined): string => `0x${(b ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

export const decodeUtf8 = (buf: Buffer): Decoded => {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return {
      ok: false,
      line: 1,
      column: 1,
      offset: 0,
      message: 'the file is UTF-16 encoded: save it as UTF-8',
    };
  }
  if (isUtf8(buf)) {
    const text = buf.toString('utf8');
    // Editors show no BOM, so keeping it would shift every column on line 1.
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  }
  const offset = firstInvalidUtf8(buf);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = buf.subarray(lineStart, offset).toString('utf8').length + 1;
  return {
    ok: false,
    line,
    column,
    offset: buf.subarray(0, offset).toString('utf8').length,
    message: `not valid UTF-8: byte ${hex(buf[offset])} at byte offset ${offset} (line ${line}); save the file as UTF-8`,
  };
};
