/**
 * What the store keeps and for how long, on real SQLite files: ledger and seen-list rows expire
 * after a retention longer than the catch-up and nonce windows, a removed schedule's rows go with
 * it, and the guilds are listed at start in one read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { LedgerEntry, Schedule } from '../../src/digest/index.js';
import { NONCE_WINDOW_MS, runKey } from '../../src/digest/ledger.js';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { INLINE_SEEN_LIMIT } from '../../src/digest/seen-sets.js';
import { type AdapterFactory, openStore, RETENTION_MS } from '../../src/digest/store.js';
import { digestOptions, fakePoster, scheduleRecord } from './fixtures.js';

const DAY = 86_400_000;
const T0 = new Date('2026-03-02T09:00:00Z');

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const sqliteFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-retention-'));
  dirs.push(dir);
  return join(dir, 'attache.sqlite');
};

const entry = (guildId: string, scheduleId: string, slot: string): LedgerEntry => ({
  key: runKey(guildId, scheduleId, slot),
  guildId,
  scheduleId,
  slot,
  status: 'sent',
  nonce: 'n',
  messageId: 'm1',
  attempts: 1,
  createdAt: slot,
  updatedAt: slot,
});

/** Rows of a table as stored, with keyv's expiry read from the JSON it writes. */
async function rows(file: string, table: string): Promise<{ key: string; expires: number | null }[]> {
  const raw = new KeyvSqlite({ uri: `sqlite://${file}`, table });
  const found = (await raw.query(
    `SELECT key, json_extract(value, '$.expires') AS expires FROM ${table} ORDER BY key`,
  )) as { key: string; expires: number | null }[];
  await raw.disconnect();
  return found;
}

const longSeen = (): Schedule =>
  scheduleRecord({
    id: 'long1',
    seen: {
      at: T0.toISOString(),
      lookahead: [],
      briefings: Array.from({ length: INLINE_SEEN_LIMIT + 10 }, (_, i) => `b-${i}`),
    },
  });

describe('retention of ledger and seen-list rows', () => {
  test('GIVEN the retention THEN it is longer than the catch-up window and the nonce window, about 90 days', () => {
    expect(RETENTION_MS).toBe(90 * DAY);
    expect(RETENTION_MS).toBeGreaterThan(
      digestOptions({ poster: fakePoster() }).catchUpWindowHours * 3_600_000,
    );
    expect(RETENTION_MS).toBeGreaterThan(NONCE_WINDOW_MS);
  });

  test('GIVEN a run recorded and a long seen list saved THEN both rows carry an expiry 90 days on', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const store = await openStore(`sqlite://${file}`);
    await store.ledgerSet(entry('g1', 'sched1', '2026-03-02T07:00:00.000Z'));
    await store.updateGuild('g1', () => ({ schedules: [longSeen()], result: undefined }));
    await store.close();
    const ledger = await rows(file, 'ledger');
    expect(ledger.map((r) => r.key.replace(/seen-set:.*/, 'seen-set:…'))).toEqual([
      'ledger:g1:sched1:2026-03-02T07:00:00.000Z',
      'ledger:seen-set:…',
    ]);
    for (const row of ledger) expect(row.expires, row.key).toBe(T0.getTime() + RETENTION_MS);
  });

  test('GIVEN rows past their retention WHEN the store prunes THEN they are gone from the file and newer ones stay', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const store = await openStore(`sqlite://${file}`);
    await store.ledgerSet(entry('g1', 'sched1', '2026-03-02T07:00:00.000Z'));
    vi.setSystemTime(T0.getTime() + 60 * DAY);
    await store.ledgerSet(entry('g1', 'sched1', '2026-05-01T07:00:00.000Z'));
    vi.setSystemTime(T0.getTime() + RETENTION_MS + DAY);
    expect(await store.pruneExpired()).toBe(1);
    await store.close();
    expect((await rows(file, 'ledger')).map((r) => r.key)).toEqual([
      'ledger:g1:sched1:2026-05-01T07:00:00.000Z',
    ]);
  });

  test('GIVEN a run recorded before rows had an expiry WHEN it is older than the retention THEN pruning removes it too', async () => {
    const file = sqliteFile();
    const raw = new KeyvSqlite({ uri: `sqlite://${file}`, table: 'ledger' });
    await raw.set(
      'ledger:g1:sched1:2025-01-01T07:00:00.000Z',
      JSON.stringify({ value: entry('g1', 'sched1', '2025-01-01T07:00:00.000Z') }),
    );
    await raw.set(
      'ledger:g1:sched1:2026-03-01T07:00:00.000Z',
      JSON.stringify({ value: entry('g1', 'sched1', '2026-03-01T07:00:00.000Z') }),
    );
    await raw.disconnect();
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const store = await openStore(`sqlite://${file}`);
    expect(await store.pruneExpired()).toBe(1);
    await store.close();
    expect((await rows(file, 'ledger')).map((r) => r.key)).toEqual([
      'ledger:g1:sched1:2026-03-01T07:00:00.000Z',
    ]);
  });

  test('GIVEN a long seen list still in use WHEN its guild is saved days later THEN its expiry moves on with it', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const store = await openStore(`sqlite://${file}`);
    await store.updateGuild('g1', () => ({ schedules: [longSeen()], result: undefined }));
    vi.setSystemTime(T0.getTime() + 3 * DAY);
    await store.updateGuild('g1', (list) => ({ schedules: list, result: undefined }));
    await store.close();
    const [set] = (await rows(file, 'ledger')).filter((r) => r.key.includes('seen-set:'));
    expect(set?.expires).toBe(T0.getTime() + 3 * DAY + RETENTION_MS);
  });

  test('GIVEN a schedule left untouched past the retention WHEN its seen list has expired THEN the guild still reads, with that list empty', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const writer = await openStore(`sqlite://${file}`);
    await writer.updateGuild('g1', () => ({ schedules: [longSeen()], result: undefined }));
    await writer.close();
    vi.setSystemTime(T0.getTime() + RETENTION_MS + DAY);
    const reader = await openStore(`sqlite://${file}`);
    const [read] = await reader.readGuild('g1');
    await reader.close();
    expect(read?.seen).toMatchObject({ at: T0.toISOString(), briefings: [] });
  });
});

describe('pruning when the bot starts', () => {
  test('GIVEN run records past their retention WHEN the digests start THEN they are deleted', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const before = await openStore(`sqlite://${file}`);
    await before.ledgerSet(entry('g1', 'sched1', '2026-03-02T07:00:00.000Z'));
    await before.close();
    vi.setSystemTime(T0.getTime() + RETENTION_MS + DAY);
    const digests = await createDigestRuntime(
      digestOptions({ storeUrl: `sqlite://${file}`, poster: fakePoster() }),
    );
    await digests.start();
    await digests.stop();
    expect(await rows(file, 'ledger')).toEqual([]);
  });
});

describe('removing a schedule', () => {
  test('GIVEN a schedule with recorded runs WHEN it is removed THEN its ledger rows go, and other schedules keep theirs', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
    const file = sqliteFile();
    const digests = await createDigestRuntime(
      digestOptions({ storeUrl: `sqlite://${file}`, poster: fakePoster() }),
    );
    for (const [guildId, id] of [
      ['g1', 'gone1'],
      ['g1', 'kept1'],
      ['g2', 'gone1'],
    ] as const) {
      await digests.store.updateGuild(guildId, (list) => ({
        schedules: [...list, scheduleRecord({ guildId, id })],
        result: undefined,
      }));
      for (const slot of ['2026-03-01T07:00:00.000Z', '2026-03-02T07:00:00.000Z']) {
        await digests.store.ledgerSet(entry(guildId, id, slot));
      }
    }
    await digests.schedules.remove('g1', 'gone1');
    await digests.stop();
    expect((await rows(file, 'ledger')).map((r) => r.key)).toEqual([
      'ledger:g1:kept1:2026-03-01T07:00:00.000Z',
      'ledger:g1:kept1:2026-03-02T07:00:00.000Z',
      'ledger:g2:gone1:2026-03-01T07:00:00.000Z',
      'ledger:g2:gone1:2026-03-02T07:00:00.000Z',
    ]);
  });
});

describe('listing guilds at start', () => {
  test('GIVEN 120 guilds in SQLite THEN they are all listed with one query, not pages of ten', async () => {
    const file = sqliteFile();
    const queries: string[] = [];
    const counting: AdapterFactory = async (_url, table) => {
      const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, table });
      const query = adapter.query;
      adapter.query = (sql: string, ...rest: unknown[]) => {
        if (table === 'schedules' && /^SELECT/i.test(sql)) queries.push(sql);
        return query(sql, ...rest);
      };
      return adapter;
    };
    const store = await openStore('sqlite://', { adapters: new Map([['sqlite', counting]]) });
    for (let i = 0; i < 120; i++) {
      const guildId = `g${i}`;
      await store.updateGuild(guildId, () => ({
        schedules: [scheduleRecord({ guildId })],
        result: undefined,
      }));
    }
    queries.length = 0;
    const listed: string[] = [];
    for await (const g of store.guilds()) listed.push(...g.schedules.map((s) => `${g.guildId}/${s.guildId}`));
    await store.close();
    expect(listed).toHaveLength(120);
    expect(listed.every((l) => l.split('/')[0] === l.split('/')[1])).toBe(true);
    expect(queries).toHaveLength(1);
  });
});
