/**
 * The few terminal styles the console uses. Every style closes with its own reset code (not the
 * full reset) so styles nest and a colour bar inside a bold stretch does not end the bold.
 * When `on` is false every function returns the text untouched: no escape code ever reaches a
 * pipe, a file, or a terminal with NO_COLOR set.
 */

export interface Ansi {
  on: boolean;
  bold(s: string): string;
  dim(s: string): string;
  italic(s: string): string;
  underline(s: string): string;
  strike(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  /** 24-bit foreground from a Discord colour integer (0xRRGGBB). */
  rgb(colour: number, s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

const identity = (s: string) => s;

export function makeAnsi(on: boolean): Ansi {
  if (!on) {
    return {
      on,
      bold: identity,
      dim: identity,
      italic: identity,
      underline: identity,
      strike: identity,
      red: identity,
      yellow: identity,
      cyan: identity,
      rgb: (_c, s) => s,
    };
  }
  return {
    on,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    italic: wrap(3, 23),
    underline: wrap(4, 24),
    strike: wrap(9, 29),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    rgb: (c, s) => `\x1b[38;2;${(c >> 16) & 0xff};${(c >> 8) & 0xff};${c & 0xff}m${s}\x1b[39m`,
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point
const ESCAPES = /\x1b\[[0-9;]*m/g;

export const stripAnsi = (s: string): string => s.replace(ESCAPES, '');

/** Columns a string occupies, ignoring escape codes (wide characters count as one). */
export const visibleLength = (s: string): number => [...stripAnsi(s)].length;

/**
 * Decides whether to style output, following https://no-color.org: never on a pipe or file,
 * never with NO_COLOR set to anything non-empty, never on a dumb terminal.
 */
export function wantsAnsi(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
