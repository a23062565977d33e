/** What each command does, with examples drawn from the library so they work as typed. */
import type { APIEmbedField } from 'discord.js';
import type { Library } from '../../briefings/index.js';
import type { Reply } from '../index.js';
import { BRAND_COLOUR } from '../style.js';

interface HelpEntry {
  usage: string;
  what: string;
  examples: string[];
}

function entries(library: Library): HelpEntry[] {
  const theme = library.themes[0]?.id ?? 'security-defence';
  const briefing = library.latest(1)[0]?.id ?? 'briefing-id';
  const word = (library.themes[0]?.keywords[0] ?? 'dialogue').replace(/[`\s]+/g, ' ').trim();
  return [
    {
      usage: '/brief [briefing]',
      what: 'The latest briefing, or the one you pick: summary, themes, a quote, what to watch, and a link to the source.',
      examples: ['/brief', `/brief briefing:${briefing}`],
    },
    {
      usage: '/theme <theme> [briefing]',
      what: 'What the briefings say on one theme, newest first, a page at a time.',
      examples: [`/theme theme:${theme}`, `/theme theme:${theme} briefing:${briefing}`],
    },
    {
      usage: '/quote [theme] [speaker]',
      what: 'A quote with its speaker, role and source. Press “Another quote” for more.',
      examples: ['/quote', `/quote theme:${theme}`],
    },
    {
      usage: '/lookahead [theme] [within]',
      what: 'What is expected next, dated items soonest first. `within` is week, month, quarter, year or all (default); an item dated only by month, quarter or year counts when it is due by the end of the window, or starts in it and is no longer than it (`2026` is within a week only in its last week).',
      examples: ['/lookahead', `/lookahead theme:${theme} within:quarter`],
    },
    {
      usage: '/search <query>',
      what: 'Search titles, summaries, key points, quotes and looking-ahead items for every word; "quoted words" are a phrase. Matches are highlighted. Up to 200 characters.',
      examples: [`/search query:${word}`],
    },
    {
      usage: '/sources',
      what: 'Every briefing loaded, with its source, date and themes.',
      examples: ['/sources'],
    },
    { usage: '/help', what: 'This list.', examples: ['/help'] },
  ];
}

export function renderHelp(library: Library): Reply {
  const fields: APIEmbedField[] = entries(library).map((e) => ({
    name: e.usage,
    value: `${e.what}\n${e.examples.map((x) => `\`${x}\``).join('  ')}`,
  }));
  fields.push({
    name: 'For server admins',
    value:
      '`/schedule` posts a “looking ahead” digest to a channel on a schedule (add, list, edit, remove, pause, resume, preview, run-now); `/status` shows the data loaded and every schedule. Both need the Manage Server permission.',
  });
  return {
    embeds: [
      {
        title: 'Attaché — diplomacy briefings',
        description:
          'Options autocomplete as you type: pick a theme, briefing or speaker from the list. `<…>` is required, `[…]` optional.',
        color: BRAND_COLOUR,
        fields,
      },
    ],
    ephemeral: true,
  };
}
