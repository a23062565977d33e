import { UserError } from '../src/errors.js';
import { customId, decodeState, encodeState, parsePage } from '../src/options/custom-id.js';
import { optionsOf, text } from '../src/options/index.js';
import { DISCORD_LIMITS } from '../src/render/limits.js';
import { renderSearch, type SearchPaging } from '../src/render/views/search.js';
import type { Command } from './index.js';

const MAX_QUERY = 200;

const input = optionsOf({
  query: text({
    description: 'Words to look for',
    required: true,
    min: 1,
    max: MAX_QUERY,
    // One line: a query pasted with line breaks means the same words.
    normalise: (q) => q.replace(/\s+/g, ' '),
  }),
});

/** A page button carries `page|query`: the query rides whole, so it must fit the custom id. */
export const pageId = (query: string) => (page: number) =>
  customId('search', 'page', encodeState([String(page), query]));

/** The longest query a page button can carry with a page number of up to six digits. */
export const MAX_CARRIED_QUERY = DISCORD_LIMITS.customId - 'search:page:'.length - '999999|'.length;

const paging = (query: string): SearchPaging =>
  query.length <= MAX_CARRIED_QUERY ? { pageId: pageId(query) } : { longestCarried: MAX_CARRIED_QUERY };

export default {
  definition: {
    name: 'search',
    description: 'Search the briefings: titles, summaries, key points and quotes',
    options: input.definition,
  },
  options: input.schema,
  help: {
    order: 50,
    usage: '/search <query>',
    summary:
      'Search titles, summaries, key points, quotes and looking-ahead items for every word; "quoted words" are a phrase. Matches are highlighted. Up to 200 characters.',
    examples: ({ word }) => [`/search query:${word}`],
  },
  execute(ctx, { query }) {
    return renderSearch(ctx.library, query, 0, ctx.locale, paging(query));
  },
  buttons: {
    page(ctx, state) {
      const [pagePart, query = ''] = decodeState(state, 2) ?? [];
      const page = parsePage(pagePart);
      const parsed = input.schema.shape.query.safeParse(query);
      if (page === undefined || !parsed.success)
        throw new UserError('This button is not valid. Run /search again.');
      return renderSearch(ctx.library, parsed.data, page, ctx.locale, paging(parsed.data));
    },
  },
} satisfies Command<typeof input.schema>;
