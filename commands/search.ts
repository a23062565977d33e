import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { customId, decodeState, encodeState, parsePage } from '../src/options/custom-id.js';
import { textOption } from '../src/options/lookup.js';
import { DISCORD_LIMITS } from '../src/render/limits.js';
import { renderSearch, type SearchPaging } from '../src/render/views/search.js';
import type { Command } from './index.js';

export const MAX_QUERY = 200;

/** A page button carries `page|query`: the query rides whole, so it must fit the custom id. */
export const pageId = (query: string) => (page: number) =>
  customId('search', 'page', encodeState([String(page), query]));

/** The longest query a page button can carry with a page number of up to six digits. */
export const MAX_CARRIED_QUERY = DISCORD_LIMITS.customId - 'search:page:'.length - '999999|'.length;

const paging = (query: string): SearchPaging =>
  query.length <= MAX_CARRIED_QUERY ? { pageId: pageId(query) } : { longestCarried: MAX_CARRIED_QUERY };

const options = z.strictObject({
  // One line: a query pasted with line breaks means the same words.
  query: textOption(MAX_QUERY).transform((q) => q.replace(/\s+/g, ' ')),
});

export default {
  definition: {
    name: 'search',
    description: 'Search the briefings: titles, summaries, key points and quotes',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'query',
        description: 'Words to look for',
        required: true,
        min_length: 1,
        max_length: MAX_QUERY,
      },
    ],
  },
  options,
  execute(ctx, { query }) {
    return renderSearch(ctx.library, query, 0, ctx.locale, paging(query));
  },
  buttons: {
    page(ctx, state) {
      const [pagePart, query = ''] = decodeState(state, 2) ?? [];
      const page = parsePage(pagePart);
      const parsed = options.shape.query.safeParse(query);
      if (page === undefined || !parsed.success)
        throw new UserError('This button is not valid. Run /search again.');
      return renderSearch(ctx.library, parsed.data, page, ctx.locale, paging(parsed.data));
    },
  },
} satisfies Command<typeof options>;
