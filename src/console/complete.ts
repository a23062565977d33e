/**
 * Tab completion for the prompt: command and subcommand names, `name:` for options not yet given,
 * and values: choices, true/false, channels, and whatever the command's autocomplete suggests.
 */
import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType as T } from 'discord.js';
import type { ChannelRef, Command, CommandContext, RawOptions } from '../../commands/index.js';
import type { Autocomplete } from './resolve.js';
import { quoteIfNeeded } from './tokenize.js';

export interface CompletionState {
  commands: ReadonlyMap<string, Command>;
  channels: readonly ChannelRef[];
  /** Labels of the buttons that can be pressed now. */
  buttons: readonly string[];
  autocomplete: Autocomplete;
  context: () => CommandContext;
}

/** Splits off the word being typed; a word opened with a quote runs to the end of the line. */
function lastWord(line: string): { before: string; word: string } {
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' && (i === start || line.charAt(i - 1) === ':')) quote = c;
    else if (c === ' ') start = i + 1;
  }
  return { before: line.slice(0, start), word: line.slice(start) };
}

const KEYWORDS = ['help', 'exit', 'quit'];

export async function complete(line: string, state: CompletionState): Promise<[string[], string]> {
  const { before, word } = lastWord(line);
  const sorted = (hits: string[]) => [...new Set(hits)].filter((h) => h.startsWith(word)).sort();

  if (before.trim() === '') {
    const commands = [...state.commands.keys()].map((n) => `/${n} `);
    if (word.startsWith('/')) return [sorted(commands), word];
    return [sorted([...KEYWORDS, ...state.buttons.map((b) => b.toLowerCase()), ...commands]), word];
  }

  const parts = before.trim().split(/\s+/);
  const name = (parts[0] ?? '').replace(/^\//, '').toLowerCase();
  const command = state.commands.get(name);
  if (command === undefined || !before.startsWith('/')) {
    if (/^help$/i.test(parts[0] ?? '') || /^\/help$/i.test(parts[0] ?? '')) {
      return [sorted([...state.commands.keys()]), word];
    }
    return [[], word];
  }

  const top = command.definition.options ?? [];
  const subcommands = top.filter((o) => o.type === T.Subcommand);
  let options: APIApplicationCommandBasicOption[];
  const raw: RawOptions = {};
  if (subcommands.length > 0) {
    if (parts.length === 1) return [sorted(subcommands.map((s) => `${s.name} `)), word];
    const sub = subcommands.find((s) => s.name === parts[1]?.toLowerCase());
    if (sub === undefined) return [[], word];
    raw.subcommand = sub.name;
    options = sub.options ?? [];
  } else {
    options = top.filter((o): o is APIApplicationCommandBasicOption => o.type !== T.Subcommand);
  }

  const colon = word.indexOf(':');
  if (colon < 0) {
    const given = new Set(parts.map((p) => p.split(':')[0]?.toLowerCase()));
    return [sorted(options.filter((o) => !given.has(o.name)).map((o) => `${o.name}:`)), word];
  }
  const option = options.find((o) => o.name === word.slice(0, colon).toLowerCase());
  if (option === undefined) return [[], word];
  const quoted = word.charAt(colon + 1) === '"';
  const typed = word.slice(colon + (quoted ? 2 : 1));
  const values = await valuesFor(option, typed, name, raw, state);
  const written = (v: string) => (quoted ? `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"` : quoteIfNeeded(v));
  // Readline inserts only what extends the typed word, so a suggestion must start with it.
  return [sorted(values.map((v) => `${option.name}:${written(v)} `)), word];
}

async function valuesFor(
  option: APIApplicationCommandBasicOption,
  typed: string,
  commandName: string,
  raw: RawOptions,
  state: CompletionState,
): Promise<string[]> {
  const startsWith = (v: string) => v.toLowerCase().startsWith(typed.toLowerCase());
  if (option.type === T.Boolean) return ['true', 'false'].filter(startsWith);
  if (option.type === T.Channel) return state.channels.map((c) => `#${c.name ?? c.id}`);
  if ('choices' in option && option.choices?.length) {
    return option.choices.map((c) => String(c.value)).filter(startsWith);
  }
  if ('autocomplete' in option && option.autocomplete) {
    try {
      const choices = await state.autocomplete(
        commandName,
        { name: option.name, value: typed },
        raw,
        state.context(),
      );
      return choices.map((c) => String(c.value));
    } catch {
      return [];
    }
  }
  return [];
}
