import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { decodeState, parsePage } from '../src/render/custom-id.js';
import { textOption } from '../src/render/lookup.js';
import { renderSearch } from '../src/render/views/search.js';
import type { Command } from './index.js';

export const MAX_QUERY = 200;

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
    return renderSearch(ctx.library, query, 0, ctx.locale);
  },
  buttons: {
    page(ctx, state) {
      const [pagePart, query = ''] = decodeState(state, 2) ?? [];
      const page = parsePage(pagePart);
      const parsed = options.shape.query.safeParse(query);
      if (page === undefined || !parsed.success)
        throw new UserError('This button is not valid. Run /search again.');
      return renderSearch(ctx.library, parsed.data, page, ctx.locale);
    },
  },
} satisfies Command<typeof options>;
