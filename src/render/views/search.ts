/**
 * Ranked search hits with highlighted snippets, a page at a time. A query too long to ride in the
 * page buttons gets one page and a note saying how short it must be to page.
 */
import type { APIEmbedField } from 'discord.js';
import type { Library, SearchHit } from '../../briefings/index.js';
import { escapeInline, safeSnippet } from '../escape.js';
import type { Reply } from '../index.js';
import { DISCORD_LIMITS, truncate } from '../limits.js';
import { clampPage, type PageId, pageButtons, pageLabel } from '../pagination.js';
import { BRAND_COLOUR, notice } from '../style.js';
import { publishedMarkdown } from '../timestamps.js';

export const SEARCH_PAGE_SIZE = 6;
const SNIPPET_MAX = 600;

/** Page buttons with these ids, or none when the query is longer than a button can carry. */
export type SearchPaging = { pageId: PageId } | { longestCarried: number };

const KIND: Record<SearchHit['kind'], string> = {
  title: 'Title',
  summary: 'Summary',
  section: 'Section',
  point: 'Key point',
  quote: 'Quote',
  lookahead: 'Looking ahead',
};

function hitField(hit: SearchHit, rank: number, locale: string): APIEmbedField {
  const label = hit.label ? ` — ${hit.label}` : '';
  const kind = hit.kind === 'quote' && hit.label ? `Quote by ${hit.label}` : `${KIND[hit.kind]}${label}`;
  return {
    name: truncate(`${rank}. ${escapeInline(hit.briefing.title)}`, 200),
    value: [
      `*${escapeInline(truncate(kind, 200))}*`,
      truncate(safeSnippet(hit.snippet), SNIPPET_MAX),
      `${publishedMarkdown(hit.briefing.published, locale)} · \`/brief briefing:${hit.briefing.id}\``,
    ].join('\n'),
  };
}

/** Says which words the search left out, so a broad answer is not a mystery. */
const ignoredNote = (ignored: readonly string[] | undefined): string =>
  ignored && ignored.length > 0
    ? `\nLeft out as too common to narrow the search: ${truncate(ignored.map((w) => `“${escapeInline(w)}”`).join(', '), 300)}.`
    : '';

export function renderSearch(
  library: Library,
  query: string,
  page: number,
  locale: string,
  paging: SearchPaging,
): Reply {
  const shown = `“${escapeInline(truncate(query, 100))}”`;
  const first = library.search(query, { limit: SEARCH_PAGE_SIZE, offset: page * SEARCH_PAGE_SIZE });
  if (first.total === 0) {
    return notice(
      'No results',
      `Nothing in the briefings matches ${shown}. Try fewer or broader words, or \`/sources\` to see what is loaded.${ignoredNote(first.ignored)}`,
    );
  }
  const pageCount = Math.ceil(first.total / SEARCH_PAGE_SIZE);
  const at = clampPage(page, pageCount);
  const result =
    at === page ? first : library.search(query, { limit: SEARCH_PAGE_SIZE, offset: at * SEARCH_PAGE_SIZE });
  const footer =
    'pageId' in paging || pageCount === 1
      ? pageLabel(at, pageCount)
      : `${pageLabel(at, pageCount)} · Shorten the query to ${paging.longestCarried} characters or fewer to page through every result.`;
  return {
    embeds: [
      {
        title: truncate(`Search: ${shown}`, DISCORD_LIMITS.title),
        description: `${first.total} result${first.total === 1 ? '' : 's'}, best first.${ignoredNote(first.ignored)}`,
        color: BRAND_COLOUR,
        fields: result.hits.map((h, i) => hitField(h, at * SEARCH_PAGE_SIZE + i + 1, locale)),
        footer: { text: footer },
      },
    ],
    components: 'pageId' in paging ? pageButtons(at, pageCount, paging.pageId) : [],
  };
}
