/**
 * Discord's message limits, in one place. Every reply passes `fitReply` before a transport sends
 * it: text is cut at a word boundary with an ellipsis, long text is split across fields and
 * embeds, and whatever still exceeds the 6,000-character total is dropped from the end with a
 * visible note. Mentions are neutralised here too, as a last line of defence.
 *
 * Lengths are JavaScript string lengths (UTF-16 code units): never fewer than the code points
 * Discord counts, so a reply that fits here fits there.
 */
import type { APIButtonComponent, APIEmbed, APIEmbedField } from 'discord.js';
import { neutralizeMentions } from './escape.js';
import type { ButtonRow, Reply, ReplyFile } from './index.js';

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  buttonUrl: 512,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Attachments of one message. */
  files: 10,
  /**
   * Bytes of one file we attach. Discord takes 25 MiB on a server without boosts; what the bot
   * attaches (an export of at most a few hundred schedules) is a few KB, so this cap only stops a
   * runaway.
   */
  fileBytes: 8 * 1024 * 1024,
  fileName: 100,
} as const;

export const ELLIPSIS = '…';
/** A field name or value Discord accepts but shows as nothing. */
export const BLANK = '\u200b';
export const SHORTENED_NOTE = 'Shortened to fit Discord’s limits.';

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** Cuts before `end` without splitting a surrogate pair. */
const safeSlice = (text: string, end: number): string =>
  end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) ? text.slice(0, end - 1) : text.slice(0, end);

/** Bold markers `**` that are not escaped; an odd count means one is left open. */
const openBold = (text: string): boolean => ((text.match(/(?<!\\)\*\*/g) ?? []).length & 1) === 1;

/**
 * Cuts `text` to at most `max` characters at a word boundary, with an ellipsis. Keeps markdown
 * sane: an open `**` is closed and a trailing backslash is not left to escape the ellipsis.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return safeSlice(ELLIPSIS, max);
  let cut = cutAtWord(text, max - 1);
  // Closing an open `**` costs two characters: cut again with room for them.
  if (openBold(cut)) cut = `${cutAtWord(text, max - 3).replace(/\*+$/, '')}**`;
  if (openBold(cut)) cut = cut.slice(0, -2);
  return `${cut}${ELLIPSIS}`;
}

function cutAtWord(text: string, room: number): string {
  let cut = safeSlice(text, room);
  const space = cut.search(/\s\S*$/);
  if (space >= Math.floor(cut.length * 0.6)) cut = cut.slice(0, space);
  cut = cut.replace(/[\s,;:–—-]+$/u, '');
  while (/(?<!\\)(?:\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** The last index ≤ max in `text` where a split reads naturally: paragraph, line, word, anything. */
function splitPoint(text: string, max: number): number {
  const window = safeSlice(text, max);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep);
    if (at >= Math.floor(max * 0.5)) return at;
  }
  return window.length;
}

/** Splits text into chunks of at most `max` characters, preferring paragraph, line and word ends. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const at = splitPoint(rest, max);
    const head = rest.slice(0, at).trimEnd();
    if (head) chunks.push(head);
    rest = rest.slice(at).replace(/^\s+/, '');
  }
  if (rest.trim()) chunks.push(rest);
  return chunks;
}

/** The characters Discord counts towards the 6,000 total of a message's embeds. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

export const totalEmbedLength = (embeds: readonly APIEmbed[]): number =>
  embeds.reduce((sum, e) => sum + embedLength(e), 0);

const isEmptyEmbed = (e: APIEmbed): boolean =>
  !e.title && !e.description && !e.fields?.length && !e.image && !e.thumbnail && !e.author?.name;

const mapText = (embed: APIEmbed, f: (s: string) => string): APIEmbed => ({
  ...embed,
  ...(embed.title !== undefined && { title: f(embed.title) }),
  ...(embed.description !== undefined && { description: f(embed.description) }),
  ...(embed.author && { author: { ...embed.author, name: f(embed.author.name) } }),
  ...(embed.footer && { footer: { ...embed.footer, text: f(embed.footer.text) } }),
  ...(embed.fields && { fields: embed.fields.map((x) => ({ ...x, name: f(x.name), value: f(x.value) })) }),
});

/** Splits one field whose value is too long into consecutive fields. */
function fitField(field: APIEmbedField): APIEmbedField[] {
  const name = truncate(field.name.trim() || BLANK, DISCORD_LIMITS.fieldName);
  const chunks = splitText(field.value, DISCORD_LIMITS.fieldValue);
  if (chunks.length === 0) chunks.push(BLANK);
  return chunks.map((value, i) => ({
    name: i === 0 ? name : BLANK,
    value,
    ...(field.inline !== undefined && { inline: field.inline }),
  }));
}

/**
 * Makes one embed valid on its own: single-line parts are cut, a long description continues in
 * further embeds, long field values continue in further fields, and more than 25 fields continue in
 * further embeds of the same colour.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed[] {
  const base: APIEmbed = { ...embed };
  if (base.title !== undefined) base.title = truncate(base.title, DISCORD_LIMITS.title);
  if (base.author) base.author = { ...base.author, name: truncate(base.author.name, DISCORD_LIMITS.author) };
  if (base.footer) base.footer = { ...base.footer, text: truncate(base.footer.text, DISCORD_LIMITS.footer) };
  const descriptions = base.description ? splitText(base.description, DISCORD_LIMITS.description) : [];
  const fields = (base.fields ?? []).flatMap(fitField);
  const continuation = (): APIEmbed => ({ ...(base.color !== undefined && { color: base.color }) });

  const out: APIEmbed[] = [];
  const first: APIEmbed = { ...base, fields: [] };
  delete first.description;
  if (descriptions[0]) first.description = descriptions[0];
  out.push(first);
  for (const d of descriptions.slice(1)) out.push({ ...continuation(), description: d });
  for (const f of fields) {
    let last = out[out.length - 1] ?? first;
    if ((last.fields ?? []).length >= DISCORD_LIMITS.fields) {
      last = continuation();
      out.push(last);
    }
    last.fields = [...(last.fields ?? []), f];
  }
  // Footer and timestamp belong under the last part, where the reader ends.
  if (out.length > 1) {
    const tail = out[out.length - 1] as APIEmbed;
    if (first.footer) tail.footer = first.footer;
    if (first.timestamp) tail.timestamp = first.timestamp;
    delete first.footer;
    delete first.timestamp;
  }
  return out
    .map((e) => {
      const copy = { ...e };
      if (!copy.fields?.length) delete copy.fields;
      return copy;
    })
    .filter((e) => !isEmptyEmbed(e) || e.footer);
}

/** Removes content from the end until the embeds fit `budget` characters in total. */
function shrinkToBudget(embeds: APIEmbed[], budget: number): APIEmbed[] {
  const out = embeds.map((e) => ({ ...e, ...(e.fields && { fields: [...e.fields] }) }));
  let excess = totalEmbedLength(out) - budget;
  while (excess > 0 && out.length > 0) {
    const last = out[out.length - 1] as APIEmbed;
    const fields = last.fields ?? [];
    const lastField = fields[fields.length - 1];
    if (lastField) {
      const size = lastField.name.length + lastField.value.length;
      if (size - excess >= 200 + lastField.name.length) {
        fields[fields.length - 1] = {
          ...lastField,
          value: truncate(lastField.value, lastField.value.length - excess),
        };
      } else {
        fields.pop();
      }
    } else if (last.description && last.description.length - excess >= 200) {
      last.description = truncate(last.description, last.description.length - excess);
    } else if (out.length > 1 || !last.description) {
      out.pop();
    } else {
      last.description = truncate(last.description, Math.max(1, last.description.length - excess));
    }
    if (last.fields && last.fields.length === 0) delete last.fields;
    excess = totalEmbedLength(out) - budget;
  }
  return out.filter((e) => !isEmptyEmbed(e) || e.footer);
}

const withNote = (embed: APIEmbed): APIEmbed => {
  const text = embed.footer?.text ? `${embed.footer.text} · ${SHORTENED_NOTE}` : SHORTENED_NOTE;
  return { ...embed, footer: { ...embed.footer, text: truncate(text, DISCORD_LIMITS.footer) } };
};

/** Fits embeds to ≤ 10 and ≤ 6,000 characters, noting on the last one when anything was dropped. */
export function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  const split = embeds.flatMap(fitEmbed);
  const fits = split.length <= DISCORD_LIMITS.embeds && totalEmbedLength(split) <= DISCORD_LIMITS.embedTotal;
  if (fits) return split;
  const kept = split.slice(0, DISCORD_LIMITS.embeds);
  const lastFooter = kept[kept.length - 1]?.footer?.text.length ?? 0;
  // The note may replace a footer of up to `lastFooter` characters, so budget for both.
  const reserve = SHORTENED_NOTE.length + 3 + lastFooter;
  const shrunk = shrinkToBudget(kept, DISCORD_LIMITS.embedTotal - reserve);
  const last = shrunk[shrunk.length - 1];
  if (!last) return [{ description: SHORTENED_NOTE }];
  shrunk[shrunk.length - 1] = withNote(last);
  return shrinkToBudget(shrunk, DISCORD_LIMITS.embedTotal);
}

/** Button rows: ≤ 5 buttons a row (extras wrap), ≤ 5 rows, labels cut; a bad custom id is a bug. */
export function fitComponents(rows: readonly ButtonRow[]): ButtonRow[] {
  const buttons: APIButtonComponent[][] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const fitted = row.components.map((b) => {
      if ('custom_id' in b) {
        if (b.custom_id.length === 0 || b.custom_id.length > DISCORD_LIMITS.customId) {
          throw new Error(`custom id of ${b.custom_id.length} characters: ${b.custom_id.slice(0, 120)}`);
        }
        if (seen.has(b.custom_id)) throw new Error(`duplicate custom id in one message: ${b.custom_id}`);
        seen.add(b.custom_id);
      }
      if ('url' in b && b.url.length > DISCORD_LIMITS.buttonUrl) return undefined;
      return 'label' in b && b.label !== undefined
        ? { ...b, label: truncate(neutralizeMentions(b.label), DISCORD_LIMITS.buttonLabel) }
        : b;
    });
    const kept = fitted.filter((b): b is APIButtonComponent => b !== undefined);
    for (let i = 0; i < kept.length; i += DISCORD_LIMITS.buttonsPerRow) {
      buttons.push(kept.slice(i, i + DISCORD_LIMITS.buttonsPerRow));
    }
  }
  if (buttons.length > DISCORD_LIMITS.rows) throw new Error(`${buttons.length} button rows; at most 5`);
  return buttons.map((components) => ({ type: 1, components }) as ButtonRow);
}

export const FILE_DROPPED_NOTE = 'A file was too large to attach and was left out.';

/**
 * Files: at most 10, each within `fileBytes`, names Discord keeps as they are (letters, digits,
 * `.`, `-`, `_`). A file past the limits is left out, and `dropped` says so.
 */
export function fitFiles(files: readonly ReplyFile[]): { files: ReplyFile[]; dropped: boolean } {
  const kept = files
    .filter((f) => Buffer.byteLength(f.content, 'utf8') <= DISCORD_LIMITS.fileBytes)
    .slice(0, DISCORD_LIMITS.files)
    .map((f) => ({
      name: f.name.replace(/[^\w.-]/g, '_').slice(-DISCORD_LIMITS.fileName) || 'file.txt',
      content: f.content,
    }));
  return { files: kept, dropped: kept.length < files.length };
}

/** The one gate every reply passes before any transport sends it. */
export function fitReply(reply: Reply): Reply {
  const out: Reply = {};
  if (reply.content?.trim())
    out.content = truncate(neutralizeMentions(reply.content), DISCORD_LIMITS.content);
  const embeds = fitEmbeds((reply.embeds ?? []).map((e) => mapText(e, neutralizeMentions)));
  if (embeds.length) out.embeds = embeds;
  const components = fitComponents(reply.components ?? []).filter((r) => r.components.length > 0);
  if (components.length) out.components = components;
  if (reply.files?.length) {
    const { files, dropped } = fitFiles(reply.files);
    if (files.length) out.files = files;
    if (dropped)
      out.content = truncate(`${out.content ?? ''}\n${FILE_DROPPED_NOTE}`.trim(), DISCORD_LIMITS.content);
  }
  if (reply.ephemeral) out.ephemeral = true;
  if (!out.content && !out.embeds && !out.files) out.content = 'Nothing to show.';
  return out;
}
