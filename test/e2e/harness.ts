/**
 * The real bot (src/discord/bot.ts: client, dispatcher, registry, library, schedules) started
 * against the fake Discord, with its commands deployed there by the real deploy script.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AppSeams } from '../../src/app.js';
import { type Config, parseConfig } from '../../src/config.js';
import type { CronLike } from '../../src/digest/scheduler.js';
import { type Bot, startBot } from '../../src/discord/bot.js';
import { deployCommands } from '../../src/discord/deploy.js';
import type { FakeDiscord } from '../fake-discord/index.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Harness {
  bot: Bot;
  config: Config & { DISCORD_TOKEN: string };
  logs: LogLine[];
  stop(options?: { keepState?: boolean }): Promise<void>;
}

/** A pino logger that keeps every line in memory, for assertions on what was logged. */
export const memoryLogger = (logs: LogLine[]) =>
  pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
        callback();
      },
    }),
  );

export async function startHarness(
  fake: FakeDiscord,
  env: Record<string, string> = {},
  stateDir = mkdtempSync(join(tmpdir(), 'attache-e2e-')),
  seams: AppSeams = {},
): Promise<Harness> {
  const config = {
    ...parseConfig({
      DATA_DIR: 'data',
      STATE_DIR: stateDir,
      DISCORD_API_URL: fake.restUrl,
      // One scripted member sends every command back to back; tests of the limit turn it on.
      RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    }),
    DISCORD_TOKEN: fake.token,
  };
  await deployCommands({ ...config, DISCORD_GUILD_ID: fake.guildId });
  const logs: LogLine[] = [];
  const bot = await startBot(config, memoryLogger(logs), seams);
  return {
    bot,
    config,
    logs,
    async stop({ keepState = false } = {}) {
      await bot.stop();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A cron stand-in the test drives: tasks are armed as node-cron would be, and fired by hand for a
 * chosen slot (the scheduler never waits for a real minute).
 */
export function manualCron() {
  const tasks = new Map<
    string,
    { expression: string; timezone: string; fn: (c: { date: Date }) => unknown }
  >();
  const cron: CronLike = {
    schedule(expression, fn, options) {
      tasks.set(options.name, { expression, timezone: options.timezone, fn });
      return { stop: () => tasks.delete(options.name), destroy: () => tasks.delete(options.name) };
    },
  };
  return {
    cron,
    names: () => [...tasks.keys()],
    /** Fires the task whose name contains `id`, for `date`, and waits for the run to finish. */
    async fire(id: string, date: Date) {
      const task = [...tasks.entries()].find(([name]) => name.includes(id))?.[1];
      if (!task) throw new Error(`no task for ${id}; tasks: ${[...tasks.keys()].join(', ')}`);
      await task.fn({ date });
    },
  };
}

/**
 * Makes the bot's store fail every `sent` write of the run ledger, as a process killed between
 * sending a digest and recording it would leave things.
 */
export function dieBeforeSentWrite(harness: Harness | undefined): void {
  const store = harness?.bot.app.digests.store;
  if (!store) throw new Error('no store');
  const ledgerSet = store.ledgerSet.bind(store);
  store.ledgerSet = async (entry) => {
    if (entry.status === 'sent') throw new Error('process killed before the ledger write');
    return ledgerSet(entry);
  };
}
