/**
 * One contract for every store the bot ships: memory, SQLite and PostgreSQL (schedules, run claims,
 * shard leases). Two stores opened on the same SQLite file or Postgres schema stand for two
 * processes (each has its own connection and its own in-process lock); the memory store cannot be
 * shared, so it has no cross-store cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { LedgerEntry, Schedule } from '../../src/digest/index.js';
import { openStore, RETENTION_MS, type Store } from '../../src/digest/store.js';
import { UserError } from '../../src/errors.js';
import { checkPostgres, postgresSchema } from '../services.js';
import { scheduleRecord } from './fixtures.js';

const pgMissing = await checkPostgres();

interface Backend {
  name: string;
  shared: boolean;
  /** A URL for a fresh, empty store, and how to clean up after. */
  fresh(): Promise<{ url: string; cleanup(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', shared: false, fresh: async () => ({ url: 'memory://', cleanup: async () => {} }) },
  {
    name: 'sqlite',
    shared: true,
    fresh: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'attache-contract-'));
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
          shared: true,
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
  vi.useRealTimers();
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const schedule = (id: string, guildId = 'g1'): Schedule => scheduleRecord({ id, guildId, timezone: 'UTC' });

const entry = (slot: string, status: LedgerEntry['status'] = 'pending'): LedgerEntry => ({
  key: `g1:s1:${slot}`,
  guildId: 'g1',
  scheduleId: 's1',
  slot,
  status,
  nonce: 'n',
  attempts: 0,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
});

const addOne = (store: Store, id: string) =>
  store.updateGuild('g1', (list) => ({ schedules: [...list, schedule(id)], result: id }));

describe.each(backends)('the $name store', (backend) => {
  // Cases for two stores on one backend exist only where a backend can be shared (a file, a
  // database): the memory store lives inside one store object, so they do not apply to it.
  const acrossStores = backend.shared ? test : undefined;
  const open = async (count: number): Promise<Store[]> => {
    const { url, cleanup } = await backend.fresh();
    cleanups.push(cleanup);
    const stores: Store[] = [];
    for (let i = 0; i < count; i++) {
      const store = await openStore(url);
      opened.push(store);
      stores.push(store);
    }
    return stores;
  };

  test('GIVEN a slot claimed WHEN it is claimed again THEN only the first claim wins and the second sees it', async () => {
    const [store] = (await open(1)) as [Store];
    const first = entry('2026-03-02T08:00:00.000Z');
    expect(await store.ledgerClaim(first)).toBeUndefined();
    const second = await store.ledgerClaim({ ...first, nonce: 'other' });
    expect(second?.nonce).toBe('n');
    expect((await store.ledgerGet(first.key))?.nonce).toBe('n');
  });

  acrossStores?.(
    'GIVEN two stores on one backend WHEN both claim 10 slots at once THEN each slot has exactly one winner',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      const slots = Array.from({ length: 10 }, (_, i) => `2026-03-02T0${i}:00:00.000Z`);
      const claims = await Promise.all(
        slots.flatMap((slot) => [a.ledgerClaim(entry(slot)), b.ledgerClaim(entry(slot))]),
      );
      expect(claims.filter((c) => c === undefined)).toHaveLength(10);
    },
  );

  acrossStores?.(
    'GIVEN two stores on one backend WHEN each makes 40 concurrent changes to one guild THEN all 80 are kept',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      const ids = Array.from({ length: 40 }, (_, i) => `s${String(i).padStart(3, '0')}`);
      const results = await Promise.all([
        ...ids.map((id) => addOne(a, `a${id}`)),
        ...ids.map((id) => addOne(b, `b${id}`)),
      ]);
      expect(results).toHaveLength(80);
      expect((await a.readGuild('g1')).length).toBe(80);
    },
  );

  acrossStores?.(
    'GIVEN a change computed on a record another store changed meanwhile THEN it is re-applied to the new record, nothing lost',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      await addOne(a, 'aaaa');
      let calls = 0;
      const result = await a.updateGuild('g1', async (list) => {
        calls++;
        // The first time round, the other process writes between this read and this write.
        if (calls === 1) await addOne(b, 'bbbb');
        return { schedules: [...list, schedule('cccc')], result: list.length };
      });
      expect(calls).toBe(2);
      expect(result).toBe(2);
      expect((await a.readGuild('g1')).map((s) => s.id).sort()).toEqual(['aaaa', 'bbbb', 'cccc']);
    },
  );

  acrossStores?.(
    'GIVEN another store that writes every time before this one can WHEN the retries run out THEN a UserError says it changed meanwhile',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      await addOne(a, 'base');
      let calls = 0;
      const error = await a
        .updateGuild('g1', async (list) => {
          calls++;
          await addOne(b, `b${String(calls).padStart(3, '0')}`);
          return { schedules: list, result: undefined };
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(/changed meanwhile.*try again/);
      expect(calls).toBeGreaterThan(1);
      // What the other store wrote is all there: the failed change lost nobody else's.
      expect((await a.readGuild('g1')).length).toBe(1 + calls);
    },
  );

  const T0 = Date.parse('2026-03-02T06:00:00Z');
  const term = (now: number, ttl = 30_000) => ({ now, expiresAt: now + ttl });

  test('GIVEN a free lease WHEN A takes it THEN B is refused and sees A until its end, and A renews it', async () => {
    const [store] = (await open(1)) as [Store];
    expect(await store.lease('shard:1:0', 'A', term(T0))).toEqual({ holder: 'A', expiresAt: T0 + 30_000 });
    expect(await store.lease('shard:1:0', 'B', term(T0 + 1000))).toEqual({
      holder: 'A',
      expiresAt: T0 + 30_000,
    });
    expect(await store.lease('shard:1:0', 'A', term(T0 + 10_000))).toEqual({
      holder: 'A',
      expiresAt: T0 + 40_000,
    });
    // Renewed: still A's past its first end.
    expect((await store.lease('shard:1:0', 'B', term(T0 + 35_000))).holder).toBe('A');
    // Other shards' leases are other rows.
    expect((await store.lease('shard:1:1', 'B', term(T0))).holder).toBe('B');
    expect((await store.lease('shard:2:0', 'B', term(T0))).holder).toBe('B');
  });

  test('GIVEN A’s lease ran out without a renewal WHEN B asks THEN B takes it, and A’s next renewal is refused', async () => {
    const [store] = (await open(1)) as [Store];
    await store.lease('shard:1:0', 'A', term(T0));
    expect(await store.lease('shard:1:0', 'B', term(T0 + 30_001))).toEqual({
      holder: 'B',
      expiresAt: T0 + 60_001,
    });
    expect((await store.lease('shard:1:0', 'A', term(T0 + 30_002))).holder).toBe('B');
  });

  test('GIVEN A holds the lease WHEN B releases it THEN nothing changes; WHEN A releases it THEN B takes it at once', async () => {
    const [store] = (await open(1)) as [Store];
    await store.lease('shard:1:0', 'A', term(T0));
    expect(await store.leaseRelease('shard:1:0', 'B')).toBe(false);
    expect((await store.lease('shard:1:0', 'B', term(T0 + 1))).holder).toBe('A');
    expect(await store.leaseRelease('shard:1:0', 'A')).toBe(true);
    expect(await store.leaseRelease('shard:1:0', 'A')).toBe(false);
    expect((await store.lease('shard:1:0', 'B', term(T0 + 2))).holder).toBe('B');
  });

  acrossStores?.(
    'GIVEN two stores on one backend WHEN both take one lease at once, free and then run out, 10 times THEN each time exactly one holds it',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      for (let round = 0; round < 10; round++) {
        // Each round starts after the previous holder's lease ran out (or, the first, on none).
        const at = T0 + round * 60_000;
        const [byA, byB] = await Promise.all([
          a.lease('shard:1:0', `A${round}`, term(at)),
          b.lease('shard:1:0', `B${round}`, term(at)),
        ]);
        expect(byA, `round ${round}`).toEqual(byB);
        expect([`A${round}`, `B${round}`]).toContain(byA.holder);
      }
    },
  );

  acrossStores?.(
    'GIVEN A holds the lease in one store THEN another store on the backend sees it, and takes it once A releases it',
    async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      await a.lease('shard:1:0', 'A', term(T0));
      expect((await b.lease('shard:1:0', 'B', term(T0 + 1))).holder).toBe('A');
      expect(await b.leaseRelease('shard:1:0', 'B')).toBe(false);
      expect(await a.leaseRelease('shard:1:0', 'A')).toBe(true);
      expect((await b.lease('shard:1:0', 'B', term(T0 + 2))).holder).toBe('B');
    },
  );

  test('GIVEN run records past their retention WHEN pruned THEN they go and fresh ones stay', async () => {
    const [store] = (await open(1)) as [Store];
    await store.ledgerSet(entry('2026-01-01T08:00:00.000Z', 'sent'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + RETENTION_MS / 2);
    await store.ledgerSet(entry('2026-03-01T08:00:00.000Z', 'sent'));
    vi.setSystemTime(Date.now() + RETENTION_MS / 2 + 60_000);
    const pruned = await store.pruneExpired();
    // The memory store expires rows on read, so it has nothing to sweep.
    if (backend.name !== 'memory') expect(pruned).toBe(1);
    expect(await store.ledgerGet('g1:s1:2026-01-01T08:00:00.000Z')).toBeUndefined();
    expect((await store.ledgerGet('g1:s1:2026-03-01T08:00:00.000Z'))?.status).toBe('sent');
  });
});
