/**
 * Two instances of the bot on one SQLite file (as two processes would have it, each with its own
 * connection and scheduler): an edit made through one must not leave the other posting on the old
 * rule, and must reach the other's tasks within a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import type { CronLike } from '../../src/digest/scheduler.js';
import { defaultLibrary, digestOptions, type FakePoster, fakePoster } from './fixtures.js';

/** A cron that only records its tasks; the test fires them by hand. */
function recordingCron() {
  const tasks = new Map<string, { expression: string; timezone: string; fire: (date: Date) => unknown }>();
  const cron: CronLike = {
    schedule(expression, fn, options) {
      const task = { expression, timezone: options.timezone, fire: (date: Date) => fn({ date }) };
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

const dirs: string[] = [];
const apps: DigestRuntime[] = [];
afterEach(async () => {
  await Promise.allSettled(apps.splice(0).map((a) => a.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let at = Date.parse('2026-03-02T06:00:00Z');
const now = () => new Date(at);

async function instance(url: string, poster: FakePoster) {
  const { cron, tasks } = recordingCron();
  const app = await createDigestRuntime(
    digestOptions({ storeUrl: url, poster, now, defaultTimezone: 'UTC', cron }),
  );
  apps.push(app);
  return { app, tasks };
}

const input = {
  channelId: 'c1',
  when: 'daily 08:00',
  timezone: 'UTC',
  themes: [],
  format: 'brief' as const,
  skipIfEmpty: false,
};

describe('two instances on one SQLite file', () => {
  test('GIVEN instance B holds a daily 08:00 task WHEN A moves it to 09:00 and B’s stale task fires at 08:00 THEN nothing is posted', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const dir = mkdtempSync(join(tmpdir(), 'attache-shared-'));
    dirs.push(dir);
    const url = `sqlite://${join(dir, 'a.sqlite')}`;
    const posterA = fakePoster();
    const posterB = fakePoster();
    const a = await instance(url, posterA);
    const { schedule } = await a.app.schedules.add('g1', 'u1', input, defaultLibrary());
    const b = await instance(url, posterB);
    await b.app.start();
    const [stale] = [...b.tasks.values()];
    expect(stale?.expression).toBe('0 8 * * *');

    at = Date.parse('2026-03-02T07:00:00Z');
    await a.app.schedules.edit('g1', schedule.id, { when: 'daily 09:00' }, defaultLibrary());
    at = Date.parse('2026-03-02T08:00:00Z');
    await stale?.fire(new Date(at));
    await b.app.scheduler.stop();
    expect(posterA.sends + posterB.sends).toBe(0);
  });

  test('GIVEN an edit made through A WHEN B refreshes (once a minute) THEN B’s task runs on the new rule, and an unchanged store costs no re-registering', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const dir = mkdtempSync(join(tmpdir(), 'attache-shared-'));
    dirs.push(dir);
    const url = `sqlite://${join(dir, 'a.sqlite')}`;
    const a = await instance(url, fakePoster());
    const { schedule } = await a.app.schedules.add('g1', 'u1', input, defaultLibrary());
    const b = await instance(url, fakePoster());
    await b.app.start();
    const before = [...b.tasks.values()][0];
    await b.app.refresh();
    expect([...b.tasks.values()][0]).toBe(before);

    await a.app.schedules.edit('g1', schedule.id, { when: 'daily 09:00' }, defaultLibrary());
    await b.app.refresh();
    expect([...b.tasks.values()].map((t) => t.expression)).toEqual(['0 9 * * *']);

    await a.app.schedules.setPaused('g1', schedule.id, true);
    await b.app.refresh();
    expect(b.tasks.size).toBe(0);
  });

  test('GIVEN a schedule added through A WHEN B fails to read it once while refreshing THEN the next refresh still arms it', async () => {
    at = Date.parse('2026-03-02T06:00:00Z');
    const dir = mkdtempSync(join(tmpdir(), 'attache-shared-'));
    dirs.push(dir);
    const url = `sqlite://${join(dir, 'a.sqlite')}`;
    const a = await instance(url, fakePoster());
    const b = await instance(url, fakePoster());
    await b.app.start();
    await a.app.schedules.add('g1', 'u1', input, defaultLibrary());
    const read = b.app.store.readGuild;
    b.app.store.readGuild = async () => {
      b.app.store.readGuild = read;
      throw new Error('database is locked');
    };
    await expect(b.app.refresh()).rejects.toThrow('database is locked');
    await b.app.refresh();
    expect([...b.tasks.values()].map((t) => t.expression)).toEqual(['0 8 * * *']);
  });
});
