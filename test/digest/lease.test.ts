/**
 * Shard leases in the runtime: instances of one shard on one SQLite file (each with its own store,
 * as two processes would have it) run its schedules one at a time, hand over when one stops or
 * stalls, and stop at once when they learn they lost the shard. The clock is the test's: a lease's
 * end moves with it, and heartbeats run when the test calls them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { shardOf } from '../../src/digest/lease.js';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import type { CronLike } from '../../src/digest/scheduler.js';
import { defaultLibrary, digestOptions, type FakePoster, fakePoster } from './fixtures.js';

/** A cron that only records its tasks; the test fires them by hand. */
function recordingCron() {
  const tasks = new Map<string, { fire: (date: Date) => unknown }>();
  const cron: CronLike = {
    schedule(_expression, fn, options) {
      const task = { fire: (date: Date) => fn({ date }) };
      tasks.set(options.name, task);
      return {
        stop: () => undefined,
        destroy: () => {
          if (tasks.get(options.name) === task) tasks.delete(options.name);
        },
      };
    },
  };
  return { cron, tasks };
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}
const WARN = 40;

const memoryLog = (lines: LogLine[]) =>
  pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
        callback();
      },
    }),
  );

/** A guild id on `shard` of `total`, as Discord computes it. */
const guildOn = (shard: number, total: number): string => {
  for (let n = 1_000_000n; ; n++) {
    const id = ((n << 22n) | 1n).toString();
    if (shardOf(id, total) === shard) return id;
  }
};

const dirs: string[] = [];
const running = new Set<DigestRuntime>();
afterEach(async () => {
  await Promise.allSettled([...running].map((r) => r.stop()));
  running.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let at = Date.parse('2026-03-02T06:00:00Z');
const now = () => new Date(at);
const TTL = 30_000;

const sqliteUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-lease-'));
  dirs.push(dir);
  return `sqlite://${join(dir, 'a.sqlite')}`;
};

interface Instance {
  app: DigestRuntime;
  tasks: Map<string, { fire: (date: Date) => unknown }>;
  poster: FakePoster;
  logs: LogLine[];
  stop(): Promise<void>;
}

async function instance(
  url: string,
  holder: string,
  options: { ids?: number[]; total?: number; poster?: FakePoster } = {},
): Promise<Instance> {
  const { cron, tasks } = recordingCron();
  const logs: LogLine[] = [];
  const poster = options.poster ?? fakePoster();
  const app = await createDigestRuntime(
    digestOptions({
      storeUrl: url,
      poster,
      now,
      defaultTimezone: 'UTC',
      cron,
      log: memoryLog(logs),
      shards: () => ({ ids: options.ids ?? [0], total: options.total ?? 1 }),
      lease: { holder, ttlMs: TTL },
    }),
  );
  running.add(app);
  return {
    app,
    tasks,
    poster,
    logs,
    async stop() {
      running.delete(app);
      await app.stop();
    },
  };
}

const input = {
  channelId: 'c1',
  when: 'daily 08:00',
  timezone: 'UTC',
  themes: [],
  format: 'brief' as const,
  skipIfEmpty: false,
};

const GUILD = guildOn(0, 1);
const SLOT = new Date('2026-03-02T08:00:00Z');
const said = (logs: LogLine[], text: string) => logs.filter((l) => l.msg.includes(text));

describe('two instances of shard 0 on one SQLite file', () => {
  test('GIVEN both start WHEN the slot comes THEN only the first runs the schedule, and the second warns once that the shard is held', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const url = sqliteUrl();
    const a = await instance(url, 'A');
    const b = await instance(url, 'B');
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();
    expect(a.tasks.size).toBe(1);
    expect(b.tasks.size).toBe(0);
    expect(said(a.logs, 'took the lease of shard 0')).toHaveLength(1);

    for (let beat = 1; beat <= 3; beat++) {
      at += 10_000;
      await a.app.heartbeat();
      await b.app.heartbeat();
    }
    const held = said(b.logs, 'shard 0 is held by another instance (A) until');
    expect(held).toHaveLength(1);
    expect(held[0]?.level).toBe(WARN);
    expect(held[0]?.msg).toContain('its schedules do not run here until then');
    expect(b.app.shardStatus(GUILD)).toEqual({
      id: 0,
      total: 1,
      running: false,
      heldBy: { holder: 'A', until: new Date(at + TTL) },
    });
    expect(a.app.shardStatus(GUILD)).toEqual({ id: 0, total: 1, running: true });

    at = SLOT.getTime();
    for (const task of a.tasks.values()) await task.fire(SLOT);
    expect(a.poster.sent).toHaveLength(1);
    expect(b.poster.sends).toBe(0);
  });

  test('GIVEN the holder stops cleanly before a slot WHEN the other’s next heartbeat comes after it THEN the other takes the shard and posts the missed slot once, late', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const url = sqliteUrl();
    const a = await instance(url, 'A');
    const b = await instance(url, 'B');
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();
    at = Date.parse('2026-03-02T07:59:00Z');
    await a.stop();

    at = Date.parse('2026-03-02T08:30:00Z');
    await b.app.heartbeat();
    expect(b.tasks.size).toBe(1);
    expect(b.poster.sent).toHaveLength(1);
    expect(JSON.stringify(b.poster.sent[0]?.reply)).toMatch(/Late: this digest was due/);
    expect(said(b.logs, 'gained the lease of shard 0')).toHaveLength(1);

    at += 10_000;
    await b.app.heartbeat();
    expect(b.poster.sends).toBe(1);
    expect(a.poster.sends).toBe(0);
    expect(b.app.shardStatus(GUILD)?.running).toBe(true);
  });

  test('GIVEN the holder stalled past its lease’s end and the other took over WHEN its task fires on waking THEN it posts nothing, stops its tasks and says it lost the shard', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const url = sqliteUrl();
    const a = await instance(url, 'A');
    const b = await instance(url, 'B');
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();

    // A sleeps through two hours without a heartbeat; B's heartbeat finds its lease run out.
    at = SLOT.getTime() + 5_000;
    await b.app.heartbeat();
    expect(b.tasks.size).toBe(1);
    expect(b.poster.sent).toHaveLength(1);

    for (const task of [...a.tasks.values()]) await task.fire(SLOT);
    expect(a.poster.sends).toBe(0);
    expect(a.tasks.size).toBe(0);
    const lost = said(a.logs, 'lost the lease of shard 0');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: WARN, heldBy: 'B', stoppedTasks: 1 });
    expect(a.app.shardStatus(GUILD)).toMatchObject({ running: false, heldBy: { holder: 'B' } });
  });

  test('GIVEN the holder’s heartbeat finds the other took over THEN it stops its tasks at once', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const url = sqliteUrl();
    const a = await instance(url, 'A');
    const b = await instance(url, 'B');
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();
    at += TTL + 1;
    await b.app.heartbeat();
    expect(b.tasks.size).toBe(1);
    expect(a.tasks.size).toBe(1);
    await a.app.heartbeat();
    expect(a.tasks.size).toBe(0);
    expect(said(a.logs, 'lost the lease of shard 0: another instance (B) holds it until')).toHaveLength(1);
  });

  test('GIVEN a run of the holder in flight WHEN the other takes the shard over and catches the slot up THEN the digest is posted once', async () => {
    at = Date.parse('2026-03-02T07:59:50Z');
    const url = sqliteUrl();
    // One Discord for both: a resend with the run's nonce returns the message already posted.
    const discord = fakePoster();
    const a = await instance(url, 'A', { poster: discord });
    const b = await instance(url, 'B', { poster: discord });
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();

    let release: () => void = () => undefined;
    let waiting: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const aWaits = new Promise<void>((resolve) => (waiting = resolve));
    const check = discord.check.bind(discord);
    discord.check = async (guildId, channelId) => {
      discord.check = check;
      waiting();
      await gate;
      return check(guildId, channelId);
    };
    at = SLOT.getTime();
    // A claims the slot and waits on Discord; meanwhile its lease runs out and B takes the shard.
    const inFlight = [...a.tasks.values()].map((task) => task.fire(SLOT));
    await aWaits;
    at = SLOT.getTime() + TTL;
    await b.app.heartbeat();
    expect(b.tasks.size).toBe(1);
    const caughtUp = said(b.logs, 'caught up on missed digests')[0]?.catchUp;
    expect(caughtUp, 'B found A’s claim and resumed it').toMatchObject([{ action: 'resumed' }]);
    release();
    await Promise.all(inFlight);
    expect(discord.sent).toHaveLength(1);
    expect(discord.sends).toBe(2);
  });
});

describe('a runtime whose store fails its renewals', () => {
  test('GIVEN renewals fail WHEN its lease has not run out by its own clock THEN it keeps the shard; WHEN it has THEN it stops its tasks, and takes the shard again once the store answers', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const a = await instance(sqliteUrl(), 'A');
    await a.app.schedules.add(GUILD, 'u1', input, defaultLibrary());
    await a.app.start();
    const lease = a.app.store.lease;
    a.app.store.lease = async () => {
      throw new Error('database is locked');
    };

    at += 10_000;
    await a.app.heartbeat();
    expect(a.tasks.size).toBe(1);
    expect(said(a.logs, 'could not renew the lease of shard 0')).toHaveLength(1);

    at += TTL;
    await a.app.heartbeat();
    expect(a.tasks.size).toBe(0);
    expect(said(a.logs, 'lost the lease of shard 0: it ran out at')).toHaveLength(1);

    a.app.store.lease = lease;
    at += 10_000;
    await a.app.heartbeat();
    expect(a.tasks.size).toBe(1);
    expect(said(a.logs, 'gained the lease of shard 0')).toHaveLength(1);
  });
});

describe('two shards run by two processes', () => {
  test('GIVEN a bot of two shards WHEN each process starts with its own shard THEN each runs only its shard’s guilds, under its own lease', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const url = sqliteUrl();
    const [zero, one] = [guildOn(0, 2), guildOn(1, 2)];
    const a = await instance(url, 'A', { ids: [0], total: 2 });
    const b = await instance(url, 'B', { ids: [1], total: 2 });
    await a.app.schedules.add(zero, 'u1', input, defaultLibrary());
    await a.app.schedules.add(one, 'u1', input, defaultLibrary());
    await a.app.start();
    await b.app.start();
    expect([...a.tasks.keys()]).toEqual([expect.stringContaining(zero)]);
    expect([...b.tasks.keys()]).toEqual([expect.stringContaining(one)]);
    expect(said(a.logs, 'took the lease of shard 0')).toHaveLength(1);
    expect(said(b.logs, 'took the lease of shard 1')).toHaveLength(1);
    expect(a.app.shardStatus(one)).toEqual({ id: 1, total: 2, running: false });
    expect(b.app.shardStatus(one)).toEqual({ id: 1, total: 2, running: true });
  });

  // Ids built as (n << 22) | low bits: the shard is n % total, whatever the low 22 bits hold.
  test.each([
    ['167772160004194303', 2, 0], // n = 40,000,000,000, low bits all set
    ['167772160004194304', 2, 1], // n + 1
    ['167772160012595257', 4, 3], // n + 3
    ['167772160012595257', 1, 0],
    ['console', 4, 0],
  ])('GIVEN guild %s and %i shards THEN it is on shard %i', (guildId, total, shard) => {
    expect(shardOf(guildId, total)).toBe(shard);
  });
});
