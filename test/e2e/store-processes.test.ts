/**
 * The store across real processes: children started with tsx (store-worker.ts) write to one
 * SQLite file or one PostgreSQL schema at the same time, as shards or machines would.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import type { CronLike } from '../../src/digest/scheduler.js';
import { openStore } from '../../src/digest/store.js';
import { defaultLibrary, digestOptions, fakePoster, scheduleRecord } from '../digest/fixtures.js';
import { checkPostgres, postgresQuery, postgresSchema, uniqueName } from '../services.js';

const pgMissing = await checkPostgres();
/** A guild of the bot (every guild is on shard 0 of 1). */
const GUILD = '167772160004194303';
/** Short, so a killed holder's lease runs out within the test. */
const LEASE_TTL_MS = 1500;
const WORKER = join(import.meta.dirname, 'store-worker.ts');

interface Child {
  lines: Promise<Record<string, unknown>[]>;
  stderr: () => string;
  code: Promise<number | null>;
  /** Resolves at the first stdout line (the worker says when it has started). */
  first: Promise<Record<string, unknown>>;
  /** The first stdout line so far or to come that `matches`; rejects if the worker exits first. */
  next(matches: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves once the worker's log (stderr) holds `text`. */
  logged(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function worker(...args: string[]): Child {
  // Node itself, with tsx as a loader (not the tsx wrapper): a signal, SIGKILL too, reaches the worker.
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  const parsed = () =>
    out
      .split('\n')
      .slice(0, -1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let onFirst: (line: Record<string, unknown>) => void = () => undefined;
  const first = new Promise<Record<string, unknown>>((resolve) => (onFirst = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const line = out.split('\n')[0];
    if (out.includes('\n') && line) onFirst(JSON.parse(line));
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  const code = new Promise<number | null>((resolve) => child.on('close', resolve));
  /** Settles when `found` returns a value, checked at every output; rejects when the worker exits first. */
  const when = <T>(found: () => T | undefined, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        watchers.delete(check);
        resolve(value);
      };
      watchers.add(check);
      check();
      void code.then(() => {
        check();
        if (watchers.delete(check)) reject(new Error(`the worker exited before ${what}:\n${err}`));
      });
    });
  return {
    code,
    first,
    next: (matches) => when(() => parsed().find(matches), 'the expected line'),
    logged: (text) =>
      when(() => (err.includes(text) ? true : undefined), `logging "${text}"`).then(() => undefined),
    kill: (signal) => {
      if (child.exitCode === null) child.kill(signal);
    },
    stderr: () => err,
    lines: code.then(() =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    ),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sqliteUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-procs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return `sqlite://${join(dir, 'a.sqlite')}`;
};
const postgresUrl = async (extra?: Record<string, string>) => {
  const schema = await postgresSchema();
  cleanups.push(schema.drop);
  return schema.storeUrl(extra);
};

const storedCount = async (url: string) => {
  const store = await openStore(url);
  try {
    return (await store.readGuild('g1')).length;
  } finally {
    await store.close();
  }
};

const backends = [
  { name: 'one SQLite file', url: async () => sqliteUrl() },
  ...(pgMissing ? [] : [{ name: 'one PostgreSQL schema', url: () => postgresUrl() }]),
];

describe.each(backends)('two processes on $name', ({ url: makeUrl }) => {
  test('GIVEN each process makes 40 concurrent changes to one guild THEN all 80 are stored', async () => {
    const url = await makeUrl();
    const [a, b] = [worker('adds', url, 'a', '40'), worker('adds', url, 'b', '40')];
    const outcomes = [...(await a.lines), ...(await b.lines)];
    expect(outcomes, a.stderr() + b.stderr()).toEqual([{ done: 40 }, { done: 40 }]);
    expect(await storedCount(url)).toBe(80);
  });
});

const schedule = {
  channelId: 'c1',
  when: 'daily 08:00',
  timezone: 'UTC',
  themes: [],
  format: 'brief' as const,
  skipIfEmpty: false,
};

async function digests(url: string, cron?: CronLike): Promise<DigestRuntime> {
  const app = await createDigestRuntime(
    digestOptions({ storeUrl: url, poster: fakePoster(), defaultTimezone: 'UTC', ...(cron ? { cron } : {}) }),
  );
  cleanups.push(() => app.stop());
  return app;
}

describe('admins on two processes', () => {
  test('GIVEN two processes editing the same schedule at once (one the time, one the themes) THEN every edit is answered and the last of each is kept', async () => {
    const url = sqliteUrl();
    const setup = await digests(url);
    const { schedule: created } = await setup.schedules.add('g1', 'u1', schedule, defaultLibrary());
    // Twelve edits each, overlapping in time: one process walks the time, the other the themes.
    const times = Array.from({ length: 12 }, (_, i) => ({
      when: `daily 09:${String(i * 5).padStart(2, '0')}`,
    }));
    const themes = Array.from({ length: 12 }, (_, i) => ({ themes: [i % 2 ? 'outlook' : 'humanitarian'] }));
    themes.push({ themes: ['security-defence'] });
    const [a, b] = [
      worker('edit', url, created.id, JSON.stringify(times)),
      worker('edit', url, created.id, JSON.stringify(themes)),
    ];
    const answers = [...(await a.lines), ...(await b.lines)];
    expect(
      answers.every((x) => x.ok),
      a.stderr() + b.stderr(),
    ).toBe(true);
    expect(answers).toHaveLength(25);
    const [stored] = await setup.store.readGuild('g1');
    expect(stored).toMatchObject({ when: 'daily 09:55', themes: ['security-defence'] });
  });

  test('GIVEN this process holds a daily 08:00 task WHEN another process moves it to 09:00 THEN the stale task posts nothing at 08:00', async () => {
    const url = sqliteUrl();
    const fires: ((date: Date) => unknown)[] = [];
    const cron: CronLike = {
      schedule: (_expression, fn) => {
        fires.push((date) => fn({ date }));
        return { stop: () => undefined, destroy: () => undefined };
      },
    };
    const poster = fakePoster();
    const b = await createDigestRuntime({
      storeUrl: url,
      poster,
      library: defaultLibrary,
      defaultTimezone: 'UTC',
      minIntervalMinutes: 60,
      maxPerGuild: 25,
      catchUpWindowHours: 6,
      cron,
    });
    cleanups.push(() => b.stop());
    const { schedule: created } = await b.schedules.add('g1', 'u1', schedule, defaultLibrary());
    const a = worker('edit', url, created.id, JSON.stringify({ when: 'daily 09:00' }));
    expect((await a.lines)[0]?.ok, a.stderr()).toBe(true);
    // The slot the stale task was armed for: today's 08:00 under the old rule.
    const slot = new Date();
    slot.setUTCHours(8, 0, 0, 0);
    await fires[0]?.(slot);
    expect(poster.sends).toBe(0);
  });
});

describe.each(backends)('two processes of one shard on $name', ({ url: makeUrl }) => {
  test('GIVEN both start THEN exactly one runs the shard’s schedules and the other says who holds it; WHEN the holder is killed (-9) THEN the other takes over once its lease has run out', async () => {
    const url = await makeUrl();
    const store = await openStore(url);
    await store.updateGuild(GUILD, () => ({
      schedules: [scheduleRecord({ guildId: GUILD, timezone: 'UTC', activeSince: new Date().toISOString() })],
      result: undefined,
    }));
    await store.close();
    const a = worker('lease', url, 'A', String(LEASE_TTL_MS), '200');
    cleanups.push(() => a.kill('SIGKILL'));
    expect(await a.first, a.stderr()).toEqual({ running: true, tasks: 1 });
    const b = worker('lease', url, 'B', String(LEASE_TTL_MS), '200');
    cleanups.push(() => b.kill('SIGKILL'));
    expect(await b.first, b.stderr()).toEqual({ running: false, tasks: 0 });
    await b.logged('shard 0 is held by another instance (A) until');

    a.kill('SIGKILL');
    // Its task is armed just after it gains the lease (a line may show the moment between).
    await b.next((line) => line.running === true && line.tasks === 1);
    await b.logged('gained the lease of shard 0');
    expect(b.stderr()).not.toContain('lost the lease');
    b.kill('SIGTERM');
    expect((await b.lines).at(-1)).toEqual({ stopped: true });
    expect(await b.code).toBe(0);
  });
});

describe.skipIf(pgMissing)('PostgreSQL connections dropped mid-run', () => {
  test('GIVEN a process writing WHEN its connections are terminated (pg_terminate_backend) THEN it does not crash, says so in its log, and every write is kept', async () => {
    const app = uniqueName('attache_kill');
    const url = await postgresUrl({ application_name: app });
    const child = worker('writes', url, '30', '30');
    await child.first;
    let terminated = 0;
    for (let i = 0; i < 4; i++) {
      const rows = await postgresQuery(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      terminated += rows.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const code = await child.code;
    expect(code, child.stderr()).toBe(0);
    expect((await child.lines).at(-1)).toEqual({ done: 30 });
    expect(terminated).toBeGreaterThan(0);
    expect(child.stderr()).toMatch(/closed by PostgreSQL|lost its PostgreSQL connection/);
    expect(await storedCount(url)).toBe(30);
  });
});
