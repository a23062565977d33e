/**
 * Channel messages as Discord handles them: permission checks computed from roles and overwrites
 * (50001 / 50013), 10003 for a deleted channel, enforce_nonce de-duplication, who would really be
 * pinged, and the message JSON discord.js builds its Message from.
 */
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { type Core, type FakeMessage, storeMessage } from './core.js';
import type { Problem } from './rules.js';
import { findChannel, permissionsIn, userJson } from './state.js';

export interface HandlerResult {
  status: number;
  body?: unknown;
  /** A rule broken by the bot: recorded in `fake.violations` whatever the status. */
  violation?: { kind: 'payload' | 'interaction' | 'mentions'; problems: Problem[] };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const discordError = (status: number, code: number, message: string): HandlerResult => ({
  status,
  body: { code, message },
});

const GUILD_MESSAGES_EVENTS = 'MESSAGE_CREATE';

/**
 * Who the message would ping, as Discord decides: without `allowed_mentions`, @everyone, roles and
 * users in the content all ping (discord.js sets no default).
 */
const mentionsOf = (core: Core, channelId: string, content: string, allowed: unknown) => {
  const parse = isObject(allowed)
    ? Array.isArray(allowed.parse)
      ? allowed.parse
      : []
    : ['everyone', 'users', 'roles'];
  const listed = (key: string) => (isObject(allowed) && Array.isArray(allowed[key]) ? allowed[key] : []);
  const users = [...content.matchAll(/<@!?(\d+)>/g)]
    .map((m) => m[1] ?? '')
    .filter((id) => parse.includes('users') || listed('users').includes(id));
  // A role nobody may mention pings only when the sender may mention every role.
  const channel = findChannel(core.world, channelId);
  const guild = channel ? core.world.guilds.get(channel.guildId) : undefined;
  const mayPingAll =
    channel !== undefined &&
    (permissionsIn(core.world, channel, core.world.bot.id) & PermissionFlagsBits.MentionEveryone) !== 0n;
  const roles = [...content.matchAll(/<@&(\d+)>/g)]
    .map((m) => m[1] ?? '')
    .filter((id) => parse.includes('roles') || listed('roles').includes(id))
    .filter((id) => mayPingAll || guild?.roles.get(id)?.mentionable === true);
  return {
    mention_everyone: /@(everyone|here)\b/.test(content) && parse.includes('everyone'),
    mentions: users.map((id) => {
      const user = core.world.users.get(id);
      return user ? userJson(user) : { id };
    }),
    mention_roles: roles,
  };
};

/**
 * With `requireSafeMentions`, every message body must say `allowed_mentions: { parse: [] }`; it may
 * also list roles, each of them pinged in its content (an opt-in role ping names exactly its role).
 */
export const mentionProblems = (core: Core, data: unknown, at = ''): Problem[] => {
  if (!core.options.requireSafeMentions || !isObject(data)) return [];
  if (data.content === undefined && data.embeds === undefined && data.components === undefined) return [];
  const allowed = data.allowed_mentions;
  const content = typeof data.content === 'string' ? data.content : '';
  const roles = isObject(allowed) && Array.isArray(allowed.roles) ? allowed.roles : [];
  const safe =
    isObject(allowed) &&
    Array.isArray(allowed.parse) &&
    allowed.parse.length === 0 &&
    (!Array.isArray(allowed.users) || allowed.users.length === 0) &&
    roles.every((id) => content.includes(`<@&${String(id)}>`));
  return safe
    ? []
    : [
        {
          path: at ? `${at}.allowed_mentions` : 'allowed_mentions',
          code: 'ALLOWED_MENTIONS_MISSING',
          message: 'Message bodies must carry allowed_mentions: { parse: [] } so nobody is pinged',
        },
      ];
};

export const buildMessage = (
  core: Core,
  channelId: string,
  body: Json,
  extra: Partial<FakeMessage> = {},
): FakeMessage => {
  const channel = findChannel(core.world, channelId);
  const content = typeof body.content === 'string' ? body.content : '';
  return {
    id: core.world.nextId(),
    channel_id: channelId,
    ...(channel ? { guild_id: channel.guildId } : {}),
    author: userJson(core.world.bot),
    content,
    embeds: (Array.isArray(body.embeds) ? body.embeds : []) as FakeMessage['embeds'],
    components: (Array.isArray(body.components) ? body.components : []) as FakeMessage['components'],
    flags: typeof body.flags === 'number' ? body.flags : 0,
    ...(typeof body.nonce === 'string' || typeof body.nonce === 'number' ? { nonce: body.nonce } : {}),
    timestamp: new Date(core.world.now()).toISOString(),
    edited_timestamp: null,
    type: 0,
    tts: body.tts === true,
    attachments: [],
    pinned: false,
    ...mentionsOf(core, channelId, content, body.allowed_mentions),
    ...extra,
  };
};

/** Apply an edit body to a stored message in place (the object identity stays for finders). */
export const applyEdit = (core: Core, message: FakeMessage, body: Json): FakeMessage => {
  if ('content' in body) message.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body)
    message.embeds = (Array.isArray(body.embeds) ? body.embeds : []) as FakeMessage['embeds'];
  if ('components' in body) {
    message.components = (Array.isArray(body.components) ? body.components : []) as FakeMessage['components'];
  }
  if (typeof body.flags === 'number') message.flags = (message.flags & 64) | (body.flags & ~64);
  Object.assign(message, mentionsOf(core, message.channel_id, message.content, body.allowed_mentions));
  message.edited_timestamp = new Date(core.world.now()).toISOString();
  return message;
};

/** 10003 / 50001 / 50013, or undefined when the bot may post this body here. */
export const channelAccess = (
  core: Core,
  channelId: string,
  body: Json | undefined,
): HandlerResult | undefined => {
  const channel = findChannel(core.world, channelId);
  if (!channel) return discordError(404, 10003, 'Unknown Channel');
  const perms = permissionsIn(core.world, channel, core.world.bot.id);
  if (!(perms & PermissionFlagsBits.ViewChannel)) return discordError(403, 50001, 'Missing Access');
  if (body === undefined) return undefined;
  // A forum holds posts (threads), not messages.
  if (channel.type === ChannelType.GuildForum) {
    return discordError(400, 50024, 'Cannot execute action on this channel type');
  }
  // In a thread, Send Messages in Threads stands in for Send Messages.
  const send = channel.thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  if (!(perms & send)) return discordError(403, 50013, 'Missing Permissions');
  const hasEmbeds = Array.isArray(body.embeds) && body.embeds.length > 0;
  if (hasEmbeds && !(perms & PermissionFlagsBits.EmbedLinks))
    return discordError(403, 50013, 'Missing Permissions');
  return undefined;
};

export const createChannelMessage = (core: Core, channelId: string, body: unknown): HandlerResult => {
  const json = isObject(body) ? body : {};
  const refused = channelAccess(core, channelId, json);
  if (refused) return refused;
  const now = core.world.now();
  const nonce =
    typeof json.nonce === 'string' || typeof json.nonce === 'number' ? String(json.nonce) : undefined;
  const nonceKey = nonce !== undefined && json.enforce_nonce === true ? `${channelId}:${nonce}` : undefined;
  if (nonceKey) {
    const seen = core.nonces.get(nonceKey);
    const original =
      seen && now - seen.at < core.options.nonceWindowMs && core.messageIndex.get(seen.messageId);
    if (original) return { status: 200, body: original };
  }
  const message = buildMessage(core, channelId, json);
  storeMessage(core, message, false);
  if (nonceKey) core.nonces.set(nonceKey, { messageId: message.id, at: now });
  core.gateway.dispatch(GUILD_MESSAGES_EVENTS, message, message.guild_id);
  const problems = mentionProblems(core, json);
  return {
    status: 200,
    body: message,
    ...(problems.length ? { violation: { kind: 'mentions', problems } } : {}),
  };
};

export const channelMessage = (core: Core, channelId: string, messageId: string): FakeMessage | undefined => {
  const message = core.messageIndex.get(messageId);
  return message && message.channel_id === channelId && !(message.flags & 64) ? message : undefined;
};
