/**
 * Text from users and from data files is shown as written: markdown is escaped so it cannot
 * restyle a reply, and mention syntax is broken with a zero-width space so nobody is pinged even
 * if a transport forgot `allowed_mentions`.
 */
import { escapeMarkdown as escapeDiscordMarkdown } from 'discord.js';

const ZWSP = '\u200b';

/**
 * `@everyone`, `@here`, `<@123>`, `<@!123>`, `<@&123>`, `<#123>` and slash-command mentions
 * `</name:123>` all lose their meaning once a zero-width space follows the sigil.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/)(?!\u200b)/g, `<$1${ZWSP}`);
}

/** Escapes every markdown construct Discord renders, then neutralises mentions. */
export function escapeText(text: string): string {
  const escaped = escapeDiscordMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  })
    // discord.js leaves these: block quotes, subtext and stray link brackets.
    .replace(/^(\s*)(>>>|>)(?=\s|$)/gm, '$1\\$2')
    .replace(/^(\s*)-#(?=\s)/gm, '$1\\-#')
    .replace(/(?<!\\)([[\]])/g, '\\$1')
    .replace(/(?<!\\)<(?=https?:)/g, '\\<');
  return neutralizeMentions(escaped);
}

/** One line of escaped text, for titles, names and labels. */
export const escapeInline = (text: string): string => escapeText(text.replace(/\s+/g, ' ').trim());

/**
 * A Library snippet already has `**` around matches and other markdown escaped; it may still carry
 * mention syntax from the data.
 */
export const safeSnippet = (snippet: string): string =>
  neutralizeMentions(snippet.replace(/\s+/g, ' ').trim());

/** A masked link whose label and URL cannot break out of the link syntax. */
export function maskedLink(label: string, url: string): string {
  const safeUrl = url.replace(
    /[()<>\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
  return `[${escapeInline(label)}](${safeUrl})`;
}
