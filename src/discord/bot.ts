/**
 * The Discord transport: one client, one interaction dispatcher, digests through the Discord
 * Poster. Schedules start once the client is ready, when its shards are known: a process runs the
 * schedules of its shards' guilds, each while it holds that shard's lease (src/digest/lease.ts).
 */
import { type Client, Events, type Interaction } from 'discord.js';
import { type App, type AppSeams, createApp } from '../app.js';
import type { Config } from '../config.js';
import type { ShardSet } from '../digest/lease.js';
import type { Logger } from '../log.js';
import { createRateLimiter } from '../ratelimit.js';
import { guildChannels, guildRoles } from './channels.js';
import { createClient } from './client.js';
import { createDispatcher } from './dispatcher.js';
import { createDiscordPoster } from './poster.js';

export interface Bot {
  app: App;
  client: Client;
  stop(): Promise<void>;
}

/**
 * The shards this client runs: those ShardingManager gave it (SHARDS, SHARD_COUNT), those set in
 * its options, or the ones Discord's recommended count gave after login; without sharding, 0 of 1.
 */
export function shardsOf(client: Client): ShardSet {
  const { shards, shardCount } = client.options;
  const ids = Array.isArray(shards) ? [...shards] : typeof shards === 'number' ? [shards] : [0];
  return { ids, total: Math.max(shardCount ?? 1, 1) };
}

export async function startBot(
  config: Config & { DISCORD_TOKEN: string },
  log: Logger,
  seams: AppSeams = {},
): Promise<Bot> {
  const client = createClient({ apiUrl: config.DISCORD_API_URL });
  const app = await createApp({
    ...seams,
    config,
    log,
    // An import maps another server's channels and roles to this one's by name (see channels.ts).
    poster: { ...createDiscordPoster(client), channels: guildChannels(client), roles: guildRoles(client) },
    shards: () => shardsOf(client),
  });
  const dispatch = createDispatcher({
    registry: app.registry,
    log,
    makeContext: app.makeContext,
    rateLimit: createRateLimiter({ perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST }),
  });

  const onInteraction = (interaction: Interaction) => {
    dispatch(interaction).catch((error: unknown) => log.error({ err: error }, 'dispatch failed'));
  };
  client.on(Events.InteractionCreate, onInteraction);
  client.on(Events.Error, (error) => log.error({ err: error }, 'client error'));
  client.on(Events.ShardDisconnect, (event, shardId) =>
    log.warn({ code: event.code, shardId }, 'gateway disconnected'),
  );
  client.on(Events.ShardResume, (shardId) => log.info({ shardId }, 'gateway resumed'));

  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (c) => {
      log.info({ user: c.user.tag, guilds: c.guilds.cache.size }, 'connected to Discord');
      app.startSchedules().then(resolve, (error: unknown) => {
        log.error({ err: error }, 'schedules could not start');
        resolve();
      });
    });
  });
  await client.login(config.DISCORD_TOKEN);
  await ready;

  return {
    app,
    client,
    /**
     * Stops taking interactions first, then lets runs in flight finish (they still need the
     * gateway and REST), closes the store, and only then leaves the gateway.
     */
    async stop() {
      client.off(Events.InteractionCreate, onInteraction);
      await app.stop();
      await client.destroy();
    },
  };
}
