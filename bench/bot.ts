/**
 * Child: the real bot (src/discord/bot.ts) against the fake Discord, which enforces Discord's
 * global limit of 50 requests/s.
 *
 * 1. Interaction latency: commands and autocompletes one after another, each timed by the fake
 *    from INTERACTION_CREATE sent to the first callback received.
 * 2. Digest fan-out: schedules on as many channels (25 per guild, the default cap), all due at
 *    the same minute. A manual cron fires every task for one slot, as node-cron does at that
 *    minute; the scheduler, composer, ledger and Discord poster do the rest. Repeated for the
 *    same slot on following days. The floor is channels / 50 seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { PermissionFlagsBits } from 'discord.js';
import { pino } from 'pino';
import { parseConfig } from '../src/config.js';
import type { CronLike } from '../src/digest/scheduler.js';
import { timeZones } from '../src/digest/zoned.js';
import { startBot } from '../src/discord/bot.js';
import { deployCommands } from '../src/discord/deploy.js';
import { definitions } from '../src/registry.js';
import { type FakeDiscord, type GuildSeed, startFakeDiscord } from '../test/fake-discord/index.js';
import { childInput, emit } from './child.js';
import {
  AUTOCOMPLETE_TARGETS,
  autocompleteSites,
  COMMAND_INPUTS,
  partial,
  picker,
  poolFrom,
} from './inputs.js';
import { type Latency, latency, round } from './stats.js';

export interface BotInput {
  dir: string;
  interactions: number;
  channels: number;
  fanOutRuns: number;
}

export interface FanOutRun {
  channels: number;
  totalMs: number;
  floorMs: number;
  ratio: number;
  rateLimited: number;
  duplicates: number;
  missing: number;
  /** Schedules whose last run is not recorded as sent for this slot, after retries. */
  notSent: number;
  /** Runs whose first attempt failed and that the scheduler retried. */
  retried: number;
}

export interface BotFigures {
  briefings: number;
  interactions: { all: Latency; commands: Latency; autocompletes: Latency; failed: number };
  fanOut: FanOutRun[];
  schedules: number;
  tasks: number;
  errorsLogged: number;
  errorSamples: string[];
  violations: number;
}

const PER_GUILD = 25;
const SLOW_RUN_FACTOR = 3;
/** Longer than the scheduler's retry delays (20 s, then 40 s). */
const RETRY_WAIT_MS = 70_000;
const MEMBER_COMMANDS = ['brief', 'theme', 'quote', 'lookahead', 'search', 'sources', 'help'];

const { dir, interactions, channels, fanOutRuns } = childInput<BotInput>();

const guildSeeds = (count: number): GuildSeed[] =>
  Array.from({ length: Math.max(1, Math.ceil(count / PER_GUILD)) }, (_, g) => ({
    name: `Bench guild ${g}`,
    roles: [
      {
        name: 'Attaché',
        permissions: [
          PermissionFlagsBits.ViewChannel,
          PermissionFlagsBits.SendMessages,
          PermissionFlagsBits.EmbedLinks,
          PermissionFlagsBits.ReadMessageHistory,
        ],
      },
      { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild },
    ],
    channels: [
      { name: 'general' },
      ...Array.from({ length: Math.min(PER_GUILD, count - g * PER_GUILD) }, (_, c) => ({
        name: `digest-${c}`,
      })),
    ],
    botRoles: ['Attaché'],
    members: [{ user: { username: 'member' } }, { user: { username: 'admin' }, roles: ['Admin'] }],
  }));

/** node-cron stand-in: the bench decides when the minute comes. */
const manualCron = () => {
  const tasks = new Map<string, (context: { date: Date }) => unknown>();
  const cron: CronLike = {
    schedule(_expression, fn, options) {
      tasks.set(options.name, fn);
      return { stop: () => tasks.delete(options.name), destroy: () => tasks.delete(options.name) };
    },
  };
  return { cron, tasks };
};

const errorSamples: string[] = [];
let errorsLogged = 0;
const log = pino(
  { level: 'warn' },
  new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as { level: number; msg: string; err?: { message?: string } };
        if (entry.level >= 50) {
          errorsLogged++;
          if (errorSamples.length < 5) errorSamples.push(`${entry.msg}: ${entry.err?.message ?? ''}`);
        }
      }
      callback();
    },
  }),
);

let clockMs = Date.now();
const now = () => new Date(clockMs);
const fake: FakeDiscord = await startFakeDiscord({
  rateLimits: { global: 50 },
  guilds: guildSeeds(channels),
  now: () => clockMs,
});
const stateDir = mkdtempSync(join(tmpdir(), 'attache-bench-bot-'));
const config = {
  ...parseConfig({
    DATA_DIR: dir,
    STATE_DIR: stateDir,
    DISCORD_API_URL: fake.restUrl,
    LOG_LEVEL: 'warn',
    // One member sends every interaction back to back: the bench measures answers, not refusals.
    RATE_LIMIT_PER_MINUTE: '0',
  }),
  DISCORD_TOKEN: fake.token,
};
await deployCommands({ ...config, DISCORD_GUILD_ID: fake.guildId });
const manual = manualCron();
const bot = await startBot(config, log, { cron: manual.cron, watch: false, now });
const library = bot.app.live.current();

// 1. Interaction latency.
const pool = poolFrom(library, () => [], timeZones());
const sites = autocompleteSites(definitions(bot.app.registry)).filter(
  (s) => !s.subcommand && AUTOCOMPLETE_TARGETS[s.option],
);
const p = picker('e2e');
const commandSamples: number[] = [];
const autocompleteSamples: number[] = [];
let failed = 0;
const WARMUP = 20;
for (let i = 0; interactions > 0 && i < WARMUP + interactions; i++) {
  const isAutocomplete = p.chance(0.3);
  try {
    if (isAutocomplete) {
      const site = p.pick(sites);
      const target = AUTOCOMPLETE_TARGETS[site.option];
      const value = target ? partial(p, target(p, pool)) : '';
      const handle = await fake.interact({
        type: 'autocomplete',
        name: site.command,
        options: { [site.option]: value },
        focused: site.option,
      });
      if (i >= WARMUP) autocompleteSamples.push(handle.latencyMs);
    } else {
      const name = p.pick(MEMBER_COMMANDS);
      const options = COMMAND_INPUTS[name]?.(p, pool) ?? {};
      const handle = await fake.interact({
        type: 'command',
        name,
        options: options as Record<string, string>,
      });
      if (!handle.accepted) failed++;
      if (i >= WARMUP) commandSamples.push(handle.latencyMs);
    }
  } catch (error) {
    failed++;
    if (errorSamples.length < 5) errorSamples.push(String(error));
  }
}

// 2. Fan-out.
const admin = fake.userId('admin');
const targets: { guildId: string; channelId: string }[] = [];
for (const [g, seed] of guildSeeds(channels).entries()) {
  const guildId = bot.client.guilds.cache.find((x) => x.name === seed.name)?.id;
  if (!guildId) throw new Error(`the bot does not see guild ${g}`);
  for (const c of seed.channels ?? []) {
    if (c.name === 'general') continue;
    targets.push({ guildId, channelId: fake.channelId(c.name, guildId) });
  }
}
for (const t of targets) {
  await bot.app.digests.schedules.add(
    t.guildId,
    admin,
    {
      channelId: t.channelId,
      when: 'daily 08:00',
      timezone: 'UTC',
      themes: [],
      format: 'brief',
      skipIfEmpty: false,
    },
    library,
  );
}
const scheduleCount = (
  await Promise.all([...new Set(targets.map((t) => t.guildId))].map((g) => bot.app.digests.schedules.list(g)))
).flat().length;

const DAY = 86_400_000;
const firstSlot = (() => {
  const d = new Date(clockMs);
  const slot = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 8);
  return slot > clockMs ? slot : slot + DAY;
})();

const fanOut: FanOutRun[] = [];
for (let run = 0; run < fanOutRuns; run++) {
  const slot = new Date(firstSlot + run * DAY);
  clockMs = slot.getTime() + 2_000;
  const rateLimitedBefore = fake.stats.rateLimited;
  const started = performance.now();
  await Promise.all([...manual.tasks.values()].map((fire) => fire({ date: slot })));
  const totalMs = performance.now() - started;
  let duplicates = 0;
  let missing = 0;
  for (const t of targets) {
    const posted = fake.messages(t.channelId).length;
    duplicates += Math.max(0, posted - (run + 1));
    missing += Math.max(0, run + 1 - posted);
  }
  const notSentNow = async () => {
    const views = (
      await Promise.all(
        [...new Set(targets.map((t) => t.guildId))].map((g) => bot.app.digests.schedules.list(g)),
      )
    ).flat();
    return views.filter(
      (v) => v.schedule.lastRun?.slot !== slot.toISOString() || v.schedule.lastRun.outcome !== 'sent',
    ).length;
  };
  // A run whose first attempt failed (a timeout while Discord was still answering) is retried
  // with the same nonce after the scheduler's retry delays; wait for those before counting.
  const retried = await notSentNow();
  let notSent = retried;
  const deadline = performance.now() + RETRY_WAIT_MS;
  while (notSent > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    notSent = await notSentNow();
  }
  if (retried > 0) {
    duplicates = 0;
    missing = 0;
    for (const t of targets) {
      const posted = fake.messages(t.channelId).length;
      duplicates += Math.max(0, posted - (run + 1));
      missing += Math.max(0, run + 1 - posted);
    }
  }
  const floorMs = (targets.length / 50) * 1000;
  fanOut.push({
    channels: targets.length,
    totalMs: round(totalMs, 0),
    floorMs,
    ratio: round(totalMs / floorMs, 3),
    rateLimited: fake.stats.rateLimited - rateLimitedBefore,
    duplicates,
    missing,
    notSent,
    retried,
  });
  process.stdout.write(
    `  fan-out run ${run + 1}/${fanOutRuns}: ${targets.length} channels in ${round(totalMs / 1000, 2)} s\n`,
  );
  // Far over the floor, more runs would only take minutes to say the same thing.
  if (totalMs > SLOW_RUN_FACTOR * floorMs) break;
}

emit({
  briefings: library.stats.briefings,
  interactions: {
    all: latency([...commandSamples, ...autocompleteSamples]),
    commands: latency(commandSamples),
    autocompletes: latency(autocompleteSamples),
    failed,
  },
  fanOut,
  schedules: scheduleCount,
  tasks: manual.tasks.size,
  errorsLogged,
  errorSamples,
  violations: fake.violations.length,
} satisfies BotFigures);

await bot.stop();
await fake.close();
rmSync(stateDir, { recursive: true, force: true });
