/**
 * The discord.js client as Attaché needs it: guild events only (no privileged intents), nobody
 * pinged by default, and REST (and so the gateway URL) pointed at DISCORD_API_URL when set.
 */
import { Client, GatewayIntentBits, Options, Partials } from 'discord.js';

interface ClientOptions {
  apiUrl?: string | undefined;
}

export function createClient({ apiUrl }: ClientOptions = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    partials: [Partials.Channel],
    allowedMentions: { parse: [], repliedUser: false },
    // Only guilds, channels, roles and the bot's own member are needed (permission checks);
    // messages are never read back, so their cache stays empty on many-guild deployments.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      ReactionManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildMemberManager: { maxSize: 1, keepOverLimit: (member) => member.id === member.client.user.id },
    }),
    ...(apiUrl ? { rest: { api: apiUrl } } : {}),
  });
}
