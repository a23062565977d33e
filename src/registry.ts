/**
 * The command registry: loads every module in `commands/`, checks its shape, and runs commands,
 * autocompletes and buttons the same way for every transport (Discord, console, tests).
 *
 * Contract (used by src/discord and src/console):
 * - `loadCommands()` imports each module in commands/ except index.ts and keeps those that pass the
 *   module check; a malformed module is a startup error naming the file.
 * - An admin command (`admin: true`) is registered with Discord's defaults for it (Manage Server,
 *   servers only), and every way in (`invokeCommand`, `invokeButton`, `invokeAutocomplete`) asks
 *   src/permissions.ts before its handler runs: non-admins are refused, or offered no choices.
 * - `invokeCommand` parses raw options with the command's zod schema (a failure is a UserError
 *   naming the option), runs the handler, and passes the reply through the limits module.
 * - `invokeAutocomplete` returns at most 25 choices.
 * - `invokeButton` routes `<command>:<action>:<state>` custom ids.
 * - Every handler's context has `commands`, the registry's own, from which /help lists them.
 */
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  APIApplicationCommandOptionChoice,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import type { AdminContext, Command, CommandContext, FocusedOption, RawOptions } from '../commands/index.js';
import { UserError } from './errors.js';
import { parseCustomId } from './options/custom-id.js';
import { ADMIN_DEFINITION, admitAdmin, isAdmin } from './permissions.js';
import type { Reply } from './render/index.js';
import { DISCORD_LIMITS, fitReply, truncate } from './render/limits.js';

export interface Registry {
  readonly commands: ReadonlyMap<string, Command>;
}

const COMMANDS_DIR = new URL('../commands/', import.meta.url);

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';
const fn = z.custom<(...args: never[]) => unknown>(isFunction, 'must be a function');

/** The shape every command module must have; checked at load so a broken module fails the boot. */
const CommandModuleSchema = z.object({
  default: z.object({
    definition: z.looseObject({
      name: z.string().regex(/^[-_\p{L}\p{N}]{1,32}$/u, 'must be 1-32 lowercase letters, digits, - or _'),
      description: z.string().min(1).max(100),
      // Set by the registry from `admin`, so that what Discord hides and what the handlers refuse agree.
      default_member_permissions: z
        .undefined({ error: 'must be left out: `admin: true` sets it' })
        .optional(),
    }),
    options: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'must be a zod schema'),
    admin: z.boolean().optional(),
    execute: fn,
    autocomplete: fn.optional(),
    buttons: z.record(z.string().regex(/^[^:]+$/, 'an action has no colon'), fn).optional(),
    prepare: fn.optional(),
    help: z
      .object({
        order: z.number(),
        usage: z.string().startsWith('/', 'must start with the command'),
        summary: z.string().min(1),
        examples: fn.optional(),
        // A field of its own in /help: within Discord's 1,024 characters of a field.
        refusals: z.string().min(1).max(1024).optional(),
      })
      .optional(),
  }),
});

/** Checks one imported module; the error names the file and every problem. */
export function checkCommandModule(file: string, mod: unknown): Command {
  const parsed = CommandModuleSchema.safeParse(mod);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(module)'}: ${i.message}`);
    throw new Error(`commands/${file} is not a valid command module — ${problems.join('; ')}`);
  }
  return parsed.data.default as unknown as Command;
}

/** Builds a registry from checked modules; two commands with one name is an error. */
export function buildRegistry(modules: readonly { file: string; command: Command }[]): Registry {
  const commands = new Map<string, Command>();
  const fileOf = new Map<string, string>();
  for (const { file, command } of modules) {
    const name = command.definition.name;
    const other = fileOf.get(name);
    if (other) throw new Error(`commands/${file} and commands/${other} both define the command /${name}`);
    commands.set(
      name,
      command.admin ? { ...command, definition: { ...command.definition, ...ADMIN_DEFINITION } } : command,
    );
    fileOf.set(name, file);
  }
  return { commands };
}

const isCommandFile = (f: string): boolean =>
  /\.(ts|js|mjs)$/.test(f) && !/\.d\.ts$|\.test\.|\.spec\./.test(f) && !/^index\.(ts|js|mjs)$/.test(f);

/** Imports every module in commands/ (`.ts` under tsx and vitest, `.js` once compiled). */
export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<Registry> {
  const files = (await readdir(fileURLToPath(dir))).filter(isCommandFile).sort();
  const modules = [];
  for (const file of files) {
    const mod: unknown = await import(pathToFileURL(fileURLToPath(new URL(file, dir))).href);
    modules.push({ file: basename(file), command: checkCommandModule(file, mod) });
  }
  return buildRegistry(modules);
}

/** The JSON Discord registers, for deploy-commands; sorted so deployments diff cleanly. */
export const definitions = (registry: Registry): RESTPostAPIChatInputApplicationCommandsJSONBody[] =>
  [...registry.commands.values()].map((c) => c.definition).sort((a, b) => a.name.localeCompare(b.name));

const find = (registry: Registry, name: string): Command => {
  const command = registry.commands.get(name.replace(/^\//, ''));
  if (!command) {
    const shown = truncate(name.replace(/^\//, '').replace(/[^\p{L}\p{N}_-]/gu, ''), 40);
    throw new UserError(`Unknown command /${shown}. Try /help.`);
  }
  return command;
};

/**
 * The context `command`'s handlers run with, naming every command (for /help): for an admin command,
 * only once the member is admitted. (Typed as an admin's either way: a member command's handlers
 * take any context.)
 */
function contextFor(registry: Registry, command: Command, ctx: CommandContext): AdminContext {
  const served = { ...ctx, commands: registry.commands };
  return command.admin ? admitAdmin(command.definition.name, served) : (served as AdminContext);
}

/** Turns a zod failure into one sentence naming the option. */
export function optionError(error: z.ZodError, raw: RawOptions, command: string): UserError {
  const issue = error.issues[0];
  if (!issue) return new UserError(`The options for /${command} are not valid.`);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `\`${truncate(k.replace(/[`\s]/g, ''), 32)}\``).join(', ');
    return new UserError(`/${command} has no option ${keys}. Try /help.`, issue.keys[0]);
  }
  const option = String(issue.path[0] ?? '');
  if (!option) return new UserError(`/${command}: ${issue.message}`);
  if (raw[option] === undefined && issue.code === 'invalid_type') {
    return new UserError(`/${command} needs the option \`${option}\`.`, option);
  }
  const message = /^must |^is /.test(issue.message) ? issue.message : `is not valid: ${issue.message}`;
  return new UserError(`Option \`${option}\` ${message}.`.replace(/\.\.$/, '.'), option);
}

export async function invokeCommand(
  registry: Registry,
  name: string,
  raw: RawOptions,
  ctx: CommandContext,
  /** Options that cost something to get (an attachment's download): fetched only once admitted. */
  more?: () => Promise<RawOptions>,
): Promise<Reply> {
  const command = find(registry, name);
  const context = contextFor(registry, command, ctx);
  const parsed = command.options.safeParse(more ? { ...raw, ...(await more()) } : raw);
  if (!parsed.success) throw optionError(parsed.error, raw, command.definition.name);
  return fitReply(await command.execute(context, parsed.data));
}

/** Choices for the focused option; nothing for unknown commands or members who may not use it. */
export async function invokeAutocomplete(
  registry: Registry,
  name: string,
  focused: FocusedOption,
  raw: RawOptions,
  ctx: CommandContext,
): Promise<APIApplicationCommandOptionChoice[]> {
  const command = registry.commands.get(name);
  if (!command?.autocomplete) return [];
  if (command.admin && !isAdmin(ctx)) return [];
  const choices = await command.autocomplete(contextFor(registry, command, ctx), focused, raw);
  return choices
    .filter((c) => String(c.value).length <= DISCORD_LIMITS.choiceValue)
    .slice(0, DISCORD_LIMITS.choices)
    .map((c) => ({ ...c, name: truncate(c.name, DISCORD_LIMITS.choiceName) }));
}

export async function invokeButton(
  registry: Registry,
  customId: string,
  ctx: CommandContext,
): Promise<Reply> {
  const parts = parseCustomId(customId);
  const command = parts && registry.commands.get(parts.command);
  // Own properties only: the action comes from the click, and `constructor` or `hasOwnProperty`
  // would otherwise find Object.prototype's members and run them as handlers.
  const buttons = command?.buttons;
  const handler =
    parts && buttons && Object.hasOwn(buttons, parts.action) ? buttons[parts.action] : undefined;
  if (!parts || !command || !handler) {
    throw new UserError('This button no longer works. Run the command again for a fresh answer.');
  }
  return fitReply(await handler(contextFor(registry, command, ctx), parts.state));
}
