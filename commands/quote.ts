import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { rankChoices } from '../src/render/choices.js';
import { decodeState, parsePage, resolveRef } from '../src/render/custom-id.js';
import { escapeInline } from '../src/render/escape.js';
import {
  resolveSpeaker,
  resolveTheme,
  speakerCandidates,
  textOption,
  themeCandidates,
} from '../src/render/lookup.js';
import { colourOf, notice } from '../src/render/style.js';
import { attributedCount, pickQuote, type QuoteFilter, renderQuote } from '../src/render/views/quote.js';
import type { Command, CommandContext, RawOptions } from './index.js';

const options = z.strictObject({
  theme: textOption(100).optional(),
  speaker: textOption(120).optional(),
});

function answer(ctx: CommandContext, filter: QuoteFilter, skip?: { briefingId: string; index: number }) {
  const entries = ctx.library.quotes(filter);
  const entry = pickQuote(entries, ctx.random, skip);
  const theme = filter.theme ? ctx.library.theme(filter.theme) : undefined;
  const on = theme ? ` on ${escapeInline(theme.label)}` : '';
  const by = filter.speaker ? ` from ${escapeInline(filter.speaker)}` : '';
  if (entry) {
    const repeated = skip?.briefingId === entry.briefing.id && skip.index === entry.index;
    const only =
      attributedCount(entries) === 1
        ? `${repeated ? 'Still the' : 'The'} only quote${on}${by} in the briefings.`
        : undefined;
    return renderQuote(ctx.library, entry, filter, ctx.locale, only);
  }
  const hint =
    filter.theme && filter.speaker
      ? 'Try `/quote` with only the speaker or only the theme.'
      : filter.theme
        ? 'Try `/quote` without a theme, or `/theme` for what the briefings say on it.'
        : 'Curators add quotes to briefings under `data/briefings/`.';
  return notice('No quotes', `There are no quotes${on}${by} yet. ${hint}`, colourOf(theme));
}

/** Speakers to offer: those quoted on the chosen theme, if one is chosen and known. */
function speakersFor(ctx: CommandContext, raw: RawOptions): string[] {
  const typedTheme = typeof raw.theme === 'string' ? raw.theme.trim() : '';
  const theme = typedTheme ? ctx.library.theme(typedTheme) : undefined;
  if (!theme) return ctx.library.speakers();
  const quoted = new Set(ctx.library.quotes({ theme: theme.id }).map((e) => e.quote.speaker));
  return ctx.library.speakers().filter((s) => quoted.has(s));
}

export default {
  definition: {
    name: 'quote',
    description: 'An attributed quote from the briefings',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'theme',
        description: 'Only quotes on this theme',
        autocomplete: true,
        max_length: 100,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'speaker',
        description: 'Only quotes from this speaker',
        autocomplete: true,
        max_length: 120,
      },
    ],
  },
  options,
  execute(ctx, opts) {
    const filter: QuoteFilter = {};
    if (opts.theme) filter.theme = resolveTheme(ctx.library, opts.theme).id;
    if (opts.speaker) filter.speaker = resolveSpeaker(ctx.library.speakers(), opts.speaker);
    return answer(ctx, filter);
  },
  autocomplete(ctx, focused, raw) {
    if (focused.name === 'theme') return rankChoices(themeCandidates(ctx.library), focused.value);
    if (focused.name === 'speaker')
      return rankChoices(speakerCandidates(speakersFor(ctx, raw)), focused.value);
    return [];
  },
  buttons: {
    another(ctx, state) {
      const parts = decodeState(state, 4);
      if (!parts) throw new UserError('This button is not valid. Run /quote again.');
      const [themePart = '', speakerPart = '', briefingPart = '', indexPart = ''] = parts;
      const filter: QuoteFilter = {};
      if (themePart) {
        const id = resolveRef(
          themePart,
          ctx.library.themes.map((t) => t.id),
        );
        if (!id) throw new UserError('That theme is no longer in the library. Run /quote again.');
        filter.theme = id;
      }
      if (speakerPart) {
        const speaker = resolveRef(speakerPart, ctx.library.speakers());
        if (!speaker) throw new UserError('There are no longer quotes from that speaker. Run /quote again.');
        filter.speaker = speaker;
      }
      const briefingId =
        briefingPart &&
        resolveRef(
          briefingPart,
          ctx.library.latest().map((b) => b.id),
        );
      const index = parsePage(indexPart);
      return answer(ctx, filter, briefingId && index !== undefined ? { briefingId, index } : undefined);
    },
  },
} satisfies Command<typeof options>;
