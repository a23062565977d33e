/**
 * The scale-out profile on one machine, as real processes: one `src/shard.ts` manager per shard
 * (TOTAL_SHARDS and SHARD_IDS set, as on separate machines; each forks the bot process of its
 * shard), `src/rest-proxy.ts` in front of the fake Discord, and one PostgreSQL schema as the store
 * they share. Schedules are seeded through the ScheduleService before any bot process starts, with
 * a daily rule for a whole minute in UTC: the bots' clocks are real, so a digest fires for real.
 *
 * A manager's output holds its bot process's too (the fork shares its stdout). Lines of two
 * processes sharing one pipe can interleave, so log lines are read leniently: one that does not
 * parse is skipped. `stop()` kills every process a cluster started, bot processes included (they
 * outlive a manager killed with SIGKILL), and waits until each has gone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import type { Poster } from '../../src/digest/index.js';
import { shardOf } from '../../src/digest/lease.js';
import { createScheduleService } from '../../src/digest/service.js';
import { openStore } from '../../src/digest/store.js';
import { deployCommands } from '../../src/discord/deploy.js';
import { defaultLibrary } from '../digest/fixtures.js';
import type { FakeDiscord, FakeMessage, GuildSeed } from '../fake-discord/index.js';
import { defaultGuildSeed } from '../fake-discord/state.js';
import { type Background, startScript, until } from './background.js';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number; time?: number };

/** The JSON lines of a process's output; a line cut into by another process's is skipped. */
export const jsonLines = (output: string): LogLine[] =>
  output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });

const DISCORD_EPOCH = 1_420_070_400_000;

/**
 * `count` guild ids on `shard` of `total`, as Discord computes it ((id >> 22) % total): snowflakes of
 * consecutive milliseconds from about now, so they look like real ones (the bot checks 17-20 digits).
 */
export function guildIdsOnShard(shard: number, total: number, count: number): string[] {
  const ids: string[] = [];
  let ms = BigInt(Date.now() - DISCORD_EPOCH - 3_600_000);
  while (ids.length < count) {
    ms += 1n;
    const id = ((ms << 22n) | BigInt(ids.length + 1)).toString();
    if (shardOf(id, total) === shard) ids.push(id);
  }
  return ids;
}

/** A guild of the default kind (the bot's role, an Admin role, "member" and "admin") with these channels. */
export const guildSeed = (id: string, channels: number, extra: Partial<GuildSeed> = {}): GuildSeed => {
  const base = defaultGuildSeed();
  return {
    ...base,
    id,
    name: `guild ${id.slice(-6)}`,
    channels: Array.from({ length: channels }, (_, i) => ({ name: `digests-${i}` })),
    ...extra,
  };
};

/**
 * The whole minute (UTC) at which schedules seeded now fire for real: the next one at least
 * `leadMs` away, so the processes have started before it.
 */
export function firingMinute(leadMs: number, now = Date.now()): Date {
  const next = Math.ceil((now + 1) / 60_000) * 60_000;
  return new Date(next - now >= leadMs ? next : next + 60_000);
}

/** A daily rule firing at that minute, in UTC. */
export const dailyAt = (slot: Date): string => `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`;

export interface Seeded {
  guildId: string;
  channelId: string;
  scheduleId: string;
}

/** A Poster for seeding: every channel is fine, and nothing is ever posted from here. */
const seedingPoster: Poster = {
  check: async () => ({ ok: true }),
  send: async () => {
    throw new Error('seeding posts nothing');
  },
};

/**
 * One schedule per channel, saved through the ScheduleService as /schedule add saves it (its checks
 * included), with no task armed in this process: only the bot processes run them.
 */
export async function seedSchedules(
  storeUrl: string,
  channels: readonly { guildId: string; channelId: string }[],
  when: string,
): Promise<Seeded[]> {
  const store = await openStore(storeUrl);
  try {
    const service = createScheduleService({
      store,
      poster: seedingPoster,
      scheduler: { sync: () => undefined, remove: () => undefined },
      now: () => new Date(),
      library: defaultLibrary,
      minIntervalMinutes: 60,
      maxPerGuild: 25,
      defaultTimezone: 'UTC',
    });
    const byGuild = new Map<string, { channelId: string }[]>();
    for (const c of channels) byGuild.set(c.guildId, [...(byGuild.get(c.guildId) ?? []), c]);
    const seeded = await Promise.all(
      [...byGuild].map(async ([guildId, list]) => {
        const out: Seeded[] = [];
        for (const { channelId } of list) {
          const { schedule } = await service.add(
            guildId,
            'seed',
            { channelId, when, timezone: 'UTC', themes: [], format: 'brief', skipIfEmpty: false },
            defaultLibrary(),
          );
          out.push({ guildId, channelId, scheduleId: schedule.id });
        }
        return out;
      }),
    );
    return seeded.flat();
  } finally {
    await store.close();
  }
}

/** The commands registered globally, as `npm run deploy-commands` does, so interactions are typed. */
export async function deployGlobally(fake: FakeDiscord): Promise<void> {
  await deployCommands({ ...parseConfig({ DISCORD_API_URL: fake.restUrl }), DISCORD_TOKEN: fake.token });
}

/** The digest's "late" line, with the slot it names (epoch seconds), or undefined. */
export function lateSlot(message: FakeMessage): number | undefined {
  const found = /^\*Late: this digest was due <t:(\d+):f>/.exec(message.embeds[0]?.description ?? '');
  return found ? Number(found[1]) : undefined;
}

const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
};

/** Alive and not a zombie (a killed process whose parent died may wait unreaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

const killPid = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

async function gone(pids: number[], what: string): Promise<void> {
  await until(() => pids.every((pid) => !alive(pid)), what, 10_000);
}

/**
 * Shard instances starting at once, across every cluster of a test file. A start costs seconds of
 * CPU, and ShardingManager gives up on a shard not ready within its 30 s (stopping them all), so
 * scenarios run side by side take turns: a turn ends when the manager says the shard is ready.
 */
const STARTING_AT_ONCE = 3;
let starting = 0;
const waitingToStart: (() => void)[] = [];

async function startTurn(): Promise<() => void> {
  if (starting < STARTING_AT_ONCE) starting++;
  else await new Promise<void>((resolve) => waitingToStart.push(resolve));
  let done = false;
  return () => {
    if (done) return;
    done = true;
    // Handed straight to the next in line, so a start that comes meanwhile cannot take it too.
    const next = waitingToStart.shift();
    if (next) next();
    else starting--;
  };
}

export interface ShardInstance {
  readonly shard: number;
  /** The manager process, once its turn to start has come. */
  readonly manager: Promise<Background>;
  /** Manager and bot process output. */
  logs(): LogLine[];
  /** The bot process the manager forked (the latest one), once there is one. */
  botPid(timeoutMs?: number): Promise<number>;
  /** Its schedules have started ('schedules started', after the leases and the start-up catch-up). */
  started(timeoutMs?: number): Promise<LogLine>;
  /** This instance's name in the shard leases, from its log. */
  holder(timeoutMs?: number): Promise<string>;
  /**
   * kill -9 of the bot process. With `manager` (the default), its manager is killed first, so the
   * shard stays down until started again; without, the manager starts a new bot process.
   */
  kill(options?: { manager?: boolean }): Promise<void>;
}

export interface ClusterOptions {
  fake: FakeDiscord;
  storeUrl: string;
  total?: number;
}

export interface Cluster {
  readonly stateDir: string;
  /** The REST proxy's URL once started; shards started after it go through it. */
  proxyUrl: string | undefined;
  proxy: Background | undefined;
  startProxy(): Promise<string>;
  /** A manager running `shard` of the total, with its bot process, started at its turn (see above). */
  startShard(shard: number, options?: { storeUrl?: string }): ShardInstance;
  /** Kills every process started (bot processes too), waits until they have gone, removes the state. */
  stop(): Promise<void>;
}

export function createCluster({ fake, storeUrl, total = 2 }: ClusterOptions): Cluster {
  const stateDir = mkdtempSync(join(tmpdir(), 'attache-cluster-'));
  const started: Background[] = [];
  const botPids = new Set<number>();
  let stopped = false;

  const cluster: Cluster = {
    stateDir,
    proxyUrl: undefined,
    proxy: undefined,

    async startProxy() {
      const proxy = startScript('src/rest-proxy.ts', {
        DISCORD_API_URL: fake.restUrl,
        REST_PROXY_PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      });
      started.push(proxy);
      const listening = await until(
        () => jsonLines(proxy.output()).find((line) => line.msg === 'REST proxy listening'),
        'the REST proxy to listen',
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; output so far:\n${proxy.output()}`);
      });
      cluster.proxy = proxy;
      cluster.proxyUrl = String(listening.url);
      return cluster.proxyUrl;
    },

    startShard(shard, options = {}) {
      const env = {
        DISCORD_TOKEN: fake.token,
        DISCORD_API_URL: cluster.proxyUrl ?? fake.restUrl,
        STATE_DIR: stateDir,
        STORE_URL: options.storeUrl ?? storeUrl,
        TOTAL_SHARDS: String(total),
        SHARD_IDS: String(shard),
        DEFAULT_TIMEZONE: 'UTC',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      };
      let running: Background | undefined;
      const manager = startTurn().then((done) => {
        if (stopped) {
          done();
          throw new Error(`shard ${shard} not started: the cluster stopped first`);
        }
        const script = startScript('src/shard.ts', env);
        running = script;
        started.push(script);
        const ended = () => script.child.exitCode !== null || script.child.signalCode !== null;
        void until(
          () => ended() || jsonLines(script.output()).some((line) => line.msg === 'shard ready'),
          `shard ${shard} to be ready`,
          120_000,
        )
          .catch(() => undefined)
          .finally(done);
        return script;
      });
      manager.catch(() => undefined);
      const logs = () => jsonLines(running?.output() ?? '');
      /** `find` in the log, once the process runs; the output so far in the error when it times out. */
      const waitInLog = async <T>(find: () => T | undefined | false, what: string, timeoutMs: number) => {
        const begun = Date.now();
        await manager;
        return until(find, what, Math.max(timeoutMs - (Date.now() - begun), 0)).catch((error: unknown) => {
          throw new Error(`${(error as Error).message}; output so far:\n${running?.output().slice(-4000)}`);
        });
      };
      const botPid = async (timeoutMs = 30_000) => {
        const { child } = await manager;
        const pid = await until(
          () => childrenOf(child.pid ?? 0).at(-1),
          `the bot process of shard ${shard}`,
          timeoutMs,
        );
        botPids.add(pid);
        return pid;
      };
      return {
        shard,
        manager,
        logs,
        botPid,
        started: (timeoutMs = 60_000) =>
          waitInLog(
            () => logs().find((line) => line.msg === 'schedules started'),
            `shard ${shard}'s schedules to start`,
            timeoutMs,
          ),
        holder: async (timeoutMs = 60_000) =>
          String(
            (
              await waitInLog(
                () => logs().find((line) => line.shard === shard && typeof line.holder === 'string'),
                `shard ${shard}'s lease holder in its log`,
                timeoutMs,
              )
            ).holder,
          ),
        async kill({ manager: withManager = true } = {}) {
          const pid = await botPid();
          const managerPid = (await manager).child.pid ?? 0;
          if (withManager) killPid(managerPid);
          killPid(pid);
          await gone(withManager ? [pid, managerPid] : [pid], `shard ${shard}'s processes to die`);
        },
      };
    },

    async stop() {
      stopped = true;
      const pids = started.flatMap((p) => [p.child.pid ?? 0, ...childrenOf(p.child.pid ?? 0)]);
      for (const pid of [...pids, ...botPids]) if (pid) killPid(pid);
      await Promise.all(started.map((p) => p.exited));
      await gone([...pids, ...botPids].filter(Boolean), 'every process of the cluster to die');
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
