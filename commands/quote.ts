import type { Library, QuoteEntry } from '../src/briefings/index.js';
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
  briefingOfRef,
  prepareChoices,
  resolveSpeaker,
  resolveTheme,
  speakerChoices,
  speakerOfRef,
  themeCandidates,
} from '../src/options/lookup.js';
import { attributed, pickQuote, type QuoteFilter, renderQuote } from '../src/render/views/quote.js';
import type { Command, CommandContext } from './index.js';

const input = optionsOf({
  theme: text({ description: 'Only quotes on this theme', max: 100, autocomplete: true }),
  speaker: text({ description: 'Only quotes from this speaker', max: 120, autocomplete: true }),
});

/** "Another" carries `theme|speaker|briefing|index`: the filters to keep, and the quote to skip. */
const anotherId = (filter: QuoteFilter, shown: QuoteEntry): string =>
  customId(
    'quote',
    'another',
    encodeState([
      filter.theme ? refOf(filter.theme, 24) : '',
      filter.speaker ? refOf(filter.speaker, 20) : '',
      refOf(shown.briefing.id, 24),
      String(shown.index),
    ]),
  );

function readAnother(library: Library, state: string) {
  const parts = decodeState(state, 4);
  if (!parts) throw new UserError('This button is not valid. Run /quote again.');
  const [themePart = '', speakerPart = '', briefingPart = '', indexPart = ''] = parts;
  const filter: QuoteFilter = {};
  if (themePart) {
    const id = resolveRef(
      themePart,
      library.themes.map((t) => t.id),
    );
    if (!id) throw new UserError('That theme is no longer in the library. Run /quote again.');
    filter.theme = id;
  }
  if (speakerPart) {
    const speaker = speakerOfRef(library, speakerPart);
    if (!speaker) throw new UserError('There are no longer quotes from that speaker. Run /quote again.');
    filter.speaker = speaker;
  }
  const briefingId = briefingPart ? briefingOfRef(library, briefingPart)?.id : undefined;
  const index = parsePage(indexPart);
  return { filter, skip: briefingId && index !== undefined ? { briefingId, index } : undefined };
}

function answer(ctx: CommandContext, filter: QuoteFilter, skip?: { briefingId: string; index: number }) {
  const entries = attributed(ctx.library, ctx.library.quotes(filter));
  const entry = pickQuote(entries, ctx.random, skip);
  return renderQuote({
    library: ctx.library,
    filter,
    entry,
    matching: entries.length,
    repeated: entry !== undefined && skip?.briefingId === entry.briefing.id && skip.index === entry.index,
    locale: ctx.locale,
    anotherId: (shown) => anotherId(filter, shown),
  });
}

export default {
  definition: {
    name: 'quote',
    description: 'An attributed quote from the briefings',
    options: input.definition,
  },
  options: input.schema,
  help: {
    order: 30,
    usage: '/quote [theme] [speaker]',
    summary: 'A quote with its speaker, role and source. Press “Another quote” for more.',
    examples: ({ theme }) => ['/quote', `/quote theme:${theme}`],
  },
  execute(ctx, opts) {
    const filter: QuoteFilter = {};
    if (opts.theme) filter.theme = resolveTheme(ctx.library, opts.theme).id;
    if (opts.speaker) filter.speaker = resolveSpeaker(ctx.library.speakers(), opts.speaker);
    return answer(ctx, filter);
  },
  prepare: prepareChoices,
  autocomplete(ctx, focused, raw) {
    if (focused.name === 'theme') return rankChoices(themeCandidates(ctx.library), focused.value);
    if (focused.name === 'speaker') return rankChoices(speakerChoices(ctx.library, raw.theme), focused.value);
    return [];
  },
  buttons: {
    another(ctx, state) {
      const { filter, skip } = readAnother(ctx.library, state);
      return answer(ctx, filter, skip);
    },
  },
} satisfies Command<typeof input.schema>;
