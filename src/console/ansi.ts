/**
 * The few terminal styles the console uses, from node:util's styleText. Each style closes with its
 * own reset code (not the full reset) so styles nest and a colour bar inside a bold stretch does
 * not end the bold. When `on` is false every function returns the text untouched: no escape code
 * ever reaches a pipe, a file, or a terminal with NO_COLOR set.
 */
import { styleText } from 'node:util';

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

type Format = Parameters<typeof styleText>[0];

// The session has already decided from its own output stream and env (wantsAnsi); styleText's
// own check would look at process.stdout and process.env instead.
const style = (format: Format) => (s: string) => styleText(format, s, { validateStream: false });

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
    bold: style('bold'),
    dim: style('dim'),
    italic: style('italic'),
    underline: style('underline'),
    strike: style('strikethrough'),
    red: style('red'),
    yellow: style('yellow'),
    cyan: style('cyan'),
    // styleText knows only named colours; a theme colour is any 0xRRGGBB.
    rgb: (c, s) => `\x1b[38;2;${(c >> 16) & 0xff};${(c >> 8) & 0xff};${c & 0xff}m${s}\x1b[39m`,
  };
}

/**
 * Decides whether to style output, following https://no-color.org: never on a pipe or file,
 * never with NO_COLOR set to anything non-empty, never on a dumb terminal.
 */
export function wantsAnsi(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}
