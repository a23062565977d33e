/**
 * A small registry of fake commands following commands/index.ts, so the console is tested against
 * the real registry functions without depending on the real commands or data.
 */
import {
  type APIApplicationCommandOptionChoice,
  ButtonStyle,
  ApplicationCommandOptionType as T,
} from 'discord.js';
import { z } from 'zod';
import type { Command, CommandContext } from '../../commands/index.js';
import type { Library } from '../../src/briefings/index.js';
import { UserError } from '../../src/errors.js';
import { buildRegistry, type Registry } from '../../src/registry.js';

export const THEMES: APIApplicationCommandOptionChoice<string>[] = [
  { name: 'Security & defence', value: 'security-defence' },
  { name: 'Political dialogue & governance', value: 'political-dialogue' },
  { name: 'Economy & reconstruction', value: 'economy-reconstruction' },
  { name: 'Strategic communication', value: 'strategic-communication' },
];

/** Like a real autocomplete: choices whose name or value contains the typed text, or all when empty. */
const rank = (typed: string) =>
  THEMES.filter(
    (c) => typed === '' || `${c.name} ${c.value}`.toLowerCase().includes(typed.toLowerCase().trim()),
  );

const theme: Command = {
  definition: {
    name: 'theme',
    description: 'What the briefings say on one theme',
    options: [
      { type: T.String, name: 'theme', description: 'Theme', required: true, autocomplete: true },
      { type: T.String, name: 'briefing', description: 'Only this briefing', autocomplete: true },
    ],
  },
  options: z.strictObject({ theme: z.string(), briefing: z.string().optional() }),
  execute: (_ctx, o: { theme: string; briefing?: string }) => {
    if (!THEMES.some((t) => t.value === o.theme)) {
      throw new UserError(`There is no theme \`${o.theme}\`. Pick one from the list.`, 'theme');
    }
    return page(o.theme, 1);
  },
  autocomplete: (_ctx, focused) => (focused.name === 'theme' ? rank(focused.value) : []),
  buttons: { page: (_ctx, state) => page(state.split('|')[0] ?? '', Number(state.split('|')[1])) },
};

function page(themeId: string, n: number) {
  return {
    embeds: [
      {
        title: `Theme ${themeId}, page ${n}`,
        description: `Sections on **${themeId}**.`,
        color: 0x1f6feb,
        footer: { text: `Page ${n} of 3` },
      },
    ],
    components: [
      {
        type: 1 as const,
        components: [
          {
            type: 2 as const,
            style: ButtonStyle.Secondary as const,
            label: '◀ Prev',
            custom_id: `theme:page:${themeId}|${n - 1}`,
            disabled: n <= 1,
          },
          {
            type: 2 as const,
            style: ButtonStyle.Secondary as const,
            label: 'Next ▶',
            custom_id: `theme:page:${themeId}|${n + 1}`,
            disabled: n >= 3,
          },
        ],
      },
    ],
  };
}

let quotes = 0;
const quote: Command = {
  definition: { name: 'quote', description: 'An attributed quote' },
  options: z.strictObject({}),
  execute: () => quoteReply(++quotes),
  buttons: { another: () => quoteReply(++quotes) },
};

function quoteReply(n: number) {
  return {
    embeds: [{ description: `> Quote number ${n}.\n— **Speaker ${n}**, Role`, color: 0x8250df }],
    components: [
      {
        type: 1 as const,
        components: [
          {
            type: 2 as const,
            style: ButtonStyle.Primary as const,
            label: 'Another quote',
            custom_id: 'quote:another:',
          },
          {
            type: 2 as const,
            style: ButtonStyle.Secondary as const,
            label: 'Another theme',
            custom_id: 'quote:another:theme',
          },
          {
            type: 2 as const,
            style: ButtonStyle.Link as const,
            label: 'Source',
            url: 'https://example.org/a',
          },
        ],
      },
    ],
  };
}

const search: Command = {
  definition: {
    name: 'search',
    description: 'Search the briefings',
    options: [
      { type: T.String, name: 'query', description: 'Words', required: true, max_length: 200 },
      { type: T.Integer, name: 'page', description: 'Page', min_value: 1, max_value: 50 },
    ],
  },
  options: z.strictObject({ query: z.string(), page: z.number().int().optional() }),
  execute: (_ctx, o: { query: string; page?: number }) => ({
    content: `Results for "${o.query}" (page ${o.page ?? 1})`,
  }),
};

const lookahead: Command = {
  definition: {
    name: 'lookahead',
    description: 'Forward-looking items',
    options: [
      {
        type: T.String,
        name: 'within',
        description: 'Window',
        choices: ['week', 'month', 'quarter', 'year', 'all'].map((v) => ({ name: v, value: v })),
      },
    ],
  },
  options: z.strictObject({ within: z.enum(['week', 'month', 'quarter', 'year', 'all']).default('all') }),
  execute: (ctx, o: { within: string }) => ({
    embeds: [
      {
        title: `Looking ahead (${o.within})`,
        fields: [{ name: 'Summit', value: `<t:${Math.floor(ctx.now().getTime() / 1000) + 3 * 86_400}:R>` }],
      },
    ],
  }),
};

const schedule: Command = {
  admin: true,
  definition: {
    name: 'schedule',
    description: 'Digests on a schedule',
    options: [
      {
        type: T.Subcommand,
        name: 'add',
        description: 'Add a schedule',
        options: [
          { type: T.Channel, name: 'channel', description: 'Where', required: true },
          { type: T.String, name: 'when', description: 'When', required: true },
          {
            type: T.String,
            name: 'format',
            description: 'Format',
            choices: [
              { name: 'Brief', value: 'brief' },
              { name: 'Full', value: 'full' },
            ],
          },
          { type: T.Boolean, name: 'skip_if_empty', description: 'Skip empty digests' },
        ],
      },
      { type: T.Subcommand, name: 'list', description: 'List schedules' },
    ],
  },
  options: z.looseObject({ subcommand: z.enum(['add', 'list']) }),
  // Echoes what it received, so tests can see exactly what the console sent.
  execute: (ctx, o: Record<string, unknown>) => ({
    content: `guild=${ctx.guildId} user=${ctx.userId} ${JSON.stringify(o)}`,
  }),
};

const boom: Command = {
  definition: { name: 'boom', description: 'Always fails' },
  options: z.strictObject({}),
  execute: () => {
    throw new Error('disk on fire');
  },
};

export function fakeRegistry(): Registry {
  quotes = 0;
  return buildRegistry(
    [theme, quote, search, lookahead, schedule, boom].map((command) => ({
      file: `${command.definition.name}.ts`,
      command,
    })),
  );
}

/** The lead's makeContext, minus a library: the fake commands never read it. */
export const makeContext =
  (now = new Date('2026-03-01T09:00:00Z')) =>
  (facts: Pick<CommandContext, 'guildId' | 'channelId' | 'userId' | 'memberPermissions' | 'locale'>) =>
    ({
      ...facts,
      library: {} as Library,
      now: () => now,
      random: () => 0.5,
      services: {},
    }) satisfies CommandContext;
