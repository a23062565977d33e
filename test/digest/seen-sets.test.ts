import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, describe, expect, test } from 'vitest';
import { type Schedule, ScheduleSchema, StoreError } from '../../src/digest/index.js';
import { INLINE_SEEN_LIMIT } from '../../src/digest/seen-sets.js';
import { openStore } from '../../src/digest/store.js';
import { scheduleRecord } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const sqliteUrl = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-seen-'));
  dirs.push(dir);
  return `sqlite://${join(dir, 'attache.sqlite')}`;
};

const ids = (n: number, tag = 'b') => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
const schedule = (id: string, briefings?: string[]): Schedule =>
  ScheduleSchema.parse(
    scheduleRecord({
      id,
      timezone: 'UTC',
      ...(briefings ? { seen: { at: '2026-01-02T08:00:00.000Z', lookahead: ['k1'], briefings } } : {}),
    }),
  );

const save = (url: string, list: Schedule[]) =>
  openStore(url).then(async (store) => {
    await store.updateGuild('g1', () => ({ schedules: list, result: undefined }));
    return store;
  });

describe('long lists of seen briefings are kept once, by reference', () => {
  test.each([
    ['none', undefined],
    ['a short list', ids(INLINE_SEEN_LIMIT)],
    ['a long list', ids(5000)],
  ])(
    'GIVEN a schedule that saw %s WHEN saved and read by another process THEN it reads back the same',
    async (_, seen) => {
      const url = sqliteUrl();
      const writer = await save(url, [schedule('abcd1', seen)]);
      const reader = await openStore(url);
      const [read] = await reader.readGuild('g1');
      await Promise.all([writer.close(), reader.close()]);
      expect(read).toEqual(schedule('abcd1', seen));
    },
  );

  test('GIVEN twenty schedules that saw the same long list WHEN saved THEN the guild record stays small and the list is stored once', async () => {
    const url = sqliteUrl();
    const seen = ids(5000);
    const list = Array.from({ length: 20 }, (_, i) => schedule(`sched${i}`, [...seen]));
    const store = await save(url, list);
    await store.close();
    const raw = new KeyvSqlite({ uri: url });
    const rows = (await raw.query(
      'SELECT key, length(value) AS size FROM schedules UNION ALL SELECT key, length(value) AS size FROM ledger',
    )) as { key: string; size: number }[];
    await raw.disconnect();
    const guild = rows.find((r) => r.key.includes('schedules:g1'));
    const sets = rows.filter((r) => r.key.includes('seen-set:'));
    expect(guild?.size).toBeLessThan(20 * 1000);
    expect(sets).toHaveLength(1);
    expect(sets[0]?.size).toBeGreaterThan(5000 * 6);
  });

  test('GIVEN a later digest that saw one more briefing WHEN saved THEN the schedule reads back the new list', async () => {
    const url = sqliteUrl();
    const store = await save(url, [schedule('abcd1', ids(100))]);
    await store.updateGuild('g1', (s) => ({
      schedules: s.map((x) =>
        x.seen ? { ...x, seen: { ...x.seen, briefings: [...ids(100), 'new-one'] } } : x,
      ),
      result: undefined,
    }));
    await store.close();
    const reader = await openStore(url);
    const [read] = await reader.readGuild('g1');
    await reader.close();
    expect(read?.seen?.briefings).toEqual([...ids(100), 'new-one']);
  });

  test('GIVEN a recent record whose list of seen briefings is gone WHEN read THEN a StoreError says so', async () => {
    const url = sqliteUrl();
    // Seen yesterday: the list cannot have expired, so its absence is damage, not retention.
    const recent = schedule('abcd1', ids(100));
    const seenYesterday = {
      ...recent,
      seen: { lookahead: [], briefings: ids(100), at: new Date(Date.now() - 86_400_000).toISOString() },
    };
    const store = await save(url, [seenYesterday]);
    await store.close();
    const raw = new KeyvSqlite({ uri: url });
    await raw.query("DELETE FROM ledger WHERE key LIKE '%seen-set:%'");
    await raw.disconnect();
    const reader = await openStore(url);
    await expect(reader.readGuild('g1')).rejects.toThrow(StoreError);
    await expect(reader.readGuild('g1')).rejects.toThrow(/abcd1.*missing list of seen briefings/);
    await reader.close();
  });

  test('GIVEN a record saved with the list inline (before lists were shared) WHEN read THEN the list is read as it was', async () => {
    const url = sqliteUrl();
    // Written through a plain keyv, as the earlier store did.
    const { Keyv } = await import('keyv');
    const old = new Keyv({ store: new KeyvSqlite({ uri: url, table: 'schedules' }), namespace: 'schedules' });
    await old.set('g1', { v: 1, schedules: [schedule('abcd1', ids(500))] });
    await old.disconnect();
    const reader = await openStore(url);
    const [read] = await reader.readGuild('g1');
    await reader.close();
    expect(read?.seen?.briefings).toEqual(ids(500));
  });
});
