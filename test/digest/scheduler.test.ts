import { afterEach, describe, expect, test, vi } from 'vitest';
import { createRunner } from '../../src/digest/deliver.js';
import type { Schedule } from '../../src/digest/index.js';
import { nonceFor, runKey } from '../../src/digest/ledger.js';
import { createScheduler, type RunFn } from '../../src/digest/scheduler.js';
import { defaultLibrary, fakePoster, memoryStore } from './fixtures.js';

const HOUR = 3_600_000;

const schedule = (overrides: Partial<Schedule> = {}): Schedule => ({
  id: 'sched1',
  guildId: 'g1',
  channelId: 'c1',
  when: 'daily 08:00',
  cron: '0 8 * * *',
  timezone: 'Europe/Brussels',
  themes: [],
  format: 'brief',
  skipIfEmpty: false,
  paused: false,
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  activeSince: '2026-01-01T00:00:00.000Z',
  health: { status: 'ok' },
  ...overrides,
});

async function setup(
  schedules: Schedule[],
  options: { window?: number; ownsGuild?: (g: string) => boolean } = {},
) {
  const store = await memoryStore();
  for (const s of schedules) {
    await store.updateGuild(s.guildId, (list) => ({ schedules: [...list, s], result: undefined }));
  }
  const poster = fakePoster();
  const runner = createRunner({ store, poster, now: () => new Date(), library: defaultLibrary });
  const calls: { scheduleId: string; slot: string; late: boolean }[] = [];
  const run: RunFn = async (guildId, scheduleId, slot, options) => {
    calls.push({ scheduleId, slot: slot.toISOString(), late: options.late });
    return runner(guildId, scheduleId, slot, options);
  };
  const scheduler = createScheduler({
    store,
    run,
    now: () => new Date(),
    catchUpWindowMs: (options.window ?? 6) * HOUR,
    ...(options.ownsGuild ? { ownsGuild: options.ownsGuild } : {}),
  });
  return { store, poster, scheduler, calls };
}

const slotsPosted = (poster: ReturnType<typeof fakePoster>) =>
  poster.sent.map((m) => m.reply.embeds?.[0]?.timestamp);

afterEach(() => {
  vi.useRealTimers();
});

describe('node-cron tasks in the schedule time zone (fake timers)', () => {
  test('GIVEN daily 02:30 in Brussels WHEN clocks go forward on 2026-03-29 THEN no digest that day and one on each other day', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-27T12:00:00Z') });
    const { scheduler, poster } = await setup([schedule({ cron: '30 2 * * *', when: 'daily 02:30' })]);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4 * 24 * HOUR);
    scheduler.stop();
    expect(slotsPosted(poster)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  test('GIVEN daily 02:30 in Brussels WHEN clocks go back on 2026-10-25 THEN exactly one digest that day', async () => {
    vi.useFakeTimers({ now: new Date('2026-10-23T12:00:00Z') });
    const { scheduler, poster } = await setup([schedule({ cron: '30 2 * * *', when: 'daily 02:30' })]);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4 * 24 * HOUR);
    scheduler.stop();
    expect(slotsPosted(poster)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  test.each([
    [
      '2026-03-27T12:00:00Z',
      ['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
    ],
    [
      '2026-10-23T12:00:00Z',
      ['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z'],
    ],
  ])(
    'GIVEN daily 08:00 in Brussels from %s THEN it posts at 08:00 local on both sides of the change',
    async (from, expected) => {
      vi.useFakeTimers({ now: new Date(from) });
      const { scheduler, poster } = await setup([schedule({ activeSince: new Date(from).toISOString() })]);
      await scheduler.start();
      await vi.advanceTimersByTimeAsync(3 * 24 * HOUR);
      scheduler.stop();
      expect(slotsPosted(poster)).toEqual(expected);
    },
  );

  test('GIVEN a paused schedule THEN no task runs; WHEN synced after resume THEN it runs', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T00:00:00Z') });
    const paused = schedule({ paused: true });
    const { scheduler, poster, store } = await setup([paused]);
    await scheduler.start();
    expect(scheduler.active()).toEqual([]);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(poster.sent).toHaveLength(0);
    const resumed = { ...paused, paused: false, activeSince: new Date().toISOString() };
    await store.updateGuild('g1', () => ({ schedules: [resumed], result: undefined }));
    scheduler.sync(resumed);
    expect(scheduler.active()).toEqual(['g1:sched1']);
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    scheduler.stop();
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN two guilds WHEN this shard owns only one THEN only its schedules get tasks', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T00:00:00Z') });
    const { scheduler } = await setup(
      [schedule({ id: 'mine1', guildId: 'g1' }), schedule({ id: 'other1', guildId: 'g2' })],
      {
        ownsGuild: (g) => g === 'g1',
      },
    );
    await scheduler.start();
    expect(scheduler.active()).toEqual(['g1:mine1']);
    scheduler.stop();
  });
});

describe('catch-up at start', () => {
  // daily 08:00 Brussels = 07:00Z in March; the process starts `down` after that slot.
  test.each([
    [0.5, 'posted-late', true],
    [5.99, 'posted-late', true],
    [6, 'posted-late', true],
    [6.01, 'skipped', false],
    [20, 'skipped', false],
  ])(
    'GIVEN a 6 h window WHEN starting %s h after a missed slot THEN %s',
    async (hoursLate, action, posted) => {
      const slot = Date.parse('2026-03-02T07:00:00Z');
      vi.useFakeTimers({ now: new Date(slot + hoursLate * HOUR) });
      const { scheduler, poster, store } = await setup([
        schedule({ activeSince: '2026-03-02T00:00:00.000Z' }),
      ]);
      const [report] = await scheduler.start();
      scheduler.stop();
      expect(report?.action).toBe(action);
      expect(poster.sent).toHaveLength(posted ? 1 : 0);
      const entry = await store.ledgerGet(runKey('g1', 'sched1', '2026-03-02T07:00:00.000Z'));
      expect(entry?.status).toBe(posted ? 'sent' : 'skipped');
      const [saved] = await store.readGuild('g1');
      if (posted) {
        expect(entry?.late).toBe(true);
        expect(poster.sent[0]?.reply.embeds?.[0]?.description).toMatch(/Late: this digest was due/);
      } else {
        expect(saved?.lastRun).toMatchObject({ outcome: 'skipped' });
        expect(saved?.missed?.latest).toBe('2026-03-02T07:00:00.000Z');
      }
    },
  );

  test('GIVEN several days down THEN only the latest slot is caught up and older misses are counted', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-05T08:00:00Z') });
    const { scheduler, poster, store } = await setup([
      schedule({
        activeSince: '2026-03-01T00:00:00.000Z',
        lastRun: { slot: '2026-03-01T07:00:00.000Z', outcome: 'sent', at: '2026-03-01T07:00:01.000Z' },
      }),
    ]);
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report).toMatchObject({ action: 'posted-late', slot: '2026-03-05T07:00:00.000Z', missed: 3 });
    expect(poster.sent).toHaveLength(1);
    expect((await store.readGuild('g1'))[0]?.missed?.count).toBe(3);
  });

  test('GIVEN the latest slot was already sent THEN nothing is posted again', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T07:30:00Z') });
    const { scheduler, poster, store } = await setup([schedule()]);
    const key = runKey('g1', 'sched1', '2026-03-02T07:00:00.000Z');
    await store.ledgerSet({
      key,
      guildId: 'g1',
      scheduleId: 'sched1',
      slot: '2026-03-02T07:00:00.000Z',
      status: 'sent',
      nonce: nonceFor(key),
      messageId: 'earlier',
      attempts: 1,
      createdAt: '2026-03-02T07:00:00.000Z',
      updatedAt: '2026-03-02T07:00:01.000Z',
    });
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report?.action).toBe('none');
    expect(poster.sent).toHaveLength(0);
  });

  test('GIVEN a run left pending by a crash THEN start resends it with the same nonce, once', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T07:01:00Z') });
    const { scheduler, poster, store } = await setup([schedule()]);
    const key = runKey('g1', 'sched1', '2026-03-02T07:00:00.000Z');
    await store.ledgerSet({
      key,
      guildId: 'g1',
      scheduleId: 'sched1',
      slot: '2026-03-02T07:00:00.000Z',
      status: 'pending',
      nonce: nonceFor(key),
      attempts: 1,
      createdAt: '2026-03-02T07:00:00.000Z',
      updatedAt: '2026-03-02T07:00:00.000Z',
    });
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report?.action).toBe('resumed');
    expect(poster.sent.map((m) => m.nonce)).toEqual([nonceFor(key)]);
    expect((await store.ledgerGet(key))?.status).toBe('sent');
  });

  test('GIVEN a schedule created after the latest slot THEN that slot is not due', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00Z') });
    const { scheduler, poster } = await setup([schedule({ activeSince: '2026-03-02T08:00:00.000Z' })]);
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report?.action).toBe('none');
    expect(poster.sent).toHaveLength(0);
  });
});

describe('slots node-cron skips while running', () => {
  test.each([
    [5 * 60_000, 1, true],
    [7 * HOUR, 0, false],
  ])(
    'GIVEN the process sleeps through a slot for %i ms THEN it is posted %i time(s), late',
    async (sleepMs, posts, late) => {
      vi.useFakeTimers({ now: new Date('2026-03-02T06:59:00Z') });
      const { scheduler, poster } = await setup([schedule({ activeSince: '2026-03-02T00:00:00.000Z' })]);
      await scheduler.start();
      // The clock jumps past the 08:00 slot without any timer running, as after a suspend.
      vi.setSystemTime(new Date(Date.parse('2026-03-02T07:00:00Z') + sleepMs));
      await vi.advanceTimersByTimeAsync(2 * 60_000);
      await scheduler.stop();
      expect(poster.sent).toHaveLength(posts);
      if (late) expect(poster.sent[0]?.reply.embeds?.[0]?.description).toMatch(/Late: this digest was due/);
    },
  );
});

describe('retries', () => {
  test('GIVEN Discord fails twice with a network error THEN the scheduler retries with the same nonce and one digest arrives', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T06:59:00Z') });
    const { scheduler, poster, store } = await setup([schedule()]);
    poster.failNext(2);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    scheduler.stop();
    expect(poster.sends).toBe(3);
    expect(poster.sent).toHaveLength(1);
    const key = runKey('g1', 'sched1', '2026-03-02T07:00:00.000Z');
    expect((await store.ledgerGet(key))?.status).toBe('sent');
  });
});
