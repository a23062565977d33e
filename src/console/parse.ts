/**
 * Reads a console line such as `/schedule add channel:#briefings when:"daily 08:00"` against the
 * command definitions and produces the RawOptions a Discord interaction would carry.
 *
 * Values are given as `name:value` or positionally in definition order. A bare word right after a
 * named text option continues it (`speaker:Kaja Kallas`), as typing in Discord's option box does;
 * surplus bare words join the last positional text option (`/search strategic patience`).
 * Checks that Discord's client makes before sending (required, types, choices, lengths, ranges)
 * are made here too, with errors naming the option.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType as T,
} from 'discord.js';
import type { AttachmentRef, ChannelRef, Command, RawOptions } from '../../commands/index.js';
import { UserError } from '../errors.js';
import { ATTACHMENT_MAX_BYTES } from '../options/index.js';
import { escapeInline } from '../render/escape.js';
import { didYouMean } from './suggest.js';
import { tokenize, type Word } from './tokenize.js';

interface ParseEnv {
  commands: ReadonlyMap<string, Command>;
  /** Channels of the console guild that `#name` can refer to. */
  channels: readonly ChannelRef[];
  /** Who `@me` is. */
  userId: string;
  /** Roles of the console guild that `@Name` can refer to. */
  roles?: readonly { id: string; name: string }[];
}

export interface ParsedLine {
  name: string;
  command: Command;
  subcommand?: string;
  /** The leaf options (the subcommand's, when there is one), in definition order. */
  options: APIApplicationCommandBasicOption[];
  raw: RawOptions;
  /** Text options the user typed whose definition offers autocomplete, in definition order. */
  autocompletable: string[];
  /** Options filled from bare words rather than `name:value`, in order. */
  positional: string[];
  /**
   * Required options with autocomplete left out: the error is raised after asking autocomplete,
   * so it can list what to pick from (`/schedule remove` lists the schedule ids).
   */
  missing: string[];
  /** `/theme <theme> [briefing]`, for messages. */
  usage: string;
}

/** What the user typed, echoed in a message: short, and unable to restyle it or ping anyone. */
const shown = (typed: string): string => escapeInline(typed.length > 60 ? `${typed.slice(0, 59)}…` : typed);

const isSubcommand = (o: APIApplicationCommandOption): o is APIApplicationCommandSubcommandOption =>
  o.type === T.Subcommand;

export function parseCommandLine(line: string, env: ParseEnv): ParsedLine {
  const words = tokenize(line.trim());
  const head = words.shift();
  if (head === undefined || !head.text.startsWith('/') || head.text.length < 2) {
    throw new UserError('type a command after the slash, e.g. /help');
  }
  const name = head.text.slice(1).toLowerCase();
  const command = env.commands.get(name);
  if (command === undefined) {
    const names = [...env.commands.keys()].sort();
    throw new UserError(
      `Unknown command /${shown(name)}.${didYouMean(name, names)} Commands: ${names.map((n) => `/${n}`).join(', ')}.`,
    );
  }

  const top = command.definition.options ?? [];
  if (top.some((o) => o.type === T.SubcommandGroup)) {
    throw new UserError(`/${name} uses subcommand groups, which the console does not support yet.`);
  }
  const subcommands = top.filter(isSubcommand);
  let subcommand: string | undefined;
  let options: APIApplicationCommandBasicOption[];
  if (subcommands.length > 0) {
    const names = subcommands.map((s) => s.name);
    const word = words.shift();
    if (word === undefined) {
      throw new UserError(`/${name} needs a subcommand: ${names.join(', ')}.`, 'subcommand');
    }
    const chosen = subcommands.find((s) => s.name === word.text.toLowerCase());
    if (chosen === undefined) {
      throw new UserError(
        `/${name} has no subcommand "${shown(word.text)}".${didYouMean(word.text, names)} Choose one of: ${names.join(', ')}.`,
        'subcommand',
      );
    }
    subcommand = chosen.name;
    options = chosen.options ?? [];
  } else {
    options = top.filter((o): o is APIApplicationCommandBasicOption => !isSubcommand(o));
  }

  const label = subcommand === undefined ? `/${name}` : `/${name} ${subcommand}`;
  const { texts, positional } = assign(words, options, label, env);

  const raw: RawOptions = subcommand === undefined ? {} : { subcommand };
  const autocompletable: string[] = [];
  const missing: string[] = [];
  for (const option of options) {
    const text = texts.get(option.name);
    // Discord's client never sends a blank option; neither does the console.
    if (text === undefined || text.trim() === '') {
      if (option.required && option.type === T.String && option.autocomplete === true)
        missing.push(option.name);
      else if (option.required) throw requiredError(option.name, usage(label, options));
      continue;
    }
    raw[option.name] = convert(option, text, env);
    if (option.type === T.String && option.autocomplete === true) autocompletable.push(option.name);
  }
  const filled = positional.filter((n) => raw[n] !== undefined);
  const common = { name, command, options, raw, autocompletable, positional: filled, missing };
  const usageText = usage(label, options);
  return subcommand === undefined
    ? { ...common, usage: usageText }
    : { ...common, subcommand, usage: usageText };
}

export const requiredError = (
  option: string,
  usageText: string,
  choices: readonly string[] = [],
): UserError => {
  const shown = choices.slice(0, 10).join(', ');
  const more = choices.length > 10 ? `, … (${choices.length} in all)` : '';
  const pick = choices.length > 0 ? ` Choose from: ${shown}${more}.` : '';
  return new UserError(`\`${option}\` is required. Usage: ${usageText}${pick}`, option);
};

/** Decides which typed text belongs to which option. */
function assign(
  words: Word[],
  options: APIApplicationCommandBasicOption[],
  label: string,
  env: ParseEnv,
): { texts: Map<string, string>; positional: string[] } {
  const byName = new Map(options.map((o) => [o.name, o]));
  const texts = new Map<string, string>();
  const positional: string[] = [];
  /** The named text option that bare words continue, if the last word named one. */
  let continuing: string | undefined;

  for (const word of words) {
    const named = splitName(word, byName, label);
    if (named !== undefined) {
      if (texts.has(named.name)) {
        throw new UserError(`\`${named.name}\` is given twice; give it once.`, named.name);
      }
      texts.set(named.name, named.value);
      const option = byName.get(named.name);
      continuing = option !== undefined && isFreeText(option) ? named.name : undefined;
    } else if (continuing !== undefined) {
      texts.set(continuing, `${texts.get(continuing) ?? ''} ${word.text}`);
    } else {
      positional.push(word.text);
    }
  }

  const free = options.filter((o) => !texts.has(o.name));
  const filled: string[] = [];
  let last: APIApplicationCommandBasicOption | undefined;
  for (const text of positional) {
    const next = free[0];
    // A word that cannot be the next option's value (a word where a number belongs) is more
    // text for the free-text option before it: `/search strategic patience 2`.
    const joins = last !== undefined && isFreeText(last) && (next === undefined || !fits(next, text, env));
    if (joins && last !== undefined) {
      texts.set(last.name, `${texts.get(last.name) ?? ''} ${text}`);
    } else if (next !== undefined) {
      free.shift();
      texts.set(next.name, text);
      filled.push(next.name);
      last = next;
    } else {
      const takes = options.length === 0 ? 'takes no options' : `takes: ${usage(label, options)}`;
      throw new UserError(`Too many values: "${shown(text)}" is left over; ${label} ${takes}`);
    }
  }
  return { texts, positional: filled };
}

/** `name:value` when `name` is one of the options; a near miss is an error, anything else is a value. */
function splitName(
  word: Word,
  byName: ReadonlyMap<string, APIApplicationCommandBasicOption>,
  label: string,
): { name: string; value: string } | undefined {
  if (word.colon === undefined) return undefined;
  const prefix = word.text.slice(0, word.colon).toLowerCase();
  const value = word.text.slice(word.colon + 1);
  if (byName.has(prefix)) return { name: prefix, value };
  const names = [...byName.keys()];
  const hint = didYouMean(prefix, names);
  if (hint !== '' && /^[\w-]+$/.test(prefix)) {
    throw new UserError(
      `${label} has no option "${shown(prefix)}".${hint} (To pass the text itself, quote it: "${shown(word.text)}".)`,
    );
  }
  return undefined;
}

const isFreeText = (o: APIApplicationCommandBasicOption): boolean =>
  o.type === T.String && !(o.choices?.length ?? 0);

function fits(option: APIApplicationCommandBasicOption, text: string, env: ParseEnv): boolean {
  if (isFreeText(option)) return true;
  try {
    convert(option, text, env);
    return true;
  } catch {
    return false;
  }
}

const TRUE = new Set(['true', 'yes', 'y', 'on', '1']);
const FALSE = new Set(['false', 'no', 'n', 'off', '0']);

function convert(
  option: APIApplicationCommandBasicOption,
  text: string,
  env: ParseEnv,
): string | number | boolean | ChannelRef | AttachmentRef {
  const fail = (message: string): never => {
    throw new UserError(`\`${option.name}\` ${message}`, option.name);
  };
  switch (option.type) {
    case T.String: {
      const value = option.choices?.length ? choose(option.choices, text, fail) : text;
      if (option.min_length !== undefined && value.length < option.min_length) {
        fail(`must be at least ${option.min_length} characters (got ${value.length}).`);
      }
      if (value.length > (option.max_length ?? 6000)) {
        fail(`must be at most ${option.max_length ?? 6000} characters (got ${value.length}).`);
      }
      return value;
    }
    case T.Integer:
    case T.Number: {
      if (option.choices?.length) return choose(option.choices, text, fail);
      const integer = option.type === T.Integer;
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || (integer && !/^[+-]?\d+$/.test(text.trim()))) {
        fail(`must be ${integer ? 'a whole number' : 'a number'}, not "${shown(text)}".`);
      }
      if (integer && !Number.isSafeInteger(value)) fail(`is too large (${shown(text)}).`);
      if (option.min_value !== undefined && value < option.min_value)
        fail(`must be at least ${option.min_value}.`);
      if (option.max_value !== undefined && value > option.max_value)
        fail(`must be at most ${option.max_value}.`);
      return value;
    }
    case T.Boolean: {
      const lower = text.trim().toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return fail(`must be true or false (yes/no), not "${shown(text)}".`);
    }
    case T.Channel:
      return channel(text, env, fail);
    case T.User: {
      const id = /^<@!?(\d+)>$/.exec(text)?.[1] ?? (/^\d{17,20}$/.test(text) ? text : undefined);
      if (id !== undefined) return id;
      const bare = text.replace(/^@/, '').toLowerCase();
      if (bare === 'me' || bare === env.userId.toLowerCase()) return env.userId;
      return fail(`must be a user such as @me or <@123456789012345678>, not "${shown(text)}".`);
    }
    case T.Role:
    case T.Mentionable: {
      const id = /^<@[&!]?(\d+)>$/.exec(text)?.[1] ?? (/^\d{17,20}$/.test(text) ? text : undefined);
      if (id !== undefined) return id;
      const bare = text.trim().replace(/^@/, '').toLowerCase();
      // Passed on for the command to refuse with its reason, as Discord's picker offers them.
      if (bare === 'everyone' || bare === 'here') return `@${bare}`;
      const role = env.roles?.find((r) => r.id.toLowerCase() === bare || r.name.toLowerCase() === bare);
      if (role) return role.id;
      const known = env.roles?.length ? ` (${env.roles.map((r) => `@${r.name}`).join(', ')})` : '';
      return fail(`must be a role of this server${known}, not "${shown(text)}".`);
    }
    case T.Attachment:
      return localFile(text, fail);
  }
}

function choose<V extends string | number>(
  choices: readonly { name: string; value: V }[],
  text: string,
  fail: (message: string) => never,
): V {
  const lower = text.trim().toLowerCase();
  const found =
    choices.find((c) => String(c.value) === text) ??
    choices.find((c) => String(c.value).toLowerCase() === lower || c.name.toLowerCase() === lower);
  return (
    found?.value ??
    fail(`cannot be "${shown(text)}"; choose one of: ${choices.map((c) => c.value).join(', ')}.`)
  );
}

function channel(text: string, env: ParseEnv, fail: (message: string) => never): ChannelRef {
  const id = /^<#(\d+)>$/.exec(text)?.[1];
  const key = (id ?? text.replace(/^#/, '')).toLowerCase();
  const found = env.channels.find((c) => c.id.toLowerCase() === key || c.name?.toLowerCase() === key);
  const known = env.channels.map((c) => `#${c.name ?? c.id}`).join(', ');
  return found ?? fail(`cannot be "${shown(text)}": the console has no such channel; use ${known}.`);
}

/**
 * An attachment in the console is a local file, by its path (`file:./schedules.yaml`, relative to
 * the working directory): read as Discord's attachment would be downloaded, with the same cap.
 */
function localFile(text: string, fail: (message: string) => never): AttachmentRef {
  const path = resolve(text.trim());
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return fail(`must be a file, and ${shown(text)} is not one.`);
    size = stat.size;
  } catch {
    return fail(`must be the path of a file; there is no ${shown(text)}.`);
  }
  if (size > ATTACHMENT_MAX_BYTES) {
    return fail(`is ${Math.ceil(size / 1024)} KB; at most ${ATTACHMENT_MAX_BYTES / 1024} KB is read.`);
  }
  try {
    const content = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
    return { name: basename(path), size, content: content.replace(/^\uFEFF/, '') };
  } catch {
    return fail(`${shown(text)} is not a text file (UTF-8).`);
  }
}

/** `/theme <theme> [briefing]` */
export function usage(label: string, options: readonly APIApplicationCommandOption[]): string {
  const parts = options.map((o) =>
    o.type === T.Subcommand || o.type === T.SubcommandGroup
      ? o.name
      : o.required
        ? `<${o.name}>`
        : `[${o.name}]`,
  );
  const hasSubcommands = options.some((o) => o.type === T.Subcommand);
  return hasSubcommands ? `${label} ${parts.join('|')} …` : [label, ...parts].join(' ');
}
