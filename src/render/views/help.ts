/**
 * What each command does, with examples drawn from the library so they work as typed. Each command
 * carries its own entry (`help` in commands/index.ts); /help lists those the registry serves.
 */
import type { APIEmbedField } from 'discord.js';
import type { Library } from '../../briefings/index.js';
import type { Reply } from '../index.js';
import { BRAND_COLOUR } from '../style.js';

/** Values from the library that make the examples work as typed. */
export interface HelpSamples {
  theme: string;
  briefing: string;
  word: string;
}

/** How /help presents an admin command: one clause in the "For server admins" field. */
export interface AdminHelp {
  /** Where it is listed among its kind (member or admin commands): lower first, ties by usage. */
  order: number;
  /** How to type it: `/theme <theme> [briefing]`. */
  usage: string;
  /**
   * What it does. A member command's is sentences; an admin command's continues its usage in one
   * clause: "`/status` shows the data loaded and every schedule".
   */
  summary: string;
  /** What the command refuses, and what a failure later looks like: an admin command's own field. */
  refusals?: string;
}

/** How /help presents a member command: its own field, with examples. */
export interface MemberHelp extends AdminHelp {
  examples: (samples: HelpSamples) => string[];
}

export interface HelpEntries {
  members: readonly MemberHelp[];
  admins: readonly AdminHelp[];
}

const code = (typed: string): string => `\`${typed}\``;

const inOrder = <T extends AdminHelp>(entries: readonly T[]): T[] =>
  [...entries].sort((a, b) => a.order - b.order || a.usage.localeCompare(b.usage));

function samples(library: Library): HelpSamples {
  return {
    theme: library.themes[0]?.id ?? 'security-defence',
    briefing: library.latest(1)[0]?.id ?? 'briefing-id',
    word: (library.themes[0]?.keywords[0] ?? 'dialogue').replace(/[`\s]+/g, ' ').trim(),
  };
}

function adminField(admins: readonly AdminHelp[]): APIEmbedField {
  const who = admins.length === 1 ? 'It needs' : admins.length === 2 ? 'Both need' : 'All need';
  const clauses = inOrder(admins).map((a) => `${code(a.usage)} ${a.summary}`);
  return { name: 'For server admins', value: `${clauses.join('; ')}. ${who} the Manage Server permission.` };
}

export function renderHelp(library: Library, { members, admins }: HelpEntries): Reply {
  const values = samples(library);
  const fields: APIEmbedField[] = inOrder(members).map((e) => ({
    name: e.usage,
    value: `${e.summary}\n${e.examples(values).map(code).join('  ')}`,
  }));
  if (admins.length > 0) fields.push(adminField(admins));
  for (const admin of inOrder(admins)) {
    if (admin.refusals) fields.push({ name: `When ${admin.usage} says no`, value: admin.refusals });
  }
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
