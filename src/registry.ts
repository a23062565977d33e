/**
 * The command registry: loads every module in `commands/`, checks its shape, and runs commands,
 * autocompletes and buttons the same way for every transport (Discord, console, tests).
 *
 * Contract (used by src/discord and src/console):
 * - `loadCommands()` imports each module in commands/ except index.ts and keeps those that pass the
 *   module check; a malformed module is a startup error naming the file.
 * - `invokeCommand` parses raw options with the command's zod schema (a failure is a UserError
 *   naming the option), refuses admin commands without Manage Server, runs the handler, and passes
 *   the reply through the limits module.
 * - `invokeAutocomplete` returns at most 25 choices.
 * - `invokeButton` routes `<command>:<action>:<state>` custom ids.
 */
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { Command, CommandContext, FocusedOption, RawOptions } from '../commands/index.js';
import type { Reply } from './render/index.js';

export interface Registry {
  readonly commands: ReadonlyMap<string, Command>;
}

export declare function loadCommands(): Promise<Registry>;
export declare function invokeCommand(
  registry: Registry,
  name: string,
  raw: RawOptions,
  ctx: CommandContext,
): Promise<Reply>;
export declare function invokeAutocomplete(
  registry: Registry,
  name: string,
  focused: FocusedOption,
  raw: RawOptions,
  ctx: CommandContext,
): Promise<APIApplicationCommandOptionChoice[]>;
export declare function invokeButton(
  registry: Registry,
  customId: string,
  ctx: CommandContext,
): Promise<Reply>;
