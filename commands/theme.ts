import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import type { Briefing } from '../src/briefings/index.js';
import { UserError } from '../src/errors.js';
import { rankChoices } from '../src/render/choices.js';
import { decodeState, parsePage, resolveRef } from '../src/render/custom-id.js';
import {
  briefingCandidates,
  resolveBriefing,
  resolveTheme,
  textOption,
  themeCandidates,
} from '../src/render/lookup.js';
import { renderTheme } from '../src/render/views/theme.js';
import type { Command } from './index.js';

const options = z.strictObject({
  theme: textOption(100),
  briefing: textOption(100).optional(),
});

const expired = (what: string) =>
  new UserError(`That ${what} is no longer in the library, so this button has expired. Run /theme again.`);

export default {
  definition: {
    name: 'theme',
    description: 'What the briefings say on one theme, newest first',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'theme',
        description: 'The theme, e.g. security or economy',
        required: true,
        autocomplete: true,
        max_length: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'briefing',
        description: 'Only this briefing (all briefings if left empty)',
        autocomplete: true,
        max_length: 100,
      },
    ],
  },
  options,
  execute(ctx, opts) {
    const theme = resolveTheme(ctx.library, opts.theme);
    const briefing = opts.briefing ? resolveBriefing(ctx.library, opts.briefing, ctx.locale) : undefined;
    return renderTheme({ library: ctx.library, theme, briefing, page: 0, locale: ctx.locale });
  },
  autocomplete(ctx, focused) {
    if (focused.name === 'theme') return rankChoices(themeCandidates(ctx.library), focused.value);
    if (focused.name === 'briefing') {
      return rankChoices(briefingCandidates(ctx.library, ctx.locale), focused.value);
    }
    return [];
  },
  buttons: {
    page(ctx, state) {
      const [pagePart, themePart = '', briefingPart = ''] = decodeState(state, 3) ?? [];
      const page = parsePage(pagePart);
      if (page === undefined) throw new UserError('This button is not valid. Run /theme again.');
      const themeId = resolveRef(
        themePart,
        ctx.library.themes.map((t) => t.id),
      );
      const theme = themeId ? ctx.library.theme(themeId) : undefined;
      if (!theme) throw expired('theme');
      let briefing: Briefing | undefined;
      if (briefingPart) {
        const id = resolveRef(
          briefingPart,
          ctx.library.latest().map((b) => b.id),
        );
        briefing = id ? ctx.library.briefing(id) : undefined;
        if (!briefing) throw expired('briefing');
      }
      return renderTheme({ library: ctx.library, theme, briefing, page, locale: ctx.locale });
    },
  },
} satisfies Command<typeof options>;
