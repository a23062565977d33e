/**
 * Discord's markdown and markup (mentions, `<t:…>` timestamps) turned into terminal text. With
 * styling on, `**bold**` becomes bold and so on; with it off the markers simply disappear, so a
 * piped transcript reads as plain prose. Backslash escapes (`\*`) always print the bare character.
 */
import type { Ansi } from './ansi.js';

export interface MarkupOptions {
  ansi: Ansi;
  /** Clock for relative timestamps (`<t:…:R>`). */
  now: Date;
  /** BCP 47 locale for dates; undefined means the system's. */
  locale?: string;
  /** IANA zone for dates; undefined means the system's (the reader's local time). */
  timeZone?: string;
  /** Display names for ids in mentions. */
  names?: { users?: Record<string, string>; channels?: Record<string, string> };
}

const STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  t: { timeStyle: 'short' },
  T: { timeStyle: 'medium' },
  d: { dateStyle: 'short' },
  D: { dateStyle: 'long' },
  f: { dateStyle: 'long', timeStyle: 'short' },
  F: { dateStyle: 'full', timeStyle: 'short' },
};

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/**
 * A Discord timestamp as local text. Relative ones also give the date, since a console reader
 * cannot hover to see it as a Discord user can.
 */
function formatTimestamp(
  seconds: number,
  style: string,
  o: MarkupOptions,
  /** The same instant is already shown as a date nearby: give only the relative part. */
  dateShown = false,
): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return `<t:${seconds}:${style}>`;
  const zone = o.timeZone === undefined ? {} : { timeZone: o.timeZone };
  if (style === 'R') {
    const diff = (date.getTime() - o.now.getTime()) / 1000;
    const [unit, size] = UNITS.find(([, s]) => Math.abs(diff) >= s) ?? ['second', 1];
    const relative = new Intl.RelativeTimeFormat(o.locale, { numeric: 'auto' }).format(
      Math.round(diff / size),
      unit,
    );
    if (dateShown) return relative;
    const absolute = new Intl.DateTimeFormat(o.locale, { dateStyle: 'medium', ...zone }).format(date);
    return `${relative} (${absolute})`;
  }
  const format = STYLES[style] ?? STYLES.f;
  const text = new Intl.DateTimeFormat(o.locale, { ...format, ...zone }).format(date);
  // Discord shows times in each reader's own zone; the console says which zone it used, so
  // "daily 08:00 (Europe/Brussels)" next to "7:00 AM UTC" reads right.
  if (!format?.timeStyle) return text;
  const zoneName = new Intl.DateTimeFormat(o.locale, { timeZoneName: 'short', ...zone })
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value;
  return zoneName ? `${text} ${zoneName}` : text;
}

/** Characters Discord lets a backslash escape. */
const ESCAPABLE = /\\([\\*_~`|>#\-[\]()<:@.!+={}])/g;

const PROTECT_OPEN = '\uE000';
const PROTECT_CLOSE = '\uE001';

/** Renders one line of inline markdown (no block structure). */
export function renderInline(line: string, o: MarkupOptions): string {
  const { ansi } = o;
  // Pieces that must come out literally (escapes, code, URLs, rendered mentions) are swapped
  // for placeholders so the emphasis rules below cannot touch them.
  const kept: string[] = [];
  const keep = (s: string) => `${PROTECT_OPEN}${kept.push(s) - 1}${PROTECT_CLOSE}`;

  let s = line.replace(ESCAPABLE, (_m, c: string) => keep(c));
  s = s.replace(/``([^`]+)``|`([^`]+)`/g, (_m, a?: string, b?: string) => keep(ansi.cyan(a ?? b ?? '')));
  const dated = new Set([...s.matchAll(/<t:(-?\d+)(?::[dDfF])?>/g)].map((m) => m[1]));
  s = s.replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_m, t: string, style?: string) =>
    keep(ansi.underline(formatTimestamp(Number(t), style ?? 'f', o, dated.has(t)))),
  );
  // Ids are digits in Discord; the console's own user is `console-user`.
  s = s.replace(/<@!?([\w-]+)>/g, (_m, id: string) => keep(ansi.cyan(`@${o.names?.users?.[id] ?? id}`)));
  s = s.replace(/<@&(\d+)>/g, (_m, id: string) => keep(ansi.cyan(`@role:${id}`)));
  s = s.replace(/<#([\w-]+)>/g, (_m, id: string) => keep(ansi.cyan(`#${o.names?.channels?.[id] ?? id}`)));
  s = s.replace(/<a?(:\w+:)\d+>/g, (_m, name: string) => keep(name));
  s = s.replace(
    /\[([^\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)/g,
    (_m, label: string, url: string) => `${ansi.underline(label)} ${keep(ansi.dim(`(${url})`))}`,
  );
  s = s.replace(/<(https?:\/\/[^\s>]+)>/g, (_m, url: string) => keep(ansi.underline(url)));
  s = s.replace(/https?:\/\/[^\s<>\uE000\uE001]*[^\s<>\uE000\uE001.,;:!?)'"]/g, (url) =>
    keep(ansi.underline(url)),
  );

  s = s.replace(/\*\*(.+?)\*\*/g, (_m, t: string) => ansi.bold(t));
  s = s.replace(/__(.+?)__/g, (_m, t: string) => ansi.underline(t));
  s = s.replace(/~~(.+?)~~/g, (_m, t: string) => ansi.strike(t));
  s = s.replace(/\|\|(.+?)\|\|/g, (_m, t: string) => ansi.dim(t));
  s = s.replace(/(?<![*\w])\*(?![\s*])(.+?)(?<![\s*])\*(?![*\w])/g, (_m, t: string) => ansi.italic(t));
  s = s.replace(/(?<![_\p{L}\p{N}])_(?![\s_])(.+?)(?<![\s_])_(?![_\p{L}\p{N}])/gu, (_m, t: string) =>
    ansi.italic(t),
  );

  const restore = new RegExp(`${PROTECT_OPEN}(\\d+)${PROTECT_CLOSE}`, 'g');
  // Restored pieces may themselves hold placeholders (a timestamp inside a link label).
  for (let depth = 0; depth < 3 && restore.test(s); depth++) {
    s = s.replace(restore, (_m, i: string) => kept[Number(i)] ?? '');
  }
  return s;
}

/**
 * Renders markdown text to lines: headings, subtext, quotes, lists and code blocks, each line's
 * inline markdown included.
 */
export function renderMarkdown(text: string, o: MarkupOptions): string[] {
  const { ansi } = o;
  const out: string[] = [];
  let inCode = false;
  let quoteRest = false;
  for (const raw of text.split('\n')) {
    if (/^\s*```/.test(raw)) {
      const after = raw.replace(/^\s*```\w*/, '');
      const closesOnSameLine = !inCode && after.includes('```');
      if (closesOnSameLine) out.push(`  ${ansi.cyan(after.replace(/```.*$/, ''))}`);
      else inCode = !inCode;
      continue;
    }
    if (inCode) {
      out.push(`  ${ansi.cyan(raw)}`);
      continue;
    }
    let line = raw;
    let prefix = '';
    if (line.startsWith('>>> ')) {
      quoteRest = true;
      line = line.slice(4);
    }
    const quoted = quoteRest || /^> /.test(line);
    if (/^> /.test(line)) line = line.slice(2);
    if (quoted) prefix = ansi.dim('▏ ');

    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const subtext = /^-# (.*)$/.exec(line);
    const bullet = /^(\s*)[-*] (.*)$/.exec(line);
    if (heading) out.push(prefix + ansi.bold(renderInline(heading[2] ?? '', o)));
    else if (subtext) out.push(prefix + ansi.dim(renderInline(subtext[1] ?? '', o)));
    else if (bullet) out.push(`${prefix}${bullet[1] ?? ''}• ${renderInline(bullet[2] ?? '', o)}`);
    else out.push(prefix + renderInline(line, o));
  }
  return out;
}
