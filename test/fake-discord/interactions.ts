/**
 * Builds INTERACTION_CREATE payloads the way Discord would send them: option types taken from the
 * registered command definition (so `options: { theme: 'security' }` becomes a typed option),
 * subcommands, resolved channels/users/roles, `member.permissions` and `app_permissions` computed
 * for the channel (or the bitfield a test gives), `entitlements: []` and a `channel` object.
 */
import { randomBytes } from 'node:crypto';
import { ApplicationCommandOptionType } from 'discord.js';
import { attachmentJson, findAttachment } from './attachments.js';
import { monotonicMs } from './clock.js';
import type { Core, FakeMessage, InteractionKind, InteractionRecord, StoredCommand } from './core.js';
import {
  addMember,
  addUser,
  channelJson,
  findChannel,
  type Guild,
  memberJson,
  permissionsIn,
  roleJson,
  type User,
  type UserSeed,
  userJson,
} from './state.js';

export type OptionInput = string | number | boolean | { type: number; value: string | number | boolean };

export interface InteractOptions {
  type: InteractionKind;
  /** Default: the first guild. */
  guildId?: string;
  /** Default: the guild's first text channel. */
  channelId?: string;
  /** A user id, a username known to the fake, or a new user. Default: the user named "member". */
  user?: string | UserSeed;
  /** The member's permissions as Discord sends them (a bitfield); default computed for the channel. */
  memberPermissions?: bigint | string;
  /** Command name (command and autocomplete). */
  name?: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: Record<string, OptionInput>;
  /** Autocomplete: the option being typed; default the last one given. */
  focused?: string;
  /** Button/select custom id. */
  customId?: string;
  /** Select menu values. */
  values?: string[];
  /** The message holding the component (object or id); default the latest message with that custom id. */
  message?: FakeMessage | string;
  locale?: string;
  /**
   * Check options against the registered definition as Discord's client does (unknown names,
   * missing required options, choices, lengths). Default true; turn off to send what Discord
   * never would.
   */
  strictOptions?: boolean;
}

type CommandOption = {
  type: number;
  name: string;
  required?: boolean;
  choices?: { value: unknown }[];
  min_length?: number;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  channel_types?: number[];
  options?: CommandOption[];
};

const T = ApplicationCommandOptionType;

const inferType = (value: OptionInput): number => {
  if (typeof value === 'object') return value.type;
  if (typeof value === 'boolean') return T.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? T.Integer : T.Number;
  return T.String;
};

const rawValue = (value: OptionInput) => (typeof value === 'object' ? value.value : value);

export const findCommand = (core: Core, guildId: string, name: string): StoredCommand | undefined =>
  (core.commands.guild.get(guildId) ?? []).find((c) => c.name === name && (c.type ?? 1) === 1) ??
  core.commands.global.find((c) => c.name === name && (c.type ?? 1) === 1);

const resolveUser = (core: Core, guild: Guild, ref: string | UserSeed | undefined): User => {
  const world = core.world;
  if (typeof ref === 'string') {
    const found =
      world.users.get(ref) ??
      [...world.users.values()].find((u) => u.username === ref && guild.members.has(u.id));
    if (found) return found;
    return addUser(
      world,
      /^\d+$/.test(ref) ? { id: ref, username: `user${ref.slice(-4)}` } : { username: ref },
    );
  }
  if (ref) return addUser(world, ref);
  return (
    [...world.users.values()].find((u) => u.username === 'member' && guild.members.has(u.id)) ??
    addUser(world, { username: 'member' })
  );
};

const buildOptions = (
  core: Core,
  guild: Guild,
  invoker: User,
  opts: InteractOptions,
  definition: CommandOption[] | undefined,
) => {
  const strict = opts.strictOptions !== false && definition !== undefined;
  const resolved: Record<string, Record<string, unknown>> = {};
  const add = (kind: string, id: string, value: unknown) => {
    resolved[kind] = { ...(resolved[kind] ?? {}), [id]: value };
  };
  let leafDefs = definition;
  const path: string[] = [];
  const descend = (type: number, name: string) => {
    const found = leafDefs?.find((o) => o.type === type && o.name === name);
    if (strict && !found) {
      throw new Error(`fake-discord: /${[opts.name, ...path].join(' ')} has no subcommand "${name}"`);
    }
    leafDefs = found ? (found.options ?? []) : undefined;
    path.push(name);
  };
  if (opts.subcommandGroup) descend(T.SubcommandGroup, opts.subcommandGroup);
  if (opts.subcommand) descend(T.Subcommand, opts.subcommand);
  if (strict && leafDefs?.some((o) => o.type === T.Subcommand || o.type === T.SubcommandGroup)) {
    throw new Error(
      `fake-discord: /${opts.name} needs a subcommand (${leafDefs.map((o) => o.name).join(', ')})`,
    );
  }
  const entries = Object.entries(opts.options ?? {});
  const focused = opts.type === 'autocomplete' ? (opts.focused ?? entries.at(-1)?.[0]) : undefined;
  const problems: string[] = [];
  const leaves = entries.map(([name, input]) => {
    const def = leafDefs?.find((o) => o.name === name);
    if (strict && !def) problems.push(`unknown option "${name}"`);
    const type = def?.type ?? inferType(input);
    let value = rawValue(input);
    if (name === focused) return { type, name, value: String(value), focused: true };
    if (type === T.String) value = String(value);
    if (type === T.Integer || type === T.Number) value = Number(value);
    if (strict && def) {
      if (def.choices?.length && !def.choices.some((c) => c.value === value))
        problems.push(`"${name}" is not one of its choices`);
      if (typeof value === 'string' && def.max_length !== undefined && value.length > def.max_length)
        problems.push(`"${name}" is longer than ${def.max_length}`);
      if (typeof value === 'string' && def.min_length !== undefined && value.length < def.min_length)
        problems.push(`"${name}" is shorter than ${def.min_length}`);
      if (typeof value === 'number' && def.max_value !== undefined && value > def.max_value)
        problems.push(`"${name}" is above ${def.max_value}`);
      if (typeof value === 'number' && def.min_value !== undefined && value < def.min_value)
        problems.push(`"${name}" is below ${def.min_value}`);
    }
    const id = String(value);
    if (type === T.Channel) {
      const channel = findChannel(core.world, id);
      if (!channel || (strict && channel.guildId !== guild.id)) {
        problems.push(`channel option "${name}": no channel ${id} in this guild`);
      } else {
        if (strict && def?.channel_types?.length && !def.channel_types.includes(channel.type))
          problems.push(`"${name}" does not accept channel type ${channel.type}`);
        add('channels', id, {
          id,
          name: channel.name,
          type: channel.type,
          parent_id: channel.parentId,
          permissions: permissionsIn(core.world, channel, invoker.id).toString(),
          flags: channel.flags,
        });
      }
    }
    if (type === T.User || type === T.Mentionable) {
      const user = core.world.users.get(id);
      const member = guild.members.get(id);
      if (user) add('users', id, userJson(user));
      if (member) {
        const { user: _user, ...rest } = memberJson(core.world, guild, member);
        add('members', id, rest);
      }
    }
    if (type === T.Attachment) {
      const file = findAttachment(core, id);
      if (!file) problems.push(`attachment option "${name}": no upload ${id} (use fake.upload first)`);
      else add('attachments', id, attachmentJson(core, file));
    }
    if (type === T.Role || type === T.Mentionable) {
      const role = guild.roles.get(id);
      if (role) add('roles', id, roleJson(role));
    }
    return { type, name, value };
  });
  if (strict && opts.type === 'command') {
    for (const def of leafDefs ?? []) {
      if (def.required && !entries.some(([name]) => name === def.name))
        problems.push(`required option "${def.name}" missing`);
    }
  }
  if (problems.length) {
    throw new Error(
      `fake-discord: Discord would not send /${[opts.name, ...path].join(' ')}: ${problems.join('; ')}`,
    );
  }
  let options: unknown[] = leaves;
  if (opts.subcommand) options = [{ type: T.Subcommand, name: opts.subcommand, options }];
  if (opts.subcommandGroup) options = [{ type: T.SubcommandGroup, name: opts.subcommandGroup, options }];
  return { options, resolved };
};

const componentMessage = (core: Core, opts: InteractOptions): FakeMessage => {
  if (!opts.customId) throw new Error('fake-discord: a component interaction needs `customId`');
  if (typeof opts.message === 'object') return opts.message;
  if (typeof opts.message === 'string') {
    const found = core.messageIndex.get(opts.message);
    if (!found) throw new Error(`fake-discord: no message ${opts.message}`);
    return found;
  }
  const hasComponent = (m: FakeMessage) =>
    JSON.stringify(m.components).includes(JSON.stringify(opts.customId ?? ''));
  const latest = [...core.messageIndex.values()].reverse().find(hasComponent);
  if (latest) return latest;
  throw new Error(
    `fake-discord: no message carries a component with custom_id ${opts.customId}; pass \`message\` explicitly`,
  );
};

/** Register the interaction and return its record; the caller dispatches `record.payload`. */
export const createInteraction = (core: Core, opts: InteractOptions): InteractionRecord => {
  const world = core.world;
  const guild = opts.guildId ? world.guilds.get(opts.guildId) : [...world.guilds.values()][0];
  if (!guild) throw new Error(`fake-discord: no guild ${opts.guildId ?? '(none seeded)'}`);
  const target = opts.type === 'button' || opts.type === 'select' ? componentMessage(core, opts) : undefined;
  const channelId = opts.channelId ?? target?.channel_id;
  const channel = channelId
    ? findChannel(world, channelId)
    : [...guild.channels.values()].find((c) => c.type === 0);
  if (!channel) throw new Error(`fake-discord: no channel ${opts.channelId ?? '(no text channel)'}`);
  const user = resolveUser(core, guild, opts.user);
  const member = guild.members.get(user.id) ?? addMember(world, guild, { user: { id: user.id } });
  const permissions =
    opts.memberPermissions !== undefined
      ? BigInt(opts.memberPermissions).toString()
      : permissionsIn(world, channel, user.id).toString();
  const id = world.nextId();
  const token = `aW50ZXJhY3Rpb246${randomBytes(24).toString('base64url')}`;
  const base = {
    id,
    application_id: world.application.id,
    token,
    version: 1,
    guild_id: guild.id,
    guild: { id: guild.id, locale: guild.locale, features: [] },
    guild_locale: guild.locale,
    channel_id: channel.id,
    channel: { ...channelJson(channel), permissions },
    member: { ...memberJson(world, guild, member), permissions },
    locale: opts.locale ?? 'en-US',
    app_permissions: permissionsIn(world, channel, world.bot.id).toString(),
    entitlements: [],
    authorizing_integration_owners: { '0': guild.id },
    context: 0,
    attachment_size_limit: 10_485_760,
  };
  let payload: Record<string, unknown>;
  if (opts.type === 'command' || opts.type === 'autocomplete') {
    if (!opts.name) throw new Error('fake-discord: a command interaction needs `name`');
    const command = findCommand(core, guild.id, opts.name);
    const { options, resolved } = buildOptions(
      core,
      guild,
      user,
      opts,
      command ? ((command.options ?? []) as CommandOption[]) : undefined,
    );
    payload = {
      ...base,
      type: opts.type === 'command' ? 2 : 4,
      data: {
        id: command?.id ?? world.nextId(),
        name: opts.name,
        type: 1,
        ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
        options,
        ...(Object.keys(resolved).length ? { resolved } : {}),
      },
    };
  } else {
    payload = {
      ...base,
      type: 3,
      message: target,
      data:
        opts.type === 'select'
          ? { custom_id: opts.customId, component_type: 3, values: opts.values ?? [] }
          : { custom_id: opts.customId, component_type: 2 },
    };
  }
  const record: InteractionRecord = {
    id,
    token,
    kind: opts.type,
    payload,
    channelId: channel.id,
    guildId: guild.id,
    dispatchedAt: monotonicMs(),
    createdAt: world.now(),
    callbacks: [],
    acknowledged: false,
    edits: [],
    followups: [],
    ...(target ? { target } : {}),
  };
  core.interactions.set(id, record);
  core.interactionsByToken.set(token, record);
  return record;
};
