/**
 * The fake's world: one application and its bot user, guilds with roles, text channels with
 * permission overwrites, members, and the messages posted. Builders turn it into Discord's JSON
 * (GUILD_CREATE carries channels, roles and the bot's member so discord.js can compute
 * `channel.permissionsFor(me)` from its cache).
 */
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { channelPermissions, type Overwrite, toBits } from './permissions.js';

export type Bits = bigint | string | number | readonly bigint[];

export interface UserSeed {
  id?: string;
  username?: string;
  globalName?: string;
  bot?: boolean;
}

export interface RoleSeed {
  id?: string;
  name: string;
  permissions?: Bits;
  /** Whether members may ping it; default false. */
  mentionable?: boolean;
}

/**
 * An overwrite by id or by alias: `@everyone`, `bot`, or a role/user name known to the guild
 * (role names win over user names).
 */
export interface OverwriteSeed {
  id: string;
  type?: 'role' | 'member';
  allow?: Bits;
  deny?: Bits;
}

export interface ChannelSeed {
  id?: string;
  name: string;
  type?:
    | ChannelType.GuildText
    | ChannelType.GuildAnnouncement
    | ChannelType.GuildCategory
    | ChannelType.GuildForum;
  overwrites?: OverwriteSeed[];
  parentId?: string;
  /** A forum's tags (ids made up when left out). */
  tags?: { id?: string; name: string; moderated?: boolean }[];
  /** A forum whose posts must carry a tag (Discord's REQUIRE_TAG channel flag). */
  requireTag?: boolean;
}

/** A forum tag, as Discord's `available_tags` lists it. */
export interface ForumTag {
  id: string;
  name: string;
  moderated: boolean;
}

/** Discord's channel flag for a forum that requires a tag on each post. */
export const REQUIRE_TAG = 1 << 4;

/** What a thread (a forum post or a message's thread) has besides a channel's fields. */
export interface ThreadState {
  ownerId: string;
  archived: boolean;
  autoArchiveDuration: number;
  appliedTags: string[];
  createdAt: string;
  /** When it was last archived or unarchived (Discord's archive_timestamp); creation until then. */
  archivedAt?: string;
  /** The message it started from (a forum post's starter message has the thread's id). */
  starterMessageId: string;
}

export interface MemberSeed {
  user: UserSeed;
  /** Role ids or names. */
  roles?: string[];
}

export interface GuildSeed {
  id?: string;
  name?: string;
  ownerId?: string;
  locale?: string;
  /** Permissions of @everyone; default View Channel, Send Messages, Embed Links, Read History, Use Commands. */
  everyone?: Bits;
  roles?: RoleSeed[];
  channels?: ChannelSeed[];
  /** Roles of the bot's member (ids or names); default: the role named "Attaché" if any. */
  botRoles?: string[];
  members?: MemberSeed[];
}

export interface User {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface Role {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  mentionable: boolean;
}

export interface Channel {
  id: string;
  guildId: string;
  name: string;
  type: ChannelType;
  position: number;
  parentId: string | null;
  overwrites: Overwrite[];
  flags: number;
  /** Forums only. */
  availableTags: ForumTag[];
  /** Threads only (types 10, 11, 12). */
  thread?: ThreadState;
}

export const isThreadType = (type: ChannelType): boolean =>
  type === ChannelType.PublicThread ||
  type === ChannelType.PrivateThread ||
  type === ChannelType.AnnouncementThread;

export interface Member {
  userId: string;
  roles: string[];
  joinedAt: string;
}

export interface Guild {
  id: string;
  name: string;
  ownerId: string;
  locale: string;
  roles: Map<string, Role>;
  channels: Map<string, Channel>;
  members: Map<string, Member>;
}

export interface World {
  application: { id: string; name: string };
  bot: User;
  users: Map<string, User>;
  guilds: Map<string, Guild>;
  /** Channels that existed and were deleted: Discord answers 10003 for them. */
  deletedChannels: Set<string>;
  nextId: () => string;
  now: () => number;
}

export const DEFAULT_EVERYONE =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

/** What the bot's role grants by default: exactly what Attaché asks for in its invite. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

/** The default world: one guild, two channels, a member and an admin (Manage Server). */
export const defaultGuildSeed = (): GuildSeed => ({
  name: 'Attaché Test Guild',
  roles: [
    { name: 'Attaché', permissions: DEFAULT_BOT_PERMISSIONS },
    { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild },
  ],
  channels: [{ name: 'general' }, { name: 'briefings' }],
  botRoles: ['Attaché'],
  members: [{ user: { username: 'member' } }, { user: { username: 'admin' }, roles: ['Admin'] }],
});

export const addUser = (world: World, seed: UserSeed): User => {
  const existing = seed.id ? world.users.get(seed.id) : undefined;
  if (existing) return existing;
  const user: User = {
    id: seed.id ?? world.nextId(),
    username: seed.username ?? `user${world.users.size}`,
    globalName: seed.globalName ?? null,
    bot: seed.bot ?? false,
  };
  world.users.set(user.id, user);
  return user;
};

const findRoleId = (guild: Guild, ref: string): string | undefined => {
  if (ref === '@everyone') return guild.id;
  if (guild.roles.has(ref)) return ref;
  return [...guild.roles.values()].find((r) => r.name === ref)?.id;
};

const findUserId = (world: World, guild: Guild, ref: string): string | undefined => {
  if (ref === 'bot') return world.bot.id;
  if (guild.members.has(ref)) return ref;
  return [...guild.members.keys()].find((id) => world.users.get(id)?.username === ref);
};

export const resolveOverwrite = (world: World, guild: Guild, seed: OverwriteSeed): Overwrite => {
  const roleId = seed.type === 'member' ? undefined : findRoleId(guild, seed.id);
  const userId = roleId ? undefined : findUserId(world, guild, seed.id);
  const id = roleId ?? userId;
  if (!id) throw new Error(`fake-discord: no role or member "${seed.id}" in guild ${guild.id}`);
  return { id, type: roleId ? 0 : 1, allow: toBits(seed.allow), deny: toBits(seed.deny) };
};

export const addChannel = (world: World, guild: Guild, seed: ChannelSeed): Channel => {
  const channel: Channel = {
    id: seed.id ?? world.nextId(),
    guildId: guild.id,
    name: seed.name,
    type: seed.type ?? ChannelType.GuildText,
    position: guild.channels.size,
    parentId: seed.parentId ?? null,
    overwrites: (seed.overwrites ?? []).map((o) => resolveOverwrite(world, guild, o)),
    flags: seed.requireTag ? REQUIRE_TAG : 0,
    availableTags: (seed.tags ?? []).map((t) => ({
      id: t.id ?? world.nextId(),
      name: t.name,
      moderated: t.moderated ?? false,
    })),
  };
  guild.channels.set(channel.id, channel);
  world.deletedChannels.delete(channel.id);
  return channel;
};

export const addMember = (world: World, guild: Guild, seed: MemberSeed): Member => {
  const user = addUser(world, seed.user);
  const roles = (seed.roles ?? []).map((ref) => {
    const id = findRoleId(guild, ref);
    if (!id) throw new Error(`fake-discord: no role "${ref}" in guild ${guild.id}`);
    return id;
  });
  const member: Member = { userId: user.id, roles, joinedAt: new Date(world.now()).toISOString() };
  guild.members.set(user.id, member);
  return member;
};

export const addGuild = (world: World, seed: GuildSeed): Guild => {
  const id = seed.id ?? world.nextId();
  const owner = addUser(world, { id: seed.ownerId, username: 'owner' });
  const guild: Guild = {
    id,
    name: seed.name ?? 'Guild',
    ownerId: owner.id,
    locale: seed.locale ?? 'en-US',
    roles: new Map([
      [
        id,
        {
          id,
          name: '@everyone',
          permissions: toBits(seed.everyone ?? DEFAULT_EVERYONE),
          position: 0,
          mentionable: false,
        },
      ],
    ]),
    channels: new Map(),
    members: new Map(),
  };
  for (const [i, role] of (seed.roles ?? []).entries()) {
    const roleId = role.id ?? world.nextId();
    guild.roles.set(roleId, {
      id: roleId,
      name: role.name,
      permissions: toBits(role.permissions),
      position: i + 1,
      mentionable: role.mentionable ?? false,
    });
  }
  world.guilds.set(id, guild);
  addMember(world, guild, { user: { id: owner.id } });
  const botRoles = seed.botRoles ?? (findRoleId(guild, 'Attaché') ? ['Attaché'] : []);
  addMember(world, guild, { user: { id: world.bot.id }, roles: botRoles });
  for (const member of seed.members ?? []) addMember(world, guild, member);
  for (const channel of seed.channels ?? [{ name: 'general' }]) addChannel(world, guild, channel);
  return guild;
};

export const findChannel = (world: World, channelId: string): Channel | undefined => {
  for (const guild of world.guilds.values()) {
    const channel = guild.channels.get(channelId);
    if (channel) return channel;
  }
  return undefined;
};

/**
 * A thread has no overwrites of its own: Discord computes its permissions from its parent's.
 */
export const permissionsIn = (world: World, channel: Channel, userId: string): bigint => {
  const guild = world.guilds.get(channel.guildId);
  if (!guild) return 0n;
  const parent = channel.thread && channel.parentId ? guild.channels.get(channel.parentId) : undefined;
  if (parent) return permissionsIn(world, parent, userId);
  return channelPermissions({
    guildId: guild.id,
    ownerId: guild.ownerId,
    userId,
    rolePermissions: new Map([...guild.roles.values()].map((r) => [r.id, r.permissions])),
    memberRoles: guild.members.get(userId)?.roles ?? [],
    overwrites: channel.overwrites,
  });
};

// ---- Discord JSON ----

export const userJson = (user: User) => ({
  id: user.id,
  username: user.username,
  global_name: user.globalName,
  discriminator: '0',
  avatar: null,
  bot: user.bot,
  system: false,
  public_flags: 0,
  flags: 0,
});

export const memberJson = (world: World, guild: Guild, member: Member) => {
  const user = world.users.get(member.userId);
  return {
    user: user ? userJson(user) : undefined,
    nick: null,
    avatar: null,
    roles: member.roles,
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
    guild_id: guild.id,
  };
};

export const roleJson = (role: Role) => ({
  id: role.id,
  name: role.name,
  color: 0,
  colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
  hoist: false,
  icon: null,
  unicode_emoji: null,
  position: role.position,
  permissions: role.permissions.toString(),
  managed: false,
  mentionable: role.mentionable,
  flags: 0,
});

export const channelJson = (channel: Channel) => ({
  id: channel.id,
  type: channel.type,
  guild_id: channel.guildId,
  name: channel.name,
  position: channel.position,
  parent_id: channel.parentId,
  topic: null,
  nsfw: false,
  last_message_id: null,
  rate_limit_per_user: 0,
  flags: channel.flags,
  ...(channel.thread ? threadFields(channel.thread) : { permission_overwrites: overwritesJson(channel) }),
  ...(channel.type === ChannelType.GuildForum
    ? {
        available_tags: channel.availableTags.map((t) => ({
          id: t.id,
          name: t.name,
          moderated: t.moderated,
          emoji_id: null,
          emoji_name: null,
        })),
        default_auto_archive_duration: 1440,
        default_reaction_emoji: null,
        default_sort_order: null,
        default_forum_layout: 0,
        default_thread_rate_limit_per_user: 0,
      }
    : {}),
});

const overwritesJson = (channel: Channel) =>
  channel.overwrites.map((o) => ({
    id: o.id,
    type: o.type,
    allow: o.allow.toString(),
    deny: o.deny.toString(),
  }));

const threadFields = (thread: ThreadState) => ({
  owner_id: thread.ownerId,
  applied_tags: thread.appliedTags,
  message_count: 0,
  member_count: 1,
  total_message_sent: 0,
  thread_metadata: {
    archived: thread.archived,
    auto_archive_duration: thread.autoArchiveDuration,
    archive_timestamp: thread.archivedAt ?? thread.createdAt,
    locked: false,
    create_timestamp: thread.createdAt,
  },
});

export const guildJson = (guild: Guild) => ({
  id: guild.id,
  name: guild.name,
  icon: null,
  splash: null,
  discovery_splash: null,
  owner_id: guild.ownerId,
  afk_channel_id: null,
  afk_timeout: 300,
  verification_level: 0,
  default_message_notifications: 1,
  explicit_content_filter: 0,
  roles: [...guild.roles.values()].map(roleJson),
  emojis: [],
  stickers: [],
  features: [],
  mfa_level: 0,
  application_id: null,
  system_channel_id: null,
  system_channel_flags: 0,
  rules_channel_id: null,
  vanity_url_code: null,
  description: null,
  banner: null,
  premium_tier: 0,
  preferred_locale: guild.locale,
  public_updates_channel_id: null,
  nsfw_level: 0,
  premium_progress_bar_enabled: false,
  safety_alerts_channel_id: null,
});

/** GUILD_CREATE as sent to a bot without the privileged members intent: only its own member. */
export const guildCreateJson = (world: World, guild: Guild) => {
  const bot = guild.members.get(world.bot.id);
  return {
    ...guildJson(guild),
    joined_at: bot?.joinedAt ?? new Date(world.now()).toISOString(),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: bot ? [memberJson(world, guild, bot)] : [],
    channels: [...guild.channels.values()].filter((c) => !c.thread).map(channelJson),
    threads: [...guild.channels.values()].filter((c) => c.thread && !c.thread.archived).map(channelJson),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
};
