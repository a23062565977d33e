/**
 * Text from users and from data files is shown as written: markdown is escaped so it cannot
 * restyle a reply, and mention syntax is broken with a zero-width space so nobody is pinged even
 * if a transport forgot `allowed_mentions`.
 */
const ZWSP = '\u200b';

/**
 * The mentions that can notify someone — `@everyone`, `@here`, `<@123>`, `<@!123>`, `<@&123>` —
 * lose their meaning once a zero-width space follows the sigil. Every reply passes this (fitReply),
 * so the bot's own channel links (`<#123>`), which notify nobody, keep working.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?)(?![!&\u200b])/g, `<$1${ZWSP}`);
}

/** Text the bot did not write also loses channel links and slash-command mentions (`</name:1>`). */
const neutralizeAllMentions = (text: string): string =>
  neutralizeMentions(text).replace(/<(#|\/)(?!\u200b)/g, `<$1${ZWSP}`);

const URL_RE = /<?https?:\/\/[^\s<>]+>?/g;

/**
 * Backslash-escapes markdown outside URLs (a backslash inside a URL would break the link).
 * Written out rather than discord.js's `escapeMarkdown`, whose look-behinds made a 4,000-character
 * text take ~30 ms: this is one linear pass per rule.
 */
function escapeMarkdown(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapeSpan(text.slice(last, m.index)) + m[0].replace(/^<|>$/g, (c) => `\\${c}`);
    last = m.index + m[0].length;
  }
  return out + escapeSpan(text.slice(last));
}

const escapeSpan = (span: string): string =>
  span
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    .replace(/^(\s*)(>>>|>|#{1,3}|-#|-|\+)(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');

/** Escapes every markdown construct Discord renders, then neutralises mentions. */
export const escapeText = (text: string): string => neutralizeAllMentions(escapeMarkdown(text));

/** One line of escaped text, for titles, names and labels. */
export const escapeInline = (text: string): string => escapeText(text.replace(/\s+/g, ' ').trim());

/**
 * A Library snippet already has `**` around matches and other markdown escaped; it may still carry
 * mention syntax from the data.
 */
export const safeSnippet = (snippet: string): string =>
  neutralizeAllMentions(snippet.replace(/\s+/g, ' ').trim());

/** A masked link whose label and URL cannot break out of the link syntax. */
export function maskedLink(label: string, url: string): string {
  const safeUrl = url.replace(
    /[()<>\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
  return `[${escapeInline(label)}](${safeUrl})`;
}
