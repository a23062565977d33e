import type { Library, LookaheadWindow, Theme } from '../src/briefings/index.js';
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
import { choice, optionsOf, text } from '../src/options/index.js';
import { resolveTheme, themeCandidates } from '../src/options/lookup.js';
import { prepareLookahead, renderLookahead } from '../src/render/views/lookahead.js';
import type { Command, CommandContext } from './index.js';

const WINDOWS = ['week', 'month', 'quarter', 'year', 'all'] as const satisfies readonly LookaheadWindow[];

const input = optionsOf({
  theme: text({ description: 'Only items on this theme', max: 100, autocomplete: true }),
  within: choice(WINDOWS, {
    description: 'How far ahead to look (all by default, undated items included)',
    default: 'all',
  }),
});

/** A page button carries `page|window|theme`, the window as its first letter to keep the id short. */
const pageId = (within: LookaheadWindow, theme: Theme | undefined) => (page: number) =>
  customId(
    'lookahead',
    'page',
    encodeState([String(page), within[0] as string, theme ? refOf(theme.id) : '']),
  );

const answer = (ctx: CommandContext, within: LookaheadWindow, theme: Theme | undefined, page: number) =>
  renderLookahead({
    library: ctx.library,
    theme,
    within,
    page,
    now: ctx.now(),
    locale: ctx.locale,
    pageId: pageId(within, theme),
  });

function readPage(library: Library, state: string) {
  const [pagePart, windowPart = '', themePart = ''] = decodeState(state, 3) ?? [];
  const page = parsePage(pagePart);
  const within = WINDOWS.find((w) => w[0] === windowPart);
  if (page === undefined || !within) throw new UserError('This button is not valid. Run /lookahead again.');
  if (!themePart) return { page, within, theme: undefined };
  const id = resolveRef(
    themePart,
    library.themes.map((t) => t.id),
  );
  const theme = id ? library.theme(id) : undefined;
  if (!theme) throw new UserError('That theme is no longer in the library. Run /lookahead again.');
  return { page, within, theme };
}

export default {
  definition: {
    name: 'lookahead',
    description: 'What is expected next: dated items soonest first',
    options: input.definition,
  },
  options: input.schema,
  help: {
    order: 40,
    usage: '/lookahead [theme] [within]',
    summary:
      'What is expected next, dated items soonest first. `within` is week, month, quarter, year or all (default); an item dated only by month, quarter or year counts when it is due by the end of the window, or starts in it and is no longer than it (`2026` is within a week only in its last week).',
    examples: ({ theme }) => ['/lookahead', `/lookahead theme:${theme} within:quarter`],
  },
  execute(ctx, opts) {
    return answer(ctx, opts.within, opts.theme ? resolveTheme(ctx.library, opts.theme) : undefined, 0);
  },
  prepare: prepareLookahead,
  autocomplete(ctx, focused) {
    return focused.name === 'theme' ? rankChoices(themeCandidates(ctx.library), focused.value) : [];
  },
  buttons: {
    page(ctx, state) {
      const { page, within, theme } = readPage(ctx.library, state);
      return answer(ctx, within, theme, page);
    },
  },
} satisfies Command<typeof input.schema>;
