/**
 * A real discord.js Client logged in against the fake, for the fake's own tests and for
 * benchmarks that need a bare client. The bot's own client (src/discord) is started the same way
 * with DISCORD_API_URL = fake.restUrl.
 */
import { once } from 'node:events';
import { Client, type ClientOptions, GatewayIntentBits } from 'discord.js';
import type { FakeDiscord } from './index.js';

export const loginClient = async (
  fake: FakeDiscord,
  options: Partial<ClientOptions> = {},
): Promise<Client> => {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    ...options,
    rest: { ...options.rest, api: fake.restUrl },
  });
  const ready = once(client, 'clientReady');
  await client.login(fake.token);
  await ready;
  return client;
};
