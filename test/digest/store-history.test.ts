/**
 * The store's listing of one schedule's runs (for /schedule history) and its short-lived stash (a
 * pending import), on every store the bot ships: memory, SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../src/digest/index.js';
import { openStore, type Store } from '../../src/digest/store.js';
import { checkPostgres, postgresSchema } from '../services.js';

const pgMissing = await checkPostgres();
if (pgMissing) console.warn(`store-history: PostgreSQL cases skipped: ${pgMissing}`);

const backends = [
  { name: 'memory', fresh: async () => ({ url: 'memory://', cleanup: async () => {} }) },
  {
    name: 'sqlite',
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'attache-history-'));
      return {
        url: `sqlite://${join(dir, 'a.sqlite')}`,
        cleanup: async () => rmSync(dir, { recursive: true }),
      };
    },
  },
  ...(pgMissing
    ? []
    : [
        {
          name: 'postgres',
          fresh: async () => {
            const schema = await postgresSchema();
            return { url: schema.storeUrl(), cleanup: schema.drop };
          },
        },
      ]),
];

const opened: Store[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const entry = (guildId: string, scheduleId: string, hour: number): LedgerEntry => {
  const slot = new Date(Date.UTC(2026, 2, 1, hour)).toISOString();
  return {
    key: `${guildId}:${scheduleId}:${slot}`,
    guildId,
    scheduleId,
    slot,
    status: 'sent',
    nonce: 'n',
    messageId: `m${hour}`,
    attempts: 1,
    createdAt: slot,
    updatedAt: slot,
  };
};

describe.each(backends)('the $name store', (backend) => {
  async function fresh(): Promise<Store> {
    const { url, cleanup } = await backend.fresh();
    cleanups.push(cleanup);
    const store = await openStore(url);
    opened.push(store);
    return store;
  }

  test('GIVEN runs of two schedules in two guilds WHEN one schedule is listed THEN only its runs come, newest first, at most the limit', async () => {
    const store = await fresh();
    for (let hour = 0; hour < 30; hour++) await store.ledgerSet(entry('g1', 's1', hour));
    await store.ledgerSet(entry('g1', 's10', 5));
    await store.ledgerSet(entry('g2', 's1', 6));
    const runs = await store.ledgerList('g1', 's1', 25);
    expect(runs).toHaveLength(25);
    expect(runs.map((r) => r.messageId)).toEqual(Array.from({ length: 25 }, (_, i) => `m${29 - i}`));
    expect(runs.every((r) => r.guildId === 'g1' && r.scheduleId === 's1')).toBe(true);
  });

  test('GIVEN a schedule without runs WHEN it is listed THEN the list is empty', async () => {
    const store = await fresh();
    await store.ledgerSet(entry('g1', 's1', 1));
    expect(await store.ledgerList('g1', 's2', 25)).toEqual([]);
  });

  test('GIVEN a stashed value WHEN it is read, deleted, or its time is up THEN it is there, then gone', async () => {
    const store = await fresh();
    await store.stashSet('import:g1:a', { v: 1 }, 60_000);
    await store.stashSet('import:g1:b', { v: 2 }, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.stashGet('import:g1:a')).toEqual({ v: 1 });
    expect(await store.stashGet('import:g1:b')).toBeUndefined();
    await store.stashDelete('import:g1:a');
    expect(await store.stashGet('import:g1:a')).toBeUndefined();
    // A stash is no run: the ledger listing never shows it.
    expect(await store.ledgerList('import', 'g1', 25)).toEqual([]);
  });
});
