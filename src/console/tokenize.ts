/**
 * Splits a console line into words the way a shell would, with two concessions to natural text:
 * a quote only opens a quoted stretch at the start of a word or right after `name:`, so
 * apostrophes inside words (`O'Brien`, `don't`) stay literal; and typographic quotes (“ ” ‘ ’)
 * that editors and phones substitute count as quotes.
 */
import { UserError } from '../errors.js';

export interface Word {
  /** The word with quotes and escapes removed. */
  text: string;
  /**
   * Index in `text` of the first colon typed outside quotes and not escaped, if any: the split
   * point of `name:value`. A colon inside quotes never names an option (`"a:b"` is a plain value).
   */
  colon?: number;
  /** Any part of the word was quoted; a quoted empty word (`""`) is still a word. */
  quoted: boolean;
}

const CLOSING: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '”': '”' };

const isSpace = (c: string): boolean => c === ' ' || c === '\t';

export function tokenize(line: string): Word[] {
  const words: Word[] = [];
  let text = '';
  let colon: number | undefined;
  let quoted = false;
  let inWord = false;
  let i = 0;

  const finish = () => {
    if (inWord) words.push(colon === undefined ? { text, quoted } : { text, colon, quoted });
    text = '';
    colon = undefined;
    quoted = false;
    inWord = false;
  };

  while (i < line.length) {
    const c = line.charAt(i);
    if (isSpace(c)) {
      finish();
      i++;
      continue;
    }
    const closing = CLOSING[c];
    const opensQuote =
      closing !== undefined && (!inWord || (colon !== undefined && colon === text.length - 1));
    if (opensQuote) {
      const end = findClosing(line, i + 1, closing, c === "'" || c === '‘');
      if (end === undefined) {
        throw new UserError(
          `unterminated quote: add a closing ${closing} after the value (e.g. query:${c}strategic patience${closing})`,
        );
      }
      text += end.text;
      quoted = true;
      inWord = true;
      i = end.next;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      text += line.charAt(i + 1);
      inWord = true;
      i += 2;
      continue;
    }
    if (c === ':' && colon === undefined) colon = text.length;
    text += c;
    inWord = true;
    i++;
  }
  finish();
  return words;
}

/** Reads a quoted stretch; single quotes are literal (as in a shell), double quotes honour `\`. */
function findClosing(
  line: string,
  from: number,
  closing: string,
  literal: boolean,
): { text: string; next: number } | undefined {
  let text = '';
  for (let i = from; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === closing) return { text, next: i + 1 };
    if (!literal && c === '\\' && i + 1 < line.length) {
      text += line.charAt(i + 1);
      i++;
      continue;
    }
    text += c;
  }
  return undefined;
}

/** Quotes a value so that `tokenize` reads it back as one word (used by tab completion). */
export function quoteIfNeeded(value: string): string {
  if (value !== '' && !/[\s"'“”‘’\\]/.test(value)) return value;
  return `"${value.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}
