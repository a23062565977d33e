/**
 * The Poster digests go through on Discord (see src/digest/index.ts for the contract).
 *
 * Permissions are checked before each post rather than learnt from 403s: Discord bans a bot
 * temporarily after 10,000 invalid requests in 10 minutes. Messages carry the run's nonce with
 * enforce_nonce, so a resend after a crash is de-duplicated by Discord, and mention nobody.
 */
import {
  type Client,
  DiscordAPIError,
  type GuildTextBasedChannel,
  type Message,
  PermissionFlagsBits,
  type PermissionResolvable,
  SnowflakeUtil,
} from 'discord.js';
import { SNOWFLAKE } from '../config.js';
import { type ChannelCheck, DeliveryError, type Poster } from '../digest/index.js';

const NEEDED: [string, PermissionResolvable][] = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
];

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
  ): Promise<GuildTextBasedChannel | null | 'no-access'> => {
    // Ids that are no snowflake (the console's "briefings") would only earn a 400 from Discord.
    if (!SNOWFLAKE.test(channelId)) return null;
    try {
      const channel = await client.channels.fetch(channelId);
      if (!channel || channel.isDMBased() || !channel.isTextBased() || channel.guildId !== guildId)
        return null;
      return channel;
    } catch (error) {
      const code = apiCode(error);
      if (code === 10003) return null;
      if (code === 50001) return 'no-access';
      throw error;
    }
  };

  const missingIn = (channel: GuildTextBasedChannel): string[] => {
    const me = client.user;
    const permissions = me ? channel.permissionsFor(me) : null;
    if (!permissions) return NEEDED.map(([name]) => name);
    const needed: [string, PermissionResolvable][] = channel.isThread()
      ? [
          NEEDED[0] as [string, PermissionResolvable],
          ['Send Messages in Threads', PermissionFlagsBits.SendMessagesInThreads],
          NEEDED[2] as [string, PermissionResolvable],
        ]
      : NEEDED;
    return needed.filter(([, flag]) => !permissions.has(flag)).map(([name]) => name);
  };

  const check = async (guildId: string, channelId: string): Promise<ChannelCheck> => {
    const channel = await resolve(guildId, channelId);
    if (!channel) return { ok: false, reason: 'channel-gone' };
    if (channel === 'no-access')
      return { ok: false, reason: 'missing-permissions', missing: ['View Channel'] };
    const missing = missingIn(channel);
    return missing.length ? { ok: false, reason: 'missing-permissions', missing } : { ok: true };
  };

  return {
    check,
    serves: (guildId) => SNOWFLAKE.test(guildId),

    async send(guildId, channelId, reply, nonce) {
      const channel = await resolve(guildId, channelId);
      if (!channel) throw new DeliveryError(10003, 'channel not found');
      if (channel === 'no-access') throw new DeliveryError(50001, 'missing access', ['View Channel']);
      try {
        const message = await channel.send({
          ...(reply.content ? { content: reply.content } : {}),
          ...(reply.embeds ? { embeds: reply.embeds } : {}),
          ...(reply.components ? { components: reply.components } : {}),
          nonce,
          enforceNonce: true,
          allowedMentions: { parse: [] },
        });
        return message.id;
      } catch (error) {
        const code = apiCode(error);
        if (code === 50001 || code === 50013 || code === 10003) {
          // Discord does not say which permission; our own check usually can.
          const missing = code === 10003 ? [] : missingIn(channel);
          throw new DeliveryError(code, error instanceof Error ? error.message : String(error), missing);
        }
        throw error;
      }
    },

    async find(guildId, channelId, marker, since) {
      const channel = await resolve(guildId, channelId);
      if (!channel) return null;
      if (channel === 'no-access') throw new Error('cannot read the channel: missing access');
      const me = client.user;
      if (!me) throw new Error('not logged in');
      const ours = (m: Message) =>
        m.author.id === me.id && m.embeds.some((e) => e.footer?.text.includes(marker) === true);
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
