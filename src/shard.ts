/**
 * `npm run start:sharded`: one process per shard, for bots in many guilds (Discord requires
 * sharding from 2,500). Each shard runs src/main.ts with its own gateway connection and runs only
 * the schedules of the guilds it holds; all shards share the schedule store, which must be one
 * that several processes can share safely: SQLite (WAL, busy timeout, compare-and-set writes) or
 * PostgreSQL through STORE_URL. They also share the briefing cache in STATE_DIR.
 */
import { fileURLToPath } from 'node:url';
import { ShardingManager } from 'discord.js';
import { ConfigError, loadConfig } from './config.js';
import { explainDiscordFailure } from './discord/failures.js';
import { createLogger } from './log.js';

try {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  if (!config.DISCORD_TOKEN) throw new ConfigError(['DISCORD_TOKEN: expected the bot token to run shards']);
  const manager = new ShardingManager(fileURLToPath(new URL('./main.ts', import.meta.url)), {
    token: config.DISCORD_TOKEN,
    totalShards: 'auto',
    execArgv: ['--import', 'tsx'],
  });
  manager.on('shardCreate', (shard) => {
    log.info({ shardId: shard.id }, 'shard started');
    shard.on('death', () => log.error({ shardId: shard.id }, 'shard process exited'));
  });
  const stop = () => {
    for (const shard of manager.shards.values()) shard.kill();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await manager.spawn();
} catch (error) {
  // The shard count is asked of Discord's own API with the token, before any shard starts.
  console.error(
    explainDiscordFailure(error, undefined) ?? (error instanceof Error ? error.message : String(error)),
  );
  process.exit(2);
}
