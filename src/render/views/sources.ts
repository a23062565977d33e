/** The briefings loaded, newest first: title, source, date and themes, packed into pages. */
import type { APIEmbedField } from 'discord.js';
import type { Briefing, Library } from '../../briefings/index.js';
import { escapeInline, maskedLink } from '../escape.js';
import type { Reply } from '../index.js';
import { DISCORD_LIMITS, truncate } from '../limits.js';
import { clampPage, type PageId, pack, pageButtons, pageLabel } from '../pagination.js';
import { BRAND_COLOUR, briefingThemeIds, notice, themeLabels } from '../style.js';
import { discordTimestamp, publishedMarkdown } from '../timestamps.js';

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const estimateBriefing = (b: Briefing): number =>
  b.title.length + b.source.name.length + (b.source.url?.length ?? 0) + briefingThemeIds(b).length * 30 + 80;

function briefingField(library: Library, b: Briefing, locale: string): APIEmbedField {
  const source = b.source.url ? maskedLink(b.source.name, b.source.url) : escapeInline(b.source.name);
  return {
    name: truncate(escapeInline(b.title), DISCORD_LIMITS.fieldName),
    value: [
      `${source} · ${publishedMarkdown(b.published, locale)}`,
      themeLabels(library, briefingThemeIds(b)).join(' · '),
      `\`/brief briefing:${b.id}\``,
    ].join('\n'),
  };
}

// Packing depends only on the snapshot, so a page button does not repack the whole archive.
// Packed on raw lengths so only the page shown is rendered.
const sourcePages = (library: Library): Briefing[][] =>
  pack(library.latest(), estimateBriefing, { budget: 4500, maxPerPage: 10 });

export function renderSources(
  library: Library,
  page: number,
  now: Date,
  locale: string,
  pageId: PageId,
): Reply {
  const briefings = library.latest();
  if (briefings.length === 0) {
    return notice(
      'No briefings loaded',
      'No briefings are loaded yet. Curators add them under `data/briefings/`; `npm run data:check` says what is wrong with any that fail to load.',
    );
  }
  const pages = library.derived(sourcePages);
  const at = clampPage(page, pages.length);
  const sourceCount = library.sources().length;
  const { stats } = library;
  const loaded =
    library.loadedAt.getTime() <= now.getTime() ? ` Loaded ${discordTimestamp(library.loadedAt, 'R')}.` : '';
  return {
    embeds: [
      {
        title: 'Sources',
        description: `${count(stats.briefings, 'briefing')} from ${count(sourceCount, 'source')}, newest first: ${count(stats.sections, 'section')}, ${count(stats.quotes, 'quote')}, ${count(stats.lookahead, 'looking-ahead item')}.${loaded}`,
        color: BRAND_COLOUR,
        fields: (pages[at] ?? []).map((b) => briefingField(library, b, locale)),
        footer: { text: pageLabel(at, pages.length) },
      },
    ],
    components: pageButtons(at, pages.length, pageId),
  };
}
