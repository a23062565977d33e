import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { StoreError } from '../../src/digest/index.js';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { type AdapterFactory, type ModuleLoader, openStore } from '../../src/digest/store.js';
import { defaultLibrary, fakePoster, scheduleRecord } from './fixtures.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const options = (storeUrl: string) => ({
  storeUrl,
  poster: fakePoster(),
  library: defaultLibrary,
  now: () => new Date('2026-03-02T09:00:00Z'),
  defaultTimezone: 'Europe/Brussels',
  minIntervalMinutes: 60,
  maxPerGuild: 25,
  catchUpWindowHours: 6,
});

const input = {
  channelId: 'c1',
  when: 'daily 08:00',
  timezone: 'Europe/Brussels',
  themes: [],
  format: 'brief' as const,
  skipIfEmpty: true,
};

describe('sqlite store', () => {
  test('GIVEN a schedule saved WHEN the process restarts THEN it is still there and its task starts', async () => {
    const url = `sqlite://${join(tempDir(), 'nested', 'attache.sqlite')}`;
    const first = await createDigestRuntime(options(url));
    const saved = await first.schedules.add('g1', 'u1', input, defaultLibrary());
    await first.stop();

    const second = await createDigestRuntime(options(url));
    const listed = await second.schedules.list('g1');
    await second.start();
    const active = second.scheduler.active();
    await second.stop();
    expect(listed.map((v) => v.schedule)).toEqual([saved.schedule]);
    expect(active).toEqual([`g1:${saved.schedule.id}`]);
  });

  test('GIVEN the sqlite store THEN the file runs in WAL mode', async () => {
    const file = join(tempDir(), 'attache.sqlite');
    const store = await openStore(`sqlite://${file}`);
    await store.updateGuild('g1', (s) => ({ schedules: s, result: undefined }));
    await store.close();
    const raw = new KeyvSqlite({ uri: `sqlite://${file}` });
    const [row] = (await raw.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    await raw.disconnect();
    expect(row?.journal_mode).toBe('wal');
  });

  test('GIVEN a thousand schedule changes WHEN nothing else writes THEN the write-ahead log is checkpointed as it goes and stays small', async () => {
    const file = join(tempDir(), 'attache.sqlite');
    const store = await openStore(`sqlite://${file}`);
    // About 4 KB a record, two pages a write: a thousand writes, never checkpointed, leave a log of 8 MB.
    const padding = 'x'.repeat(4000);
    let largest = 0;
    for (let i = 0; i < 1000; i++) {
      await store.updateGuild('g1', () => ({
        schedules: [scheduleRecord({ guildId: 'g1', channelName: `${i}${padding}` })],
        result: undefined,
      }));
      // Checkpoints run on the adapter's connection, off the event loop: give them their turn.
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      largest = Math.max(largest, statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    }
    await store.close();
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(2 * 1024 * 1024);
  });

  test('GIVEN two processes on one file WHEN both write THEN no write is lost', async () => {
    const url = `sqlite://${join(tempDir(), 'attache.sqlite')}`;
    const a = await openStore(url);
    const b = await openStore(url);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).ledgerSet({
          key: `g:s:${i}`,
          guildId: 'g',
          scheduleId: 's',
          slot: String(i),
          status: 'sent',
          nonce: 'n',
          attempts: 1,
          createdAt: 'x',
          updatedAt: 'x',
        }),
      ),
    );
    const found = await Promise.all(Array.from({ length: 40 }, (_, i) => a.ledgerGet(`g:s:${i}`)));
    await Promise.all([a.close(), b.close()]);
    expect(found.filter(Boolean)).toHaveLength(40);
  });

  test('GIVEN a guild read and kept parsed WHEN another store on the file changes it THEN the next read sees the change, and what a reader got cannot be changed under the next one', async () => {
    const url = `sqlite://${join(tempDir(), 'attache.sqlite')}`;
    const a = await openStore(url);
    const b = await openStore(url);
    const schedule = (id: string, channelId: string) => ({
      id,
      guildId: 'g1',
      channelId,
      when: 'daily 08:00',
      cron: '0 8 * * *',
      timezone: 'UTC',
      themes: [],
      format: 'brief' as const,
      skipIfEmpty: false,
      paused: false,
      createdBy: 'u',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      activeSince: '2026-01-01T00:00:00.000Z',
      health: { status: 'ok' as const },
    });
    await a.updateGuild('g1', () => ({ schedules: [schedule('sone', 'c1')], result: undefined }));
    const first = await a.readGuild('g1');
    expect(() => {
      (first[0] as { channelId: string }).channelId = 'changed by a reader';
    }).toThrow(TypeError);
    expect((await a.readGuild('g1'))[0]?.channelId).toBe('c1');

    await b.updateGuild('g1', (list) => ({
      schedules: [...list, schedule('stwo', 'c2')],
      result: undefined,
    }));
    expect((await a.readGuild('g1')).map((s) => s.id)).toEqual(['sone', 'stwo']);
    await a.updateGuild('g1', (list) => ({
      schedules: list.filter((s) => s.id !== 'sone'),
      result: undefined,
    }));
    expect((await b.readGuild('g1')).map((s) => s.id)).toEqual(['stwo']);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('failures are never silent', () => {
  class BrokenMap extends Map<unknown, unknown> {
    override set(key: unknown, value: unknown): this {
      if (String(key).includes('ledger:') || String(key).includes('schedules:'))
        throw new Error('disk I/O error');
      return super.set(key, value);
    }
  }
  const broken = new Map<string, AdapterFactory>([['broken', async () => new BrokenMap()]]);

  test('GIVEN an adapter that fails writes WHEN a schedule is saved THEN a StoreError reaches the caller', async () => {
    const store = await openStore('broken://', { adapters: broken });
    await expect(store.updateGuild('g1', (s) => ({ schedules: s, result: undefined }))).rejects.toThrow(
      new StoreError('could not save the schedules of guild g1: disk I/O error'),
    );
  });

  test('GIVEN an adapter that fails writes WHEN a run is recorded THEN a StoreError reaches the caller', async () => {
    const store = await openStore('broken://', { adapters: broken });
    await expect(
      store.ledgerSet({
        key: 'k',
        guildId: 'g',
        scheduleId: 's',
        slot: 'x',
        status: 'pending',
        nonce: 'n',
        attempts: 0,
        createdAt: 'x',
        updatedAt: 'x',
      }),
    ).rejects.toBeInstanceOf(StoreError);
  });

  test('GIVEN stored data that is not a schedule list THEN reading it is a StoreError, not an empty list', async () => {
    const shared = new Map<unknown, unknown>();
    const adapters = new Map<string, AdapterFactory>([['shared', async () => shared]]);
    const store = await openStore('shared://', { adapters });
    shared.set('schedules:g1', JSON.stringify({ value: { v: 1, schedules: [{ id: 'nope' }] } }));
    await expect(store.readGuild('g1')).rejects.toBeInstanceOf(StoreError);
  });
});

describe('STORE_URL and keyv adapters', () => {
  const problem = async (url: string, load?: ModuleLoader): Promise<string[]> => {
    const error = await openStore(url, load ? { load } : {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  };

  test.each([
    ['ftp://files.example.org/attache', 'ftp://'],
    ['constructor://db/attache', 'constructor://'],
    ['nonsense', 'a value without a scheme://'],
  ])(
    'GIVEN STORE_URL %s THEN opening fails with one line naming STORE_URL and what to use',
    async (url, shown) => {
      const problems = await problem(url);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toBe(
        `STORE_URL: no keyv adapter for ${shown}; use sqlite://<file> (the default) or memory://, or redis://, rediss://, valkey://, postgres://, postgresql://, mysql://, mongodb://, mongodb+srv:// with its @keyv adapter installed`,
      );
    },
  );

  test.each([
    ['redis://localhost:6379', '@keyv/redis'],
    ['mysql://bot@db/attache', '@keyv/mysql'],
    ['mongodb://db/attache', '@keyv/mongo'],
  ])(
    'GIVEN STORE_URL %s and its adapter not installed THEN the message says what to install',
    async (url, pkg) => {
      // A name that is certainly not installed, so Node's own "cannot find package" error is the one handled.
      const load: ModuleLoader = (name) => import(`${name}-not-installed-${Date.now()}`);
      const [line] = await problem(url, load);
      expect(line).toContain(
        `STORE_URL: ${url.split(':')[0]}:// needs the keyv adapter ${pkg}, which is not installed`,
      );
      expect(line).toContain(`npm install ${pkg}`);
      expect(line).not.toContain('\n');
    },
  );

  test('GIVEN STORE_URL redis://… and @keyv/redis installed THEN the store runs on it, one adapter per table', async () => {
    const made: unknown[][] = [];
    class FakeRedis extends Map<unknown, unknown> {
      constructor(...args: unknown[]) {
        super();
        made.push(args);
      }
    }
    const load: ModuleLoader = async (name) => (name === '@keyv/redis' ? { default: FakeRedis } : {});
    const store = await openStore('redis://cache:6379', { load });
    await store.updateGuild('g1', () => ({ schedules: [], result: undefined }));
    expect(await store.readGuild('g1')).toEqual([]);
    await store.close();
    // schedules, ledger, leases
    expect(made).toEqual([['redis://cache:6379'], ['redis://cache:6379'], ['redis://cache:6379']]);
  });

  test('GIVEN an adapter that is installed but cannot connect THEN it is a StoreError, not a configuration error', async () => {
    class Unreachable {
      constructor() {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      }
    }
    const load: ModuleLoader = async () => ({ default: Unreachable });
    await expect(openStore('mysql://db/attache', { load })).rejects.toThrow(
      new StoreError('cannot open the store: connect ECONNREFUSED 127.0.0.1:5432'),
    );
  });

  test.each([
    ['postgres://bot:s3cr#t@127.0.0.1:1/test', /not a valid URL; percent-encode/],
    ['postgres://postgres@127.0.0.1:1/test?schema=Mixed', /\?schema= takes a lowercase name/],
    ['postgres://postgres@127.0.0.1:1/test?schema=x;drop%20table%20y', /\?schema= takes a lowercase name/],
  ])('GIVEN STORE_URL %s THEN opening is a ConfigError that never echoes the value', async (url, message) => {
    const error = await openStore(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(message)]);
    expect(JSON.stringify(error)).not.toMatch(/s3cr|drop/);
  });

  test('GIVEN STORE_URL postgres://… with nothing listening THEN opening is a StoreError naming the refusal, not a missing package', async () => {
    const error = await openStore('postgres://postgres@127.0.0.1:1/test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/^cannot open the store: .*ECONNREFUSED/);
  });
});

describe('guild isolation in storage', () => {
  test('GIVEN schedules in two guilds THEN each record holds only its own', async () => {
    const digests = await createDigestRuntime(options('memory://'));
    await digests.schedules.add('g1', 'u1', input, defaultLibrary());
    await digests.schedules.add('g2', 'u2', input, defaultLibrary());
    const all: { guildId: string; ids: string[] }[] = [];
    for await (const g of digests.store.guilds())
      all.push({ guildId: g.guildId, ids: g.schedules.map((s) => s.guildId) });
    await digests.stop();
    expect(all).toEqual([
      { guildId: 'g1', ids: ['g1'] },
      { guildId: 'g2', ids: ['g2'] },
    ]);
  });
});
