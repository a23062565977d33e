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
import { defaultLibrary, digestOptions, fakePoster } from '../digest/fixtures.js';
import { checkPostgres, postgresQuery, postgresSchema, uniqueName } from '../services.js';

const pgMissing = await checkPostgres();
const WORKER = join(import.meta.dirname, 'store-worker.ts');
const TSX = join(import.meta.dirname, '../../node_modules/.bin/tsx');

interface Child {
  lines: Promise<Record<string, unknown>[]>;
  stderr: () => string;
  code: Promise<number | null>;
  /** Resolves at the first stdout line (the worker says when it has started). */
  first: Promise<Record<string, unknown>>;
}

function worker(...args: string[]): Child {
  const child = spawn(TSX, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onFirst: (line: Record<string, unknown>) => void = () => undefined;
  const first = new Promise<Record<string, unknown>>((resolve) => (onFirst = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const line = out.split('\n')[0];
    if (out.includes('\n') && line) onFirst(JSON.parse(line));
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    first,
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
