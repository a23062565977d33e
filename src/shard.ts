/**
 * `npm run start:sharded`: one process per shard, for bots in many guilds (Discord requires
 * sharding from 2,500). Each shard runs src/main.ts with its own gateway connection and runs only
 * the schedules of the guilds it holds; all shards share the schedule store, which must be one
 * that several processes can share safely: SQLite (WAL, busy timeout, compare-and-set writes) or
 * PostgreSQL through STORE_URL. They also share the briefing cache in STATE_DIR.
 *
 * TOTAL_SHARDS fixes the count, and SHARD_IDS the part of it this machine runs (several machines
 * split one total). Without TOTAL_SHARDS the count Discord recommends is asked of DISCORD_API_URL:
 * discord.js's own helper always asks discord.com, which a proxy or a test server never sees.
 * ShardingManager hands each child SHARDS and SHARD_COUNT, which discord.js's Client reads itself.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REST, type RESTGetAPIGatewayBotResult, Routes, type Shard, ShardingManager } from 'discord.js';
import { ConfigError, loadConfig } from './config.js';
import { explainDiscordFailure } from './discord/failures.js';
import { createLogger, type Logger } from './log.js';

/** Sent with the count request, so Discord's (or a proxy's) logs tell it from the shards' own. */
export const MANAGER_USER_AGENT = 'Attache-ShardingManager';
/** Between two shards' starts, as ShardingManager does: Discord spaces out a bot's IDENTIFYs. */
const SPAWN_DELAY_MS = 5500;
const READY_TIMEOUT_MS = 30_000;
/** How long a shard gets to close its gateway and store after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 15_000;

async function recommendedShardCount(token: string, apiUrl: string | undefined): Promise<number> {
  const rest = new REST({ userAgentAppendix: MANAGER_USER_AGENT, ...(apiUrl ? { api: apiUrl } : {}) });
  const gateway = (await rest.setToken(token).get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return gateway.shards;
}

/** Sends SIGTERM (the shard's own clean shutdown) and waits for the process to end. */
async function stopShard(shard: Shard, log: Logger): Promise<void> {
  const child = shard.process as ChildProcess | null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  shard.kill();
  const timeout = sleep(STOP_TIMEOUT_MS, 'timeout' as const, { ref: false });
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    log.warn({ shardId: shard.id }, 'shard did not stop in time; killing it');
    child.kill('SIGKILL');
    await exited;
  }
}

const explain = (error: unknown, apiUrl: string | undefined): string =>
  explainDiscordFailure(error, apiUrl) ?? (error instanceof Error ? error.message : String(error));

async function main() {
  let apiUrl: string | undefined;
  try {
    const config = loadConfig();
    apiUrl = config.DISCORD_API_URL;
    const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const token = config.DISCORD_TOKEN;
    if (!token) throw new ConfigError(['DISCORD_TOKEN: expected the bot token to run shards']);
    const totalShards = config.TOTAL_SHARDS ?? (await recommendedShardCount(token, apiUrl));
    const shardList = config.SHARD_IDS ?? Array.from({ length: totalShards }, (_, id) => id);
    log.info(
      { totalShards, shardList, counted: config.TOTAL_SHARDS === undefined ? 'recommended' : 'TOTAL_SHARDS' },
      'starting shards',
    );
    const manager = new ShardingManager(fileURLToPath(new URL('./main.ts', import.meta.url)), {
      token,
      totalShards,
      shardList,
      execArgv: ['--import', 'tsx'],
    });

    let stopping = false;
    const stopAll = () => Promise.all([...manager.shards.values()].map((shard) => stopShard(shard, log)));
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping shards');
      await stopAll();
      log.info('every shard stopped');
      process.exit(0);
    };
    process.once('SIGINT', (signal) => void stop(signal));
    process.once('SIGTERM', (signal) => void stop(signal));

    // Spawned one by one here rather than by manager.spawn(), so that a stop between two shards
    // starts no further one, and a shard that cannot start stops the ones already running.
    for (const [index, shardId] of shardList.entries()) {
      if (stopping) break;
      const shard = manager.createShard(shardId);
      shard.on('death', () => {
        if (!stopping) log.error({ shardId }, 'shard process exited; starting it again');
      });
      log.info({ shardId }, 'shard starting');
      try {
        await shard.spawn(READY_TIMEOUT_MS);
      } catch (error) {
        if (stopping) break;
        stopping = true;
        await stopAll();
        throw error;
      }
      log.info({ shardId }, 'shard ready');
      if (index < shardList.length - 1) await sleep(SPAWN_DELAY_MS);
    }
  } catch (error) {
    // The shard count is asked of DISCORD_API_URL with the token, before any shard starts; a shard
    // that cannot start has already printed why (its output is this process's).
    console.error(explain(error, apiUrl));
    process.exit(2);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
