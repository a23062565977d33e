/**
 * The channels of a guild a digest can go to, and its roles, by id and name, for an import that
 * maps the channels and roles of another server by name (Poster.channels, Poster.roles). The gateway's cache holds every channel of the
 * guilds the bot is in; a guild not cached yet is asked for over REST.
 */
import { ChannelType, type Client, type GuildBasedChannel } from 'discord.js';
import type { Poster } from '../digest/index.js';

const TARGETS = new Set<ChannelType>([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildForum,
]);

export function guildChannels(client: Client): NonNullable<Poster['channels']> {
  return async (guildId) => {
    const guild = client.guilds.cache.get(guildId) ?? (await client.guilds.fetch(guildId));
    const channels: Iterable<GuildBasedChannel | null> =
      guild.channels.cache.size > 0 ? guild.channels.cache.values() : (await guild.channels.fetch()).values();
    const found: { id: string; name: string }[] = [];
    for (const channel of channels) {
      if (channel && TARGETS.has(channel.type)) found.push({ id: channel.id, name: channel.name });
    }
    return found;
  };
}

/** The roles of a guild by id and name, but @everyone (Poster.roles), for an import's mapping. */
export function guildRoles(client: Client): NonNullable<Poster['roles']> {
  return async (guildId) => {
    const guild = client.guilds.cache.get(guildId) ?? (await client.guilds.fetch(guildId));
    const roles = guild.roles.cache.size > 0 ? guild.roles.cache : await guild.roles.fetch();
    return [...roles.values()].filter((r) => r.id !== guildId).map((r) => ({ id: r.id, name: r.name }));
  };
}
