import { rankChoices } from '../src/options/choices.js';
import { optionsOf, text } from '../src/options/index.js';
import { briefingCandidates, resolveBriefing } from '../src/options/lookup.js';
import { notice } from '../src/render/style.js';
import { renderBrief } from '../src/render/views/brief.js';
import type { Command } from './index.js';

const input = optionsOf({
  briefing: text({ description: 'Which briefing (the latest if left empty)', max: 100, autocomplete: true }),
});

export default {
  definition: {
    name: 'brief',
    description: 'The latest briefing, or the one you choose',
    options: input.definition,
  },
  options: input.schema,
  help: {
    order: 10,
    usage: '/brief [briefing]',
    summary:
      'The latest briefing, or the one you pick: summary, themes, a quote, what to watch, and a link to the source.',
    examples: ({ briefing }) => ['/brief', `/brief briefing:${briefing}`],
  },
  execute(ctx, { briefing: typed }) {
    const briefing = typed ? resolveBriefing(ctx.library, typed, ctx.locale) : ctx.library.latest(1)[0];
    if (!briefing) {
      return notice(
        'No briefings yet',
        'No briefings are loaded yet. Curators add them under `data/briefings/`; `/sources` lists them once they load.',
      );
    }
    return renderBrief({ library: ctx.library, briefing, now: ctx.now(), locale: ctx.locale });
  },
  autocomplete(ctx, focused) {
    return focused.name === 'briefing'
      ? rankChoices(briefingCandidates(ctx.library, ctx.locale), focused.value)
      : [];
  },
} satisfies Command<typeof input.schema>;
