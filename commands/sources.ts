import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { customId, decodeState, encodeState, parsePage } from '../src/options/custom-id.js';
import { renderSources } from '../src/render/views/sources.js';
import type { Command } from './index.js';

const options = z.strictObject({});

/** A page button carries its page number. */
const pageId = (page: number): string => customId('sources', 'page', encodeState([String(page)]));

export default {
  definition: { name: 'sources', description: 'The briefings loaded: title, source, date and themes' },
  options,
  help: {
    order: 60,
    usage: '/sources',
    summary: 'Every briefing loaded, with its source, date and themes.',
    examples: () => ['/sources'],
  },
  execute(ctx) {
    return renderSources(ctx.library, 0, ctx.now(), ctx.locale, pageId);
  },
  buttons: {
    page(ctx, state) {
      const page = parsePage(decodeState(state, 1)?.[0]);
      if (page === undefined) throw new UserError('This button is not valid. Run /sources again.');
      return renderSources(ctx.library, page, ctx.now(), ctx.locale, pageId);
    },
  },
} satisfies Command<typeof options>;
