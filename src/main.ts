/**
 * Entry point: `npm start` runs the Discord bot when DISCORD_TOKEN is set and the local console
 * otherwise (`--console` forces it). Config is checked before anything starts; SIGINT and SIGTERM
 * stop schedules, close the gateway and the store, and exit.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { type App, createApp } from './app.js';
import { type Config, ConfigError, loadConfig, SetupError } from './config.js';
import { CONSOLE_CHANNELS, CONSOLE_ROLES } from './console/guild.js';
import { createConsolePoster, startConsole } from './console/index.js';
import { startBot } from './discord/bot.js';
import { explainDiscordFailure } from './discord/failures.js';
import { createLogger, type Logger } from './log.js';

function onSignals(stop: () => Promise<void>, log: Logger) {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function runDiscord(config: Config & { DISCORD_TOKEN: string }) {
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  log.info({ dataDir: config.DATA_DIR, apiUrl: config.DISCORD_API_URL ?? 'default' }, 'starting Attaché');
  // A failure nobody awaited is logged with its stack; one slip must not take every guild down.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  const starting = startBot(config, log);
  // Installed before start-up finishes: a stop during catch-up still shuts down cleanly.
  onSignals(async () => (await starting).stop(), log);
  try {
    await starting;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SetupError) throw error;
    const explained = explainDiscordFailure(error, config.DISCORD_API_URL);
    if (explained) throw new SetupError(explained);
    log.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
}

function makeStateDir(dir: string) {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SetupError(
      `STATE_DIR: cannot create the folder ${dir} (${reason}); point STATE_DIR at a folder this user can write to.`,
    );
  }
}

async function runLocalConsole(config: Config): Promise<number> {
  // The console's own output is the answers; logs go to stderr, quiet unless asked for.
  const level = process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn';
  const log = createLogger({ level, format: config.LOG_FORMAT ?? 'json', destination: pino.destination(2) });
  makeStateDir(config.STATE_DIR);
  const abort = new AbortController();
  let session: ReturnType<typeof startConsole> | undefined;
  const app: App = await createApp({
    config,
    log,
    poster: createConsolePoster(
      (post) => session?.post(post.channelId, post.reply, post.note),
      (channelId, line) => session?.post(channelId, { content: line }, 'update'),
    ),
  });
  session = startConsole({
    registry: app.registry,
    makeContext: app.makeContext,
    input: process.stdin,
    output: process.stdout,
    log,
    historyFile: join(config.STATE_DIR, 'console-history'),
    channels: CONSOLE_CHANNELS.map(({ id, name }) => ({ id, name })),
    roles: CONSOLE_ROLES.map(({ id, name }) => ({ id, name })),
    signal: abort.signal,
  });
  await app.startSchedules();
  process.once('SIGTERM', () => abort.abort());
  const result = await session.done;
  await app.stop();
  return result.exitCode;
}

async function main() {
  const config = loadConfig();
  const token = config.DISCORD_TOKEN;
  if (token && !process.argv.includes('--console')) {
    await runDiscord({ ...config, DISCORD_TOKEN: token });
  } else {
    process.exit(await runLocalConsole(config));
  }
}

try {
  await main();
} catch (error) {
  // A configuration problem found at boot (the environment, or a folder, store or API it names) is
  // one clear message, not a stack trace.
  if (!(error instanceof ConfigError || error instanceof SetupError)) throw error;
  console.error(error.message);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
