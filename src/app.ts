/**
 * Wiring shared by every transport: config → library (hot-reloaded) → commands → schedules.
 * The transport (Discord or the console) supplies the Poster digests go through and calls
 * `makeContext` for each interaction.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { CommandContext, InteractionFacts } from '../commands/index.js';

export type { InteractionFacts } from '../commands/index.js';

import { join } from 'node:path';
import { type Archive, openArchive } from './briefings/archive.js';
import type { Library } from './briefings/index.js';
import { buildLibraryAsync } from './briefings/library.js';
import { openDataArchive, validationRules } from './briefings/loader.js';
import { createLiveLibrary, type LiveLibrary } from './briefings/reload.js';
import { type Config, SetupError } from './config.js';
import { prepareDigests } from './digest/ahead.js';
import { describeError, type Poster, type StatusProvider, StoreError } from './digest/index.js';
import type { ShardSet } from './digest/lease.js';
import { createDigestRuntime, type DigestRuntime } from './digest/runtime.js';
import type { CronLike } from './digest/scheduler.js';
import { type Logger, redactTokens } from './log.js';
import { loadCommands, type Registry } from './registry.js';

export interface App {
  readonly registry: Registry;
  readonly live: LiveLibrary;
  readonly digests: DigestRuntime;
  makeContext(facts: InteractionFacts): CommandContext;
  /** Catches up on missed digests and starts the schedules' cron tasks. */
  startSchedules(): Promise<void>;
  /** Stops schedules and the data watcher, and closes the store. */
  stop(): Promise<void>;
}

interface AppOptions {
  config: Config;
  log: Logger;
  poster: Poster;
  now?: () => Date;
  random?: () => number;
  /**
   * The Discord shards this process runs, read when the schedules start (the client knows them
   * once logged in): only their guilds' schedules run here, and only while this process holds the
   * shard's lease. The console passes none: it runs its own guild and takes no lease.
   */
  shards?: () => ShardSet;
  /** Watch data/ for changes (off in tests that don't need it). */
  watch?: boolean;
  /** Fires the schedules; node-cron unless a test drives the clock itself. */
  cron?: CronLike;
}

/** What tests and benchmarks may replace: the clock and what fires the schedules. */
export type AppSeams = Pick<AppOptions, 'now' | 'cron' | 'watch'>;

export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const startedAt = now();

  const dataLog = log.child({ component: 'data' });
  const archive = openBriefingCache(config, dataLog);
  const live = await createLiveLibrary({
    dir: config.DATA_DIR,
    build: (load, previous) => buildLibraryAsync(load, { archive, previous }),
    log: dataLog,
    debounceMs: config.RELOAD_DEBOUNCE_MS,
    watch: options.watch ?? true,
    load: { archive },
  }).catch((error: unknown) => {
    archive.close();
    throw error;
  });
  const registry = await loadCommands();
  const preparers = [...registry.commands.values()].flatMap((c) => (c.prepare ? [c.prepare] : []));
  /**
   * Builds what the commands derive from a snapshot as soon as it is live, one command per turn of
   * the event loop, so the first answers after a start or a reload do not pay for it.
   */
  const prepare = async (library: Library) => {
    for (const run of preparers) {
      if (live.current() !== library) return;
      try {
        run(library);
      } catch (error) {
        dataLog.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'preparing answers failed',
        );
      }
      await yieldToEventLoop();
    }
  };
  await prepare(live.current());
  live.onReload((info) => {
    if (info.outcome === 'ok' || info.outcome === 'partial') void prepare(live.current());
  });
  const digests = await createDigestRuntime({
    storeUrl: config.STORE_URL,
    poster: options.poster,
    library: () => live.current(),
    now,
    defaultTimezone: config.DEFAULT_TIMEZONE,
    minIntervalMinutes: config.SCHEDULE_MIN_INTERVAL_MINUTES,
    maxPerGuild: config.SCHEDULE_MAX_PER_GUILD,
    catchUpWindowHours: config.CATCH_UP_WINDOW_HOURS,
    log: log.child({ component: 'digest' }),
    ...(options.shards ? { shards: options.shards } : {}),
    ...(options.cron ? { cron: options.cron } : {}),
  }).catch((error: unknown) => {
    throw error instanceof StoreError ? storeSetupError(config, error) : error;
  });

  const status: StatusProvider = {
    uptimeMs: () => now().getTime() - startedAt.getTime(),
    operator: (guildId) => guildId === config.OPERATOR_GUILD_ID,
    shard: (guildId) => digests.shardStatus(guildId),
    data: () => {
      const reload = live.lastReload();
      return {
        loadedAt: live.current().loadedAt,
        ...(reload ? { lastReloadAt: reload.at } : {}),
        problems: live.problems(),
      };
    },
  };

  return {
    registry,
    live,
    digests,
    makeContext: (facts) => ({
      ...facts,
      library: live.current(),
      now,
      random,
      services: { schedules: digests.schedules, status },
    }),
    async startSchedules() {
      // The digests' indexes take ~0.1 s to build at 10,000 briefings: at start, before the first
      // fan-out; after a reload, the first digest builds them.
      prepareDigests(live.current());
      const reports = await digests.start();
      log.info({ reports }, 'schedules started');
    },
    async stop() {
      await digests.stop();
      await live.close();
      archive.close();
    },
  };
}

/**
 * The briefing cache beside the store (STATE_DIR/briefings.sqlite): briefings already checked are
 * not parsed again at the next start, and their text stays out of the heap. It is only a cache: if
 * it cannot be opened, the bot starts on a temporary one, slower, and says why.
 */
function openBriefingCache(config: Config, log: Logger): Archive {
  const file = join(config.STATE_DIR, 'briefings.sqlite');
  const warn = (detail: object, message: string) => log.warn(detail, message);
  try {
    return openDataArchive(file, warn);
  } catch (error) {
    log.warn(
      { file, reason: error instanceof Error ? error.message : String(error) },
      'cannot open the briefing cache: using a temporary one (every start checks every file again)',
    );
    return openArchive({ rules: validationRules(), warn });
  }
}

/**
 * A store that cannot be opened at start is the operator's to fix: one line naming the setting
 * (STATE_DIR when the store is its default file), where the store is (a file, or a scheme and
 * host: never a user or password) and what to check.
 */
function storeSetupError(config: Config, error: StoreError): SetupError {
  const url = config.STORE_URL;
  const reason = redactTokens(describeError(error.cause ?? error));
  const file = /^sqlite:\/\/(.*)$/i.exec(url)?.[1];
  if (file !== undefined) {
    const setting = url === `sqlite://${config.STATE_DIR}/attache.sqlite` ? 'STATE_DIR' : 'STORE_URL';
    return new SetupError(
      `${setting}: cannot open the store file ${file} (${reason}); check that its folder can be created and written by this user and that the file is an SQLite database (move it aside to start afresh).`,
    );
  }
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const where = parsed ? `${parsed.protocol}//${parsed.host}` : 'STORE_URL';
  return new SetupError(
    `STORE_URL: cannot open the store at ${where} (${reason}); check that the server is running and reachable from this machine and that STORE_URL is right.`,
  );
}
