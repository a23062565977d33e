/**
 * Console-only help: how to type commands at a prompt, and each command's options read from its
 * definition (the bot's own /help says what commands do; this says how to type them here).
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType as T,
} from 'discord.js';
import type { Command } from '../../commands/index.js';
import type { Reply } from '../render/index.js';
import { usage } from './parse.js';

const TYPE_NAMES: Partial<Record<T, string>> = {
  [T.String]: 'text',
  [T.Integer]: 'whole number',
  [T.Number]: 'number',
  [T.Boolean]: 'true/false',
  [T.Channel]: 'channel, e.g. #briefings',
  [T.User]: 'user, e.g. @me',
  [T.Role]: 'role',
  [T.Mentionable]: 'user or role',
  [T.Attachment]: 'attachment',
};

export const CONSOLE_TIPS = [
  '**At this console**',
  '- Options as `name:value` or in order: `/theme security` is `/theme theme:security`.',
  '- Quote values with spaces: `/search query:"strategic patience"`; `\\"` puts a quote inside one.',
  '- Partial names are looked up like Discord autocomplete (`security` → `security-defence`).',
  "- After an answer with buttons, type a button's label (`next`, `another`) to press it.",
  '- `help <command>` lists its options. Tab completes names and values; ↑ recalls history.',
  '- `exit`, `quit` or Ctrl-D leaves.',
].join('\n');

function describeOption(o: APIApplicationCommandBasicOption): string {
  const facts = [TYPE_NAMES[o.type] ?? 'value'];
  if (o.required) facts.push('required');
  if ('autocomplete' in o && o.autocomplete) facts.push('autocomplete');
  if ('choices' in o && o.choices?.length) facts.push(`one of: ${o.choices.map((c) => c.value).join(', ')}`);
  if (o.type === T.String && o.max_length !== undefined) facts.push(`at most ${o.max_length} characters`);
  return `- \`${o.name}\` (${facts.join(', ')}) ${o.description}`;
}

function describeOptions(label: string, options: readonly APIApplicationCommandOption[]): string[] {
  const basic = options.filter(
    (o): o is APIApplicationCommandBasicOption => o.type !== T.Subcommand && o.type !== T.SubcommandGroup,
  );
  return [`\`${usage(label, basic)}\``, ...basic.map(describeOption)];
}

/** One command's options, subcommand by subcommand, as a reply. */
export function commandHelp(name: string, command: Command): Reply {
  const options = command.definition.options ?? [];
  const lines = [`**/${name}** — ${command.definition.description}`];
  const subcommands = options.filter((o) => o.type === T.Subcommand);
  if (subcommands.length === 0) lines.push(...describeOptions(`/${name}`, options));
  for (const sub of subcommands) {
    lines.push('', `**/${name} ${sub.name}** — ${sub.description}`);
    lines.push(...describeOptions(`/${name} ${sub.name}`, sub.options ?? []));
  }
  return { content: lines.join('\n') };
}

/** Used when the registry has no /help of its own. */
export function commandList(commands: ReadonlyMap<string, Command>): Reply {
  const lines = [...commands.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => `- \`${usage(`/${name}`, c.definition.options ?? [])}\` ${c.definition.description}`);
  return { content: ['**Commands**', ...lines].join('\n') };
}
