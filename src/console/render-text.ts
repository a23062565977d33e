/**
 * A Reply as readable terminal text. Each embed is a block behind a bar in the embed's colour
 * (the theme colour), like Discord's own: author, title and link, description, fields, image,
 * footer and timestamp. Buttons print as `[ Label ]` so the reader knows what can be typed; an
 * attached file prints whole, between two rules.
 */
import { stripVTControlCharacters } from 'node:util';
import type { APIButtonComponent, APIEmbed, APIMessageComponentEmoji } from 'discord.js';
import { ButtonStyle } from 'discord.js';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { Reply, ReplyFile } from '../render/index.js';
import type { Ansi } from './ansi.js';
import { type MarkupOptions, renderInline, renderMarkdown } from './markdown.js';

export interface TextOptions extends MarkupOptions {
  /** Wrap lines to this many columns (a terminal's width); undefined leaves lines whole. */
  width?: number;
  /** Add the line explaining how to press a button. */
  buttonHint?: boolean;
}

export function renderReply(reply: Reply, o: TextOptions): string {
  const blocks: string[][] = [];
  if (reply.content !== undefined && reply.content.trim() !== '') {
    blocks.push(wrapAll(renderMarkdown(reply.content, o), o.width));
  }
  for (const embed of reply.embeds ?? []) blocks.push(renderEmbed(embed, o));
  const buttons = renderButtons(reply.components ?? [], o);
  if (buttons.length > 0) blocks.push(buttons);
  for (const file of reply.files ?? []) blocks.push(renderFile(file, o));
  if (blocks.length === 0) blocks.push([o.ansi.dim('(empty reply)')]);
  return blocks.map((b) => b.join('\n')).join('\n\n');
}

/**
 * A file attached to a reply (an export) is printed whole between two rules, unwrapped, so that
 * what is between them can be copied or redirected into a file as it is.
 */
function renderFile(file: ReplyFile, o: TextOptions): string[] {
  return [
    o.ansi.dim(`── file ${file.name} ──`),
    ...file.content.replace(/\n$/, '').split('\n'),
    o.ansi.dim(`── end of ${file.name} ──`),
  ];
}

function renderEmbed(embed: APIEmbed, o: TextOptions): string[] {
  const { ansi } = o;
  const lines: string[] = [];
  const gap = () => {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  if (embed.author?.name) lines.push(ansi.dim(renderInline(embed.author.name, o)));
  if (embed.title) lines.push(ansi.bold(renderInline(embed.title, o)));
  if (embed.url) lines.push(ansi.dim(ansi.underline(embed.url)));
  if (embed.description) {
    gap();
    lines.push(...renderMarkdown(embed.description, o));
  }
  let previousInline = false;
  for (const field of embed.fields ?? []) {
    const value = renderMarkdown(field.value, o);
    // Short inline fields read best as `name: value` lines kept together, as Discord shows them in a row.
    const compact = field.inline === true && value.length === 1;
    if (!(compact && previousInline)) gap();
    const name =
      field.name.trim() === '' || field.name === '\u200b' ? '' : ansi.bold(renderInline(field.name, o));
    if (compact) lines.push(name === '' ? (value[0] ?? '') : `${name}: ${value[0] ?? ''}`);
    else {
      if (name !== '') lines.push(name);
      lines.push(...value);
    }
    previousInline = compact;
  }
  if (embed.image?.url) {
    gap();
    lines.push(ansi.dim(`image: ${embed.image.url}`));
  }
  const footer = [
    embed.footer?.text ? renderInline(embed.footer.text, o) : undefined,
    embed.timestamp ? localTime(embed.timestamp, o) : undefined,
  ].filter((part): part is string => part !== undefined && part !== '');
  if (footer.length > 0) {
    gap();
    lines.push(ansi.dim(footer.join(' · ')));
  }
  while (lines[lines.length - 1] === '') lines.pop();

  const bar = embed.color === undefined ? ansi.dim(barGlyph(ansi)) : ansi.rgb(embed.color, barGlyph(ansi));
  const inner = o.width === undefined ? undefined : Math.max(20, o.width - 2);
  return wrapAll(lines, inner).map((line) => (line === '' ? bar : `${bar} ${line}`));
}

/** A solid block reads as a colour bar on a terminal; piped text gets a plain rule. */
const barGlyph = (ansi: Ansi): string => (ansi.on ? '▌' : '│');

function localTime(iso: string, o: MarkupOptions): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(o.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(o.timeZone === undefined ? {} : { timeZone: o.timeZone }),
  }).format(date);
}

const emojiText = (emoji: APIMessageComponentEmoji | undefined): string =>
  emoji === undefined ? '' : emoji.id ? `:${emoji.name ?? 'emoji'}:` : (emoji.name ?? '');

/** What the user types to press a button: its label, or its emoji when it has no label. */
export const buttonLabel = (button: APIButtonComponent): string =>
  [emojiText('emoji' in button ? button.emoji : undefined), 'label' in button ? (button.label ?? '') : '']
    .filter((s) => s !== '')
    .join(' ');

function renderButtons(rows: NonNullable<Reply['components']>, o: TextOptions): string[] {
  const { ansi } = o;
  const lines: string[] = [];
  let pressable = false;
  for (const row of rows) {
    const parts = row.components.map((button) => {
      const label = `[ ${buttonLabel(button)} ]`;
      if (button.disabled) return ansi.dim(`${label} (disabled)`);
      if (button.style === ButtonStyle.Link)
        return `${ansi.bold(label)} ${ansi.dim(ansi.underline(button.url))}`;
      if (button.style === ButtonStyle.Premium) return ansi.dim(label);
      pressable = true;
      return ansi.bold(label);
    });
    if (parts.length > 0) lines.push(parts.join('  '));
  }
  if (pressable && o.buttonHint) lines.push(ansi.dim("Type a button's label to press it."));
  return lines;
}

/**
 * A list bullet or quote bar and the spaces around it, with the escape codes that style it: what
 * a wrapped line's continuation lines up under.
 */
const SGR = '\\u001b\\[[0-9;]*m';
const LEAD = new RegExp(`^(?:\\s|(?:${SGR})*(?:• |▏ )(?:${SGR})*)*`);

/**
 * Wraps at spaces to `width` terminal columns (an emoji or CJK character takes two), keeping a
 * list item's or quote's indent on continuations. A word wider than the line is cut, as CJK text
 * has no spaces to break at, unless it is a link: a cut link can no longer be opened.
 */
function wrapAll(lines: string[], width: number | undefined): string[] {
  if (width === undefined) return lines;
  return lines.flatMap((line) => wrapLine(line, width));
}

function wrapLine(line: string, width: number): string[] {
  if (stringWidth(line) <= width) return [line];
  let lead = LEAD.exec(line)?.[0] ?? '';
  if (stringWidth(lead) > width / 2) lead = '';
  const indent = stringWidth(lead);
  const body = line.slice(lead.length);
  const columns = width - indent;
  const hard = !stripVTControlCharacters(body)
    .split(' ')
    .some((word) => word.includes('://') && stringWidth(word) > columns);
  const pad = ' '.repeat(indent);
  return wrapAnsi(body, columns, { hard, trim: true })
    .split('\n')
    .map((row, i) => (i === 0 ? lead : pad) + row);
}
