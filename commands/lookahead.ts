import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { rankChoices } from '../src/render/choices.js';
import { decodeState, parsePage, resolveRef } from '../src/render/custom-id.js';
import { resolveTheme, textOption, themeCandidates } from '../src/render/lookup.js';
import { renderLookahead, WINDOWS, windowFromCode } from '../src/render/views/lookahead.js';
import type { Command } from './index.js';

const options = z.strictObject({
  theme: textOption(100).optional(),
  within: z.enum(WINDOWS, { error: `must be one of ${WINDOWS.join(', ')}` }).default('all'),
});

export default {
  definition: {
    name: 'lookahead',
    description: 'What is expected next: dated items soonest first',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'theme',
        description: 'Only items on this theme',
        autocomplete: true,
        max_length: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'within',
        description: 'How far ahead to look (all by default, undated items included)',
        choices: WINDOWS.map((w) => ({ name: w, value: w })),
      },
    ],
  },
  options,
  execute(ctx, opts) {
    const theme = opts.theme ? resolveTheme(ctx.library, opts.theme) : undefined;
    return renderLookahead({
      library: ctx.library,
      theme,
      within: opts.within,
      page: 0,
      now: ctx.now(),
      locale: ctx.locale,
    });
  },
  autocomplete(ctx, focused) {
    return focused.name === 'theme' ? rankChoices(themeCandidates(ctx.library), focused.value) : [];
  },
  buttons: {
    page(ctx, state) {
      const [pagePart, windowPart = '', themePart = ''] = decodeState(state, 3) ?? [];
      const page = parsePage(pagePart);
      const within = windowFromCode(windowPart);
      if (page === undefined || !within)
        throw new UserError('This button is not valid. Run /lookahead again.');
      let theme: ReturnType<typeof ctx.library.theme>;
      if (themePart) {
        const id = resolveRef(
          themePart,
          ctx.library.themes.map((t) => t.id),
        );
        theme = id ? ctx.library.theme(id) : undefined;
        if (!theme) throw new UserError('That theme is no longer in the library. Run /lookahead again.');
      }
      return renderLookahead({
        library: ctx.library,
        theme,
        within,
        page,
        now: ctx.now(),
        locale: ctx.locale,
      });
    },
  },
} satisfies Command<typeof options>;
