import type { Briefing, Library, Theme } from '../src/briefings/index.js';
import { UserError } from '../src/errors.js';
import { rankChoices } from '../src/options/choices.js';
import {
  customId,
  decodeState,
  encodeState,
  parsePage,
  refOf,
  resolveRef,
} from '../src/options/custom-id.js';
import { optionsOf, text } from '../src/options/index.js';
import {
  briefingCandidates,
  briefingOfRef,
  resolveBriefing,
  resolveTheme,
  themeCandidates,
} from '../src/options/lookup.js';
import { prepareThemes, renderTheme } from '../src/render/views/theme.js';
import type { Command, CommandContext } from './index.js';

const input = optionsOf({
  theme: text({
    description: 'The theme, e.g. security or economy',
    max: 100,
    required: true,
    autocomplete: true,
  }),
  briefing: text({
    description: 'Only this briefing (all briefings if left empty)',
    max: 100,
    autocomplete: true,
  }),
});

/** A page button carries `page|theme|briefing`; an id too long to carry rides as a reference. */
const pageId = (theme: Theme, briefing: Briefing | undefined) => (page: number) =>
  customId('theme', 'page', encodeState([String(page), refOf(theme.id), briefing ? refOf(briefing.id) : '']));

const answer = (ctx: CommandContext, theme: Theme, briefing: Briefing | undefined, page: number) =>
  renderTheme({
    library: ctx.library,
    theme,
    briefing,
    page,
    locale: ctx.locale,
    pageId: pageId(theme, briefing),
  });

const expired = (what: string) =>
  new UserError(`That ${what} is no longer in the library, so this button has expired. Run /theme again.`);

function readPage(library: Library, state: string) {
  const [pagePart, themePart = '', briefingPart = ''] = decodeState(state, 3) ?? [];
  const page = parsePage(pagePart);
  if (page === undefined) throw new UserError('This button is not valid. Run /theme again.');
  const themeId = resolveRef(
    themePart,
    library.themes.map((t) => t.id),
  );
  const theme = themeId ? library.theme(themeId) : undefined;
  if (!theme) throw expired('theme');
  if (!briefingPart) return { page, theme, briefing: undefined };
  const briefing = briefingOfRef(library, briefingPart);
  if (!briefing) throw expired('briefing');
  return { page, theme, briefing };
}

export default {
  definition: {
    name: 'theme',
    description: 'What the briefings say on one theme, newest first',
    options: input.definition,
  },
  options: input.schema,
  help: {
    order: 20,
    usage: '/theme <theme> [briefing]',
    summary: 'What the briefings say on one theme, newest first, a page at a time.',
    examples: ({ theme, briefing }) => [
      `/theme theme:${theme}`,
      `/theme theme:${theme} briefing:${briefing}`,
    ],
  },
  execute(ctx, opts) {
    const theme = resolveTheme(ctx.library, opts.theme);
    const briefing = opts.briefing ? resolveBriefing(ctx.library, opts.briefing, ctx.locale) : undefined;
    return answer(ctx, theme, briefing, 0);
  },
  prepare: prepareThemes,
  autocomplete(ctx, focused) {
    if (focused.name === 'theme') return rankChoices(themeCandidates(ctx.library), focused.value);
    if (focused.name === 'briefing') {
      return rankChoices(briefingCandidates(ctx.library, ctx.locale), focused.value);
    }
    return [];
  },
  buttons: {
    page(ctx, state) {
      const { page, theme, briefing } = readPage(ctx.library, state);
      return answer(ctx, theme, briefing, page);
    },
  },
} satisfies Command<typeof input.schema>;
