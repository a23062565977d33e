/**
 * Forum posts, message threads, announcement crossposts and member roles, as Discord handles them:
 * the permission each needs (50001 / 50013), the refusals particular to each (a forum post without
 * a required tag, a tag the forum does not have, a second thread on one message, a second
 * crosspost, a role above the bot's highest), and the JSON discord.js builds its objects from.
 * The routes are declared in rest.ts; the handlers live here.
 */
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { type Core, storeMessage } from './core.js';
import {
  buildMessage,
  channelAccess,
  discordError,
  type HandlerResult,
  mentionProblems,
} from './messages.js';
import {
  type Channel,
  channelJson,
  findChannel,
  type Guild,
  memberJson,
  permissionsIn,
  REQUIRE_TAG,
  userJson,
} from './state.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ok = (body: unknown): HandlerResult => ({ status: 200, body });

/** Discord's flag on a message that was published to following channels. */
export const CROSSPOSTED = 1 << 0;

const botPerms = (core: Core, channel: Channel) => permissionsIn(core.world, channel, core.world.bot.id);

const addThread = (
  core: Core,
  parent: Channel,
  opts: {
    id: string;
    name: string;
    type: ChannelType;
    autoArchive: number;
    tags: string[];
    starter: string;
    ownerId?: string;
  },
): Channel => {
  const guild = core.world.guilds.get(parent.guildId) as Guild;
  const thread: Channel = {
    id: opts.id,
    guildId: parent.guildId,
    name: opts.name,
    type: opts.type,
    position: 0,
    parentId: parent.id,
    overwrites: [],
    flags: 0,
    availableTags: [],
    thread: {
      ownerId: opts.ownerId ?? core.world.bot.id,
      archived: false,
      autoArchiveDuration: opts.autoArchive,
      appliedTags: opts.tags,
      createdAt: new Date(core.world.now()).toISOString(),
      starterMessageId: opts.starter,
    },
  };
  guild.channels.set(thread.id, thread);
  core.gateway.dispatch('THREAD_CREATE', { ...channelJson(thread), newly_created: true }, thread.guildId);
  return thread;
};

const autoArchiveOf = (body: Json): number =>
  typeof body.auto_archive_duration === 'number' ? body.auto_archive_duration : 1440;

/**
 * POST /channels/:channel/threads. In a forum: a post whose starter message is `message`, with the
 * thread's id (Discord gives both the same id). Elsewhere: a thread without a message.
 */
export const createThread = (core: Core, channelId: string, body: unknown): HandlerResult => {
  const json = isObject(body) ? body : {};
  const parent = findChannel(core.world, channelId);
  if (!parent) return discordError(404, 10003, 'Unknown Channel');
  const perms = botPerms(core, parent);
  if (!(perms & PermissionFlagsBits.ViewChannel)) return discordError(403, 50001, 'Missing Access');
  const name = typeof json.name === 'string' ? json.name : 'thread';
  if (parent.type !== ChannelType.GuildForum) {
    if (!(perms & PermissionFlagsBits.CreatePublicThreads))
      return discordError(403, 50013, 'Missing Permissions');
    const id = core.world.nextId();
    const thread = addThread(core, parent, {
      id,
      name,
      type: ChannelType.PublicThread,
      autoArchive: autoArchiveOf(json),
      tags: [],
      starter: id,
    });
    return { status: 201, body: channelJson(thread) };
  }
  const message = isObject(json.message) ? json.message : {};
  // In a forum, Send Messages is what creates posts; the starter message's embeds need Embed Links.
  if (!(perms & PermissionFlagsBits.SendMessages)) return discordError(403, 50013, 'Missing Permissions');
  const hasEmbeds = Array.isArray(message.embeds) && message.embeds.length > 0;
  if (hasEmbeds && !(perms & PermissionFlagsBits.EmbedLinks))
    return discordError(403, 50013, 'Missing Permissions');
  const tags = Array.isArray(json.applied_tags) ? json.applied_tags.map(String) : [];
  const known = new Set(parent.availableTags.map((t) => t.id));
  const unknown = tags.find((t) => !known.has(t));
  if (unknown !== undefined) {
    return {
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          applied_tags: {
            _errors: [
              { code: 'CHANNEL_TAG_INVALID', message: `Tag ${unknown} does not belong to this forum` },
            ],
          },
        },
      },
    };
  }
  if (parent.flags & REQUIRE_TAG && tags.length === 0) {
    return discordError(400, 40067, 'A tag is required to create a forum post in this channel');
  }
  const id = core.world.nextId();
  const thread = addThread(core, parent, {
    id,
    name,
    type: ChannelType.PublicThread,
    autoArchive: autoArchiveOf(json),
    tags,
    starter: id,
  });
  const starter = { ...buildMessage(core, thread.id, message), id };
  storeMessage(core, starter, false);
  core.gateway.dispatch('MESSAGE_CREATE', starter, thread.guildId);
  const problems = mentionProblems(core, message, 'message');
  return {
    status: 201,
    body: { ...channelJson(thread), message: starter },
    ...(problems.length ? { violation: { kind: 'mentions', problems } } : {}),
  };
};

/** POST /channels/:channel/messages/:message/threads: the thread has the message's id. */
export const createMessageThread = (
  core: Core,
  channelId: string,
  messageId: string,
  body: unknown,
): HandlerResult => {
  const json = isObject(body) ? body : {};
  const refused = channelAccess(core, channelId, undefined);
  if (refused) return refused;
  const parent = findChannel(core.world, channelId) as Channel;
  const message = core.messageIndex.get(messageId);
  if (!message || message.channel_id !== channelId) return discordError(404, 10008, 'Unknown Message');
  const perms = botPerms(core, parent);
  if (!(perms & PermissionFlagsBits.CreatePublicThreads))
    return discordError(403, 50013, 'Missing Permissions');
  if (core.world.guilds.get(parent.guildId)?.channels.has(messageId)) {
    return discordError(400, 160004, 'A thread has already been created for this message');
  }
  const thread = addThread(core, parent, {
    id: messageId,
    name: typeof json.name === 'string' ? json.name : 'thread',
    type:
      parent.type === ChannelType.GuildAnnouncement
        ? ChannelType.AnnouncementThread
        : ChannelType.PublicThread,
    autoArchive: autoArchiveOf(json),
    tags: [],
    starter: messageId,
  });
  return { status: 201, body: channelJson(thread) };
};

/** POST /channels/:channel/messages/:message/crosspost: publishes once to following channels. */
export const crosspost = (core: Core, channelId: string, messageId: string): HandlerResult => {
  const refused = channelAccess(core, channelId, undefined);
  if (refused) return refused;
  const channel = findChannel(core.world, channelId) as Channel;
  if (channel.type !== ChannelType.GuildAnnouncement) {
    return discordError(400, 50024, 'Cannot execute action on this channel type');
  }
  const message = core.messageIndex.get(messageId);
  if (!message || message.channel_id !== channelId) return discordError(404, 10008, 'Unknown Message');
  const perms = botPerms(core, channel);
  const own = message.author.id === core.world.bot.id;
  const needed = own ? PermissionFlagsBits.SendMessages : PermissionFlagsBits.ManageMessages;
  if (!(perms & needed)) return discordError(403, 50013, 'Missing Permissions');
  if (message.flags & CROSSPOSTED)
    return discordError(400, 40033, 'This message has already been crossposted');
  message.flags |= CROSSPOSTED;
  core.gateway.dispatch('MESSAGE_UPDATE', message, message.guild_id);
  return ok(message);
};

/** A forum post made by a member (not through the API): its starter message says `content`. */
export const seedPost = (core: Core, forum: Channel, name: string, ownerId: string): string => {
  const id = core.world.nextId();
  addThread(core, forum, {
    id,
    name,
    type: ChannelType.PublicThread,
    autoArchive: 1440,
    tags: [],
    starter: id,
    ownerId,
  });
  const owner = core.world.users.get(ownerId);
  storeMessage(
    core,
    { ...buildMessage(core, id, { content: name }), id, ...(owner ? { author: userJson(owner) } : {}) },
    false,
  );
  return id;
};

const threadsOf = (guild: Guild, keep: (c: Channel) => boolean) =>
  [...guild.channels.values()].filter((c) => c.thread !== undefined && keep(c));

/** GET /guilds/:guild/threads/active: the threads the bot can see. */
export const activeThreads = (core: Core, guild: Guild): HandlerResult => {
  const visible = threadsOf(
    guild,
    (c) => c.thread?.archived === false && (botPerms(core, c) & PermissionFlagsBits.ViewChannel) !== 0n,
  );
  return ok({ threads: visible.map(channelJson), members: [] });
};

/**
 * GET /channels/:channel/threads/archived/public: most recently archived first, `before` an
 * archive timestamp (ISO 8601), `limit` at most 100.
 */
export const archivedThreads = (
  core: Core,
  channelId: string,
  query: Record<string, string>,
): HandlerResult => {
  const refused = channelAccess(core, channelId, undefined);
  if (refused) return refused;
  const channel = findChannel(core.world, channelId) as Channel;
  if (!(botPerms(core, channel) & PermissionFlagsBits.ReadMessageHistory)) {
    return discordError(403, 50013, 'Missing Permissions');
  }
  const guild = core.world.guilds.get(channel.guildId) as Guild;
  const limit = Math.max(2, Math.min(Number(query.limit ?? 50) || 50, 100));
  const archivedAt = (c: Channel): number => Date.parse(c.thread?.archivedAt ?? c.thread?.createdAt ?? '');
  const before = query.before ? Date.parse(query.before) : Number.POSITIVE_INFINITY;
  if (Number.isNaN(before)) return discordError(400, 50035, 'Invalid Form Body: before is not a timestamp');
  const archived = threadsOf(
    guild,
    (c) => c.parentId === channelId && c.thread?.archived === true && archivedAt(c) < before,
  ).sort((a, b) => archivedAt(b) - archivedAt(a));
  const page = archived.slice(0, limit);
  return ok({ threads: page.map(channelJson), members: [], has_more: archived.length > page.length });
};

/** The bot's highest role position in the guild (the owner outranks everyone). */
const highestRole = (core: Core, guild: Guild): number => {
  const member = guild.members.get(core.world.bot.id);
  return Math.max(0, ...(member?.roles ?? []).map((id) => guild.roles.get(id)?.position ?? 0));
};

/** PUT and DELETE /guilds/:guild/members/:user/roles/:role. */
export const memberRole = (
  core: Core,
  guild: Guild,
  userId: string,
  roleId: string,
  add: boolean,
): HandlerResult => {
  const role = guild.roles.get(roleId);
  if (!role || role.id === guild.id) return discordError(404, 10011, 'Unknown Role');
  const member = guild.members.get(userId);
  if (!member) return discordError(404, 10007, 'Unknown Member');
  const bot = guild.members.get(core.world.bot.id);
  const perms = (bot?.roles ?? []).reduce(
    (acc, id) => acc | (guild.roles.get(id)?.permissions ?? 0n),
    guild.roles.get(guild.id)?.permissions ?? 0n,
  );
  const isOwner = guild.ownerId === core.world.bot.id;
  const canManage =
    isOwner || (perms & (PermissionFlagsBits.ManageRoles | PermissionFlagsBits.Administrator)) !== 0n;
  if (!canManage || (!isOwner && role.position >= highestRole(core, guild))) {
    return discordError(403, 50013, 'Missing Permissions');
  }
  const has = member.roles.includes(roleId);
  if (add && !has) member.roles.push(roleId);
  if (!add && has) member.roles.splice(member.roles.indexOf(roleId), 1);
  if (add !== has) {
    core.gateway.dispatch('GUILD_MEMBER_UPDATE', memberJson(core.world, guild, member), guild.id);
  }
  return { status: 204 };
};
