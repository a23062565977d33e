import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Schedule } from '../../src/digest/index.js';
import { nonceFor, runKey } from '../../src/digest/ledger.js';
import { createSlotRunner } from '../../src/digest/run.js';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { type CronLike, createScheduler, type RunFn } from '../../src/digest/scheduler.js';
import { defaultLibrary, fakePoster, memoryStore, scheduleRecord } from './fixtures.js';

const HOUR = 3_600_000;

const schedule = scheduleRecord;

async function setup(
  schedules: Schedule[],
  options: { window?: number; ownsGuild?: (g: string) => boolean; cron?: CronLike } = {},
) {
  const store = await memoryStore();
  for (const s of schedules) {
    await store.updateGuild(s.guildId, (list) => ({ schedules: [...list, s], result: undefined }));
  }
  const poster = fakePoster();
  const runner = createSlotRunner({ store, poster, now: () => new Date(), library: defaultLibrary });
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
    ...(options.cron ? { cron: options.cron } : {}),
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

  test('GIVEN daily 02:30 in Brussels WHEN clocks go back on 2026-10-25 THEN exactly one digest that day, on time at the 02:30 node-cron fires', async () => {
    vi.useFakeTimers({ now: new Date('2026-10-23T12:00:00Z') });
    const { scheduler, poster, calls } = await setup([schedule({ cron: '30 2 * * *', when: 'daily 02:30' })]);
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(4 * 24 * HOUR);
    scheduler.stop();
    expect(slotsPosted(poster)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z', // the second 02:30 (CET): when node-cron fires, so not late
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
    expect(calls.filter((c) => c.late)).toEqual([]);
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

  test('GIVEN another process records a too-old slot as sent between this one reading it and recording the skip THEN its record stands', async () => {
    const slot = '2026-03-02T07:00:00.000Z';
    vi.useFakeTimers({ now: new Date(Date.parse(slot) + 20 * HOUR) });
    const { scheduler, store } = await setup([schedule({ activeSince: '2026-03-02T00:00:00.000Z' })]);
    const key = runKey('g1', 'sched1', slot);
    const stamp = new Date().toISOString();
    const read = store.ledgerGet;
    // This process reads before the other one writes: its read finds nothing.
    store.ledgerGet = async (k) => {
      if (k !== key) return read(k);
      await store.ledgerSet({
        key,
        guildId: 'g1',
        scheduleId: 'sched1',
        slot,
        status: 'sent',
        nonce: 'other',
        attempts: 1,
        createdAt: stamp,
        updatedAt: stamp,
      });
      return undefined;
    };
    await scheduler.start();
    scheduler.stop();
    expect((await read(key))?.status).toBe('sent');
  });

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

  test('GIVEN an hourly schedule down across the Brussels autumn change THEN the missed slots recorded are those node-cron fires', async () => {
    // node-cron runs 02:00 once that night, at the second 02:00 (01:00Z); 00:00Z never fires.
    vi.useFakeTimers({ now: new Date('2026-10-25T03:30:00Z') });
    const { scheduler, store } = await setup([
      schedule({
        when: '0 * * * *',
        cron: '0 * * * *',
        activeSince: '2026-10-20T00:00:00.000Z',
        lastRun: { slot: '2026-10-24T22:00:00.000Z', outcome: 'sent', at: '2026-10-24T22:00:01.000Z' },
      }),
    ]);
    const [report] = await scheduler.start();
    await scheduler.stop();
    expect(report).toMatchObject({ action: 'posted-late', slot: '2026-10-25T03:00:00.000Z', missed: 3 });
    const status = async (slot: string) => (await store.ledgerGet(runKey('g1', 'sched1', slot)))?.status;
    for (const slot of ['2026-10-24T23:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z']) {
      expect(await status(slot), slot).toBe('skipped');
    }
    expect(await status('2026-10-25T00:00:00.000Z')).toBeUndefined();
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
    // The ledger has it and the schedule does not (a stop between the two writes): recorded, not sent.
    expect(report?.action).toBe('recorded');
    expect(poster.sent).toHaveLength(0);
    const [stored] = await store.readGuild('g1');
    expect(stored?.lastRun).toMatchObject({
      slot: '2026-03-02T07:00:00.000Z',
      outcome: 'sent',
      messageId: 'earlier',
    });
    expect(stored?.lastRun?.late).toBeUndefined();
  });

  test('GIVEN the latest slot sent and recorded on the schedule THEN start neither posts nor reads the ledger', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T07:30:00Z') });
    const slot = '2026-03-02T07:00:00.000Z';
    const { scheduler, poster, store } = await setup([
      schedule({ lastRun: { slot, outcome: 'sent', at: slot, messageId: 'earlier' } }),
    ]);
    const ledgerGet = vi.spyOn(store, 'ledgerGet');
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report?.action).toBe('none');
    expect(poster.sent).toHaveLength(0);
    expect(ledgerGet).not.toHaveBeenCalled();
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

  test('GIVEN a crash between a failed first attempt and its retry THEN start resumes the slot (the schedule only says "retrying"), and one digest arrives', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T07:01:00Z') });
    const slot = '2026-03-02T07:00:00.000Z';
    const key = runKey('g1', 'sched1', slot);
    const { scheduler, poster, store } = await setup([
      schedule({
        lastRun: { slot, outcome: 'failed', at: slot, reason: 'attempt 1 of 3, retrying', retrying: true },
      }),
    ]);
    await store.ledgerSet({
      key,
      guildId: 'g1',
      scheduleId: 'sched1',
      slot,
      status: 'pending',
      nonce: nonceFor(key),
      attempts: 1,
      createdAt: slot,
      updatedAt: slot,
    });
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(report?.action).toBe('resumed');
    expect(poster.sent).toHaveLength(1);
    const [stored] = await store.readGuild('g1');
    expect(stored?.lastRun).toMatchObject({ slot, outcome: 'sent' });
    expect(stored?.lastRun?.retrying).toBeUndefined();
  });

  test('GIVEN an earlier slot posted with its publish left due by a crash, and a later slot missed THEN start publishes the earlier post, once, and posts the missed slot late', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-03T07:30:00Z') });
    const earlier = '2026-03-02T07:00:00.000Z';
    const key = runKey('g1', 'sched1', earlier);
    const { scheduler, poster, store } = await setup([
      schedule({
        lastRun: { slot: '2026-03-01T07:00:00.000Z', outcome: 'sent', at: '2026-03-01T07:00:01.000Z' },
      }),
    ]);
    const published: string[] = [];
    poster.publish = async (_guildId, channelId, messageId) => {
      published.push(`${channelId}/${messageId}`);
    };
    await store.ledgerSet({
      key,
      guildId: 'g1',
      scheduleId: 'sched1',
      slot: earlier,
      status: 'sent',
      nonce: nonceFor(key),
      messageId: 'posted-before',
      channelId: 'c1',
      due: ['publish'],
      attempts: 1,
      createdAt: earlier,
      updatedAt: earlier,
    });
    const [report] = await scheduler.start();
    scheduler.stop();
    expect(published).toEqual(['c1/posted-before']);
    expect((await store.ledgerGet(key))?.due).toBeUndefined();
    expect(report?.action).toBe('posted-late');
    expect(poster.sent).toHaveLength(1);
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

describe('a forward clock jump or a paused VM while running', () => {
  // Hourly in UTC; the 07:00 digest went out, then at 07:20 the clock jumps 3.5 h to 10:50.
  const hourly = () =>
    schedule({
      when: '0 * * * *',
      cron: '0 * * * *',
      timezone: 'UTC',
      activeSince: '2026-03-02T00:00:00.000Z',
      lastRun: { slot: '2026-03-02T07:00:00.000Z', outcome: 'sent', at: '2026-03-02T07:00:01.000Z' },
    });
  const slot = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;

  test('GIVEN an hourly schedule WHEN the clock jumps 3.5 h forward THEN the latest missed slot is posted once, late, the others are recorded skipped, and the next slot is on time', async () => {
    vi.useFakeTimers({ now: new Date(slot('07:20')) });
    const { scheduler, poster, store } = await setup([hourly()]);
    await scheduler.start();
    vi.setSystemTime(new Date(slot('10:50')));
    await vi.advanceTimersByTimeAsync(45 * 60_000);
    await scheduler.stop();
    expect(slotsPosted(poster)).toEqual([slot('10:00'), slot('11:00')]);
    expect(poster.sent[0]?.reply.embeds?.[0]?.description).toMatch(/Late: this digest was due/);
    expect(poster.sent[1]?.reply.embeds?.[0]?.description).not.toMatch(/Late:/);
    for (const skipped of ['08:00', '09:00']) {
      expect((await store.ledgerGet(runKey('g1', 'sched1', slot(skipped))))?.status, skipped).toBe('skipped');
    }
    expect(await store.ledgerGet(runKey('g1', 'sched1', slot('10:00')))).toMatchObject({
      status: 'sent',
      late: true,
    });
    const [saved] = await store.readGuild('g1');
    expect(saved?.missed?.count).toBe(2);
  });

  test('GIVEN node-cron reports three missed hourly slots at once (a paused VM) THEN only the latest is posted, late, and the others are recorded skipped', async () => {
    vi.useFakeTimers({ now: new Date(slot('07:20')) });
    const missed: ((context: { date: Date }) => void)[] = [];
    const cron: CronLike = {
      schedule: () => ({
        stop: () => undefined,
        destroy: () => undefined,
        on: (_event, listener) => missed.push(listener),
      }),
    };
    const { scheduler, poster, store } = await setup([hourly()], { cron });
    await scheduler.start();
    vi.setSystemTime(new Date(slot('10:50')));
    for (const listener of missed) {
      for (const hhmm of ['08:00', '09:00', '10:00']) listener({ date: new Date(slot(hhmm)) });
    }
    await vi.advanceTimersByTimeAsync(1000);
    await scheduler.stop();
    expect(slotsPosted(poster)).toEqual([slot('10:00')]);
    expect(poster.sent[0]?.reply.embeds?.[0]?.description).toMatch(/Late: this digest was due/);
    for (const skipped of ['08:00', '09:00']) {
      expect((await store.ledgerGet(runKey('g1', 'sched1', slot(skipped))))?.status, skipped).toBe('skipped');
    }
  });
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

describe('transient failures until the retries run out', () => {
  test('GIVEN the channel check times out once THEN the run is retried with the same nonce and one digest arrives', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T06:59:00Z') });
    const { scheduler, poster, store } = await setup([schedule()]);
    const check = poster.check;
    let timeouts = 1;
    poster.check = async (g, c) => {
      if (timeouts-- > 0) throw new Error('connect ETIMEDOUT (GET /channels/c1)');
      return check(g, c);
    };
    await scheduler.start();
    // Just past the slot: the first attempt has failed, the retry (20 s later) has not run yet.
    await vi.advanceTimersByTimeAsync(65_000);
    const [during] = await store.readGuild('g1');
    expect(during?.lastRun?.reason).toMatch(
      /could not check the channel .*ETIMEDOUT.*attempt 1 of 3, retrying/,
    );
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    await scheduler.stop();
    expect(poster.sent).toHaveLength(1);
    const [after] = await store.readGuild('g1');
    expect(after?.lastRun).toMatchObject({ outcome: 'sent' });
    expect(after?.health.status).toBe('ok');
  });

  test('GIVEN Discord fails every attempt THEN the run is recorded failed with an honest reason and the schedule is failing until the next success', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T06:59:00Z') });
    const { scheduler, poster, store } = await setup([schedule()]);
    poster.failNext(3, new Error('Service Unavailable'));
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const key = runKey('g1', 'sched1', '2026-03-02T07:00:00.000Z');
    const entry = await store.ledgerGet(key);
    expect(poster.sends).toBe(3);
    expect(entry).toMatchObject({ status: 'failed', attempts: 3 });
    expect(entry?.reason).toBe('gave up after 3 attempts: Discord did not accept it (Service Unavailable)');
    const [failed] = await store.readGuild('g1');
    expect(failed?.lastRun).toMatchObject({ outcome: 'failed', reason: entry?.reason });
    expect(failed?.health).toMatchObject({ status: 'failing', reason: entry?.reason });

    // The next day's run goes through: the schedule is healthy again.
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    await scheduler.stop();
    expect(poster.sent).toHaveLength(1);
    const [healed] = await store.readGuild('g1');
    expect(healed?.health).toEqual({ status: 'ok' });
    expect(healed?.lastRun).toMatchObject({ outcome: 'sent', slot: '2026-03-03T07:00:00.000Z' });
  });
});

describe('the same schedule id in two guilds', () => {
  /** A node-cron stand-in that keeps every task it made, so a test can see which are alive and fire them. */
  const recordingCron = () => {
    const tasks: { name: string; destroyed: boolean; fire: (date: Date) => unknown }[] = [];
    const cron: CronLike = {
      schedule(_expression, fn, options) {
        const task = { name: options.name, destroyed: false, fire: (date: Date) => fn({ date }) };
        tasks.push(task);
        return {
          stop: () => undefined,
          destroy: () => {
            task.destroyed = true;
          },
        };
      },
    };
    const alive = () => tasks.filter((t) => !t.destroyed);
    return { cron, alive };
  };

  test('GIVEN guilds A and B each with schedule "abcd23" WHEN B edits, pauses, resumes and removes it THEN A keeps its own task throughout', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00Z') });
    const { cron, alive } = recordingCron();
    const poster = fakePoster();
    const digests = await createDigestRuntime({
      storeUrl: 'memory://',
      poster,
      library: defaultLibrary,
      now: () => new Date(),
      defaultTimezone: 'UTC',
      minIntervalMinutes: 60,
      maxPerGuild: 25,
      catchUpWindowHours: 6,
      cron,
    });
    for (const guildId of ['guildA', 'guildB']) {
      await digests.store.updateGuild(guildId, () => ({
        schedules: [
          schedule({
            id: 'abcd23',
            guildId,
            channelId: `${guildId}-news`,
            activeSince: new Date().toISOString(),
          }),
        ],
        result: undefined,
      }));
    }
    await digests.start();
    const taskOfA = () => alive().find((t) => t.name.includes('guildA'));
    const original = taskOfA();
    expect(digests.scheduler.active().sort()).toEqual(['guildA:abcd23', 'guildB:abcd23']);
    expect(
      alive()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['digest-guildA:abcd23', 'digest-guildB:abcd23']);

    const library = defaultLibrary();
    const steps: [string, () => Promise<unknown>, string[]][] = [
      [
        'edit',
        () => digests.schedules.edit('guildB', 'abcd23', { when: 'daily 10:00' }, library),
        ['guildA', 'guildB'],
      ],
      ['pause', () => digests.schedules.setPaused('guildB', 'abcd23', true), ['guildA']],
      ['resume', () => digests.schedules.setPaused('guildB', 'abcd23', false), ['guildA', 'guildB']],
      ['remove', () => digests.schedules.remove('guildB', 'abcd23'), ['guildA']],
    ];
    for (const [step, act, guilds] of steps) {
      await act();
      expect(digests.scheduler.active().sort(), step).toEqual(guilds.map((g) => `${g}:abcd23`));
      expect(taskOfA(), step).toBe(original);
    }

    // Next morning's slot (08:00 Brussels) fires A's task: A's digest goes to A's channel only.
    const slot = new Date('2026-03-03T07:00:00Z');
    vi.setSystemTime(slot);
    await taskOfA()?.fire(slot);
    await digests.stop();
    expect(poster.sent.map((m) => [m.guildId, m.channelId])).toEqual([['guildA', 'guildA-news']]);
  });
});

describe('runs in flight', () => {
  test('GIVEN two apps in one process WHEN both run the same guild, schedule and slot THEN each delivers through its own poster', async () => {
    const slot = new Date('2026-03-02T07:00:00Z');
    const apps = await Promise.all(
      [0, 1].map(async () => {
        const store = await memoryStore();
        await store.updateGuild('g1', () => ({ schedules: [schedule()], result: undefined }));
        const poster = fakePoster();
        return { poster, run: createSlotRunner({ store, poster, now: () => slot, library: defaultLibrary }) };
      }),
    );
    const outcomes = await Promise.all(apps.map((app) => app.run('g1', 'sched1', slot)));
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
    expect(apps.map((app) => app.poster.sent.length)).toEqual([1, 1]);
  });

  test('GIVEN one app WHEN the same run is started twice at once THEN it is delivered once and the second caller is told it repeated', async () => {
    const slot = new Date('2026-03-02T07:00:00Z');
    const store = await memoryStore();
    await store.updateGuild('g1', () => ({ schedules: [schedule()], result: undefined }));
    const poster = fakePoster();
    const run = createSlotRunner({ store, poster, now: () => slot, library: defaultLibrary });
    const [first, second] = await Promise.all([run('g1', 'sched1', slot), run('g1', 'sched1', slot)]);
    expect(poster.sends).toBe(1);
    expect(first).toMatchObject({ status: 'sent' });
    expect(first?.replayed).toBeUndefined();
    expect(second).toMatchObject({ status: 'sent', replayed: true });
  });
});
