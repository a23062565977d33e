/**
 * The Poster digests go through on Discord (see src/digest/index.ts for the contract).
 *
 * Permissions are checked before each post rather than learnt from 403s: Discord bans a bot
 * temporarily after 10,000 invalid requests in 10 minutes. Messages carry the run's nonce with
 * enforce_nonce, so a resend after a crash is de-duplicated by Discord, and mention nobody.
 *
 * A forum takes each digest as a new post (title, tags, the digest as its first message); Discord
 * takes no nonce there, so `find` looks for the marker among the forum's posts. An announcement's
 * digest is published (a second publish is refused by Discord: done already); a thread started
 * from a message that has one already is that thread.
 */
import {
  type AnyThreadChannel,
  ChannelType,
  type Client,
  DiscordAPIError,
  type ForumChannel,
  type GuildTextBasedChannel,
  type Message,
  PermissionFlagsBits,
  type PermissionResolvable,
  SnowflakeUtil,
  type ThreadAutoArchiveDuration,
} from 'discord.js';
import { SNOWFLAKE } from '../config.js';
import {
  type ChannelCheck,
  type ChannelKind,
  DeliveryError,
  type Poster,
  ROLE_ELEVATED,
} from '../digest/index.js';

const NEEDED: [string, PermissionResolvable][] = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
];

const THREADS: [string, PermissionResolvable] = [
  'Create Public Threads',
  PermissionFlagsBits.CreatePublicThreads,
];

/**
 * What a role members give themselves with 🔔 Notify me must not grant: any member could press
 * the button, so a role with one of these would hand out moderation or the server's settings.
 */
const ELEVATED: [string, bigint][] = [
  ['Administrator', PermissionFlagsBits.Administrator],
  ['Manage Server', PermissionFlagsBits.ManageGuild],
  ['Manage Roles', PermissionFlagsBits.ManageRoles],
  ['Manage Channels', PermissionFlagsBits.ManageChannels],
  ['Manage Messages', PermissionFlagsBits.ManageMessages],
  ['Manage Threads', PermissionFlagsBits.ManageThreads],
  ['Manage Webhooks', PermissionFlagsBits.ManageWebhooks],
  ['Manage Nicknames', PermissionFlagsBits.ManageNicknames],
  ['Manage Expressions', PermissionFlagsBits.ManageGuildExpressions],
  ['Manage Events', PermissionFlagsBits.ManageEvents],
  ['Kick Members', PermissionFlagsBits.KickMembers],
  ['Ban Members', PermissionFlagsBits.BanMembers],
  ['Timeout Members', PermissionFlagsBits.ModerateMembers],
  ['Mention @everyone', PermissionFlagsBits.MentionEveryone],
  ['View Audit Log', PermissionFlagsBits.ViewAuditLog],
  ['Move Members', PermissionFlagsBits.MoveMembers],
  ['Mute Members', PermissionFlagsBits.MuteMembers],
  ['Deafen Members', PermissionFlagsBits.DeafenMembers],
];

/** The elevated permissions a role grants, by name (none: an empty list). */
export const elevatedIn = (permissions: bigint): string[] =>
  ELEVATED.filter(([, bit]) => (permissions & bit) === bit).map(([name]) => name);

/** Discord's refusals of a second publish and of a second thread on one message: both done already. */
const ALREADY_PUBLISHED = 40033;
const THREAD_EXISTS = 160004;

/** Discord's largest page of channel history. */
const PAGE_SIZE = 100;
/** Pages read when looking for a digest: bounded, so a flooded channel costs ten requests at most. */
const FIND_PAGES = 10;

const apiCode = (error: unknown): number | undefined =>
  error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;

export function createDiscordPoster(client: Client): Poster {
  /**
   * The channel if it exists in that guild and can hold messages; null when gone (a channel of
   * another guild counts as gone); 'no-access' when Discord hides it from the bot (50001).
   */
  const resolve = async (
    guildId: string,
    channelId: string,
  ): Promise<GuildTextBasedChannel | ForumChannel | null | 'no-access'> => {
    // Ids that are no snowflake (the console's "briefings") would only earn a 400 from Discord.
    if (!SNOWFLAKE.test(channelId)) return null;
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel || channel.isDMBased() || channel.guildId !== guildId) return null;
      if (channel.type === ChannelType.GuildForum) return channel;
      if (!channel.isTextBased()) return null;
      return channel;
    } catch (error) {
      const code = apiCode(error);
      if (code === 10003) return null;
      if (code === 50001) return 'no-access';
      throw error;
    }
  };

  const kindOf = (channel: GuildTextBasedChannel | ForumChannel): ChannelKind =>
    channel.type === ChannelType.GuildForum
      ? 'forum'
      : channel.isThread()
        ? 'thread'
        : channel.type === ChannelType.GuildAnnouncement
          ? 'announcement'
          : channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice
            ? 'voice'
            : 'text';

  /** In a forum, Send Messages is what creates posts. */
  const missingIn = (channel: GuildTextBasedChannel | ForumChannel, thread = false): string[] => {
    const me = client.user;
    const permissions = me ? channel.permissionsFor(me) : null;
    const kind = kindOf(channel);
    const needed: [string, PermissionResolvable][] =
      kind === 'thread'
        ? [
            NEEDED[0] as [string, PermissionResolvable],
            ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
            NEEDED[2] as [string, PermissionResolvable],
          ]
        : thread && kind !== 'forum'
          ? [...NEEDED, THREADS]
          : NEEDED;
    if (!permissions) return needed.map(([name]) => name);
    return needed.filter(([, flag]) => !permissions.has(flag)).map(([name]) => name);
  };

  const check = async (
    guildId: string,
    channelId: string,
    needs?: { thread?: boolean },
  ): Promise<ChannelCheck> => {
    const channel = await resolve(guildId, channelId);
    if (!channel) return { ok: false, reason: 'channel-gone' };
    if (channel === 'no-access')
      return { ok: false, reason: 'missing-permissions', missing: ['View Channel'] };
    const missing = missingIn(channel, needs?.thread === true);
    if (missing.length) return { ok: false, reason: 'missing-permissions', missing };
    const kind = kindOf(channel);
    if (channel.type !== ChannelType.GuildForum) return { ok: true, kind };
    return {
      ok: true,
      kind,
      forum: {
        tags: channel.availableTags.map((t) => ({ id: t.id, name: t.name })),
        requireTag: channel.flags.has('RequireTag'),
      },
    };
  };

  /**
   * The forum's posts by the bot created since the instant: active ones, then archived ones.
   * Discord lists archived posts by when they were archived, most recent first, whatever their age:
   * a post created since the instant was archived since it too, so the pages are read until one
   * ends before the instant. Past FIND_PAGES pages of posts archived since then we cannot tell.
   */
  const postsSince = async (forum: ForumChannel, since: Date): Promise<AnyThreadChannel[]> => {
    const me = client.user?.id;
    const recent = (t: AnyThreadChannel) =>
      t.parentId === forum.id && t.ownerId === me && SnowflakeUtil.timestampFrom(t.id) >= since.getTime();
    const posts = [...(await forum.guild.channels.fetchActiveThreads()).threads.values()];
    let before: Date | undefined;
    for (let page = 0; page < FIND_PAGES; page++) {
      const archived = await forum.threads.fetchArchived({
        type: 'public',
        limit: PAGE_SIZE,
        ...(before ? { before } : {}),
      });
      const threads = [...archived.threads.values()];
      posts.push(...threads);
      const oldest = Math.min(...threads.map((t) => t.archiveTimestamp ?? Number.POSITIVE_INFINITY));
      if (!archived.hasMore || !Number.isFinite(oldest) || oldest < since.getTime())
        return posts.filter(recent);
      // Posts archived in the same millisecond as the oldest are read again rather than skipped.
      before = new Date(oldest + 1);
    }
    throw new Error(
      `more than ${FIND_PAGES * PAGE_SIZE} posts archived since ${since.toISOString()}: cannot tell whether the digest is among them`,
    );
  };

  return {
    check,
    serves: (guildId) => SNOWFLAKE.test(guildId),

    async send(guildId, channelId, reply, nonce, post) {
      const channel = await resolve(guildId, channelId);
      if (!channel) throw new DeliveryError(10003, 'channel not found');
      if (channel === 'no-access') throw new DeliveryError(50001, 'missing access', ['View Channel']);
      const body = {
        ...(reply.content ? { content: reply.content } : {}),
        ...(reply.embeds ? { embeds: reply.embeds } : {}),
        ...(reply.components ? { components: reply.components } : {}),
        // Nobody is pinged but the schedule's role, when it has one.
        allowedMentions: post?.mentionRoleId ? { parse: [], roles: [post.mentionRoleId] } : { parse: [] },
      };
      try {
        if (channel.type === ChannelType.GuildForum) {
          const forum = post?.forum ?? { title: 'Looking ahead', tags: [] };
          const created = await channel.threads.create({
            name: forum.title,
            ...(forum.tags.length ? { appliedTags: forum.tags } : {}),
            message: body,
          });
          return created.id;
        }
        const message = await channel.send({ ...body, nonce, enforceNonce: true });
        return message.id;
      } catch (error) {
        const code = apiCode(error);
        if (code === 40067) throw new DeliveryError(40067, 'the forum requires a tag');
        if (code === 50001 || code === 50013 || code === 10003) {
          // Discord does not say which permission; our own check usually can.
          const missing = code === 10003 ? [] : missingIn(channel);
          throw new DeliveryError(code, error instanceof Error ? error.message : String(error), missing);
        }
        throw error;
      }
    },

    async roleCheck(guildId, roleId, channelId) {
      if (!SNOWFLAKE.test(roleId)) return { ok: false, reason: 'role-gone' };
      const guild = await client.guilds.fetch(guildId);
      const role = await guild.roles.fetch(roleId).catch((error: unknown) => {
        if (apiCode(error) === 10011) return null;
        throw error;
      });
      if (!role) return { ok: false, reason: 'role-gone' };
      const me = await guild.members.fetchMe();
      const problems: string[] = [];
      if (!me.permissions.has(PermissionFlagsBits.ManageRoles)) {
        problems.push('I need Manage Roles to give and take it (Server Settings → Roles → my role)');
      }
      const elevated = elevatedIn(role.permissions.bitfield);
      if (elevated.length) {
        problems.push(
          `it grants ${elevated.join(', ')}, and any member could give it to themselves with 🔔 Notify me: pick a role without such permissions`,
        );
      }
      if (role.managed) problems.push('it is managed by an integration, so nobody can be given it');
      else if (role.comparePositionTo(me.roles.highest) >= 0) {
        problems.push(
          `it is not below my highest role (${me.roles.highest.name}): drag my role above it in Server Settings → Roles`,
        );
      }
      const channel = await resolve(guildId, channelId);
      const canPingAny =
        channel &&
        channel !== 'no-access' &&
        channel.permissionsFor(me).has(PermissionFlagsBits.MentionEveryone);
      if (!role.mentionable && !canPingAny) {
        problems.push('it is not mentionable: turn on "Allow anyone to @mention this role" in its settings');
      }
      return problems.length
        ? { ok: false, reason: 'not-manageable', name: role.name, problems }
        : { ok: true, name: role.name };
    },

    async toggleRole(guildId, userId, roleId) {
      try {
        const guild = await client.guilds.fetch(guildId);
        const member = await guild.members.fetch(userId);
        if (member.roles.cache.has(roleId)) {
          await member.roles.remove(roleId);
          return false;
        }
        // Checked again at every press: a role may have been given permissions since it was chosen.
        const role = await guild.roles.fetch(roleId);
        const elevated = role ? elevatedIn(role.permissions.bitfield) : [];
        if (elevated.length) throw new DeliveryError(ROLE_ELEVATED, `the role grants ${elevated.join(', ')}`);
        await member.roles.add(roleId);
        return true;
      } catch (error) {
        const code = apiCode(error);
        if (code === 10011) throw new DeliveryError(10011, 'the role was deleted');
        if (code === 50013 || code === 50001)
          throw new DeliveryError(code, 'missing permission: Manage Roles', ['Manage Roles']);
        throw error;
      }
    },

    async publish(guildId, channelId, messageId) {
      const channel = await resolve(guildId, channelId);
      if (!channel) throw new DeliveryError(10003, 'channel not found');
      if (channel === 'no-access') throw new DeliveryError(50001, 'missing access', ['View Channel']);
      if (channel.type !== ChannelType.GuildAnnouncement) return;
      try {
        await channel.messages.crosspost(messageId);
      } catch (error) {
        if (apiCode(error) === ALREADY_PUBLISHED) return;
        throw error;
      }
    },

    async startThread(guildId, channelId, messageId, thread) {
      const channel = await resolve(guildId, channelId);
      if (!channel) throw new DeliveryError(10003, 'channel not found');
      if (channel === 'no-access') throw new DeliveryError(50001, 'missing access', ['View Channel']);
      if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
        throw new Error('threads are started in text and announcement channels only');
      }
      try {
        const created = await channel.threads.create({
          name: thread.name,
          startMessage: messageId,
          autoArchiveDuration: thread.autoArchiveMinutes as ThreadAutoArchiveDuration,
        });
        return created.id;
      } catch (error) {
        // Discord gives a message one thread, with the message's id.
        if (apiCode(error) === THREAD_EXISTS) return messageId;
        const code = apiCode(error);
        if (code === 50013 || code === 50001) {
          throw new DeliveryError(code, 'missing permission: Create Public Threads', [
            'Create Public Threads',
          ]);
        }
        throw error;
      }
    },

    postedAt: (messageId) =>
      SNOWFLAKE.test(messageId) ? new Date(SnowflakeUtil.timestampFrom(messageId)) : undefined,

    async find(guildId, channelId, marker, since) {
      const channel = await resolve(guildId, channelId);
      if (!channel) return null;
      if (channel === 'no-access') throw new Error('cannot read the channel: missing access');
      const me = client.user;
      if (!me) throw new Error('not logged in');
      const ours = (m: Message) =>
        m.author.id === me.id && m.embeds.some((e) => e.footer?.text.includes(marker) === true);
      if (channel.type === ChannelType.GuildForum) {
        // A post's first message has the post's id.
        for (const post of await postsSince(channel, since)) {
          const first = await post.messages.fetch(post.id).catch((error: unknown) => {
            if (apiCode(error) === 10008) return null;
            throw error;
          });
          if (first && ours(first)) return post.id;
        }
        return null;
      }
      // A busy channel can hold hundreds of messages since the run started; a digest not on the
      // first page is not absent. Only an exhausted history says "absent": past the last page we
      // cannot tell, and the caller must not resend (a duplicate cannot be taken back).
      let after = SnowflakeUtil.generate({ timestamp: since }).toString();
      for (let page = 0; page < FIND_PAGES; page++) {
        const messages = await channel.messages.fetch({ after, limit: PAGE_SIZE });
        const found = messages.find(ours);
        if (found) return found.id;
        if (messages.size < PAGE_SIZE) return null;
        after = messages.reduce((newest, m) => (BigInt(m.id) > BigInt(newest) ? m.id : newest), after);
      }
      throw new Error(
        `no digest marked "${marker}" among the first ${FIND_PAGES * PAGE_SIZE} messages since ${since.toISOString()}, and the channel holds more`,
      );
    },
  };
}
