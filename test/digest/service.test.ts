import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Schedule, ScheduleInput } from '../../src/digest/index.js';
import { createDigestRuntime, type DigestRuntimeOptions } from '../../src/digest/runtime.js';
import { UserError } from '../../src/errors.js';
import { defaultLibrary, digestOptions, type FakePoster, fakeLibrary, fakePoster } from './fixtures.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const library = defaultLibrary();

const input = (overrides: Partial<ScheduleInput> = {}): ScheduleInput => ({
  channelId: 'c1',
  when: 'daily 08:00',
  timezone: 'Europe/Brussels',
  themes: [],
  format: 'brief',
  skipIfEmpty: false,
  ...overrides,
});

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
  vi.useRealTimers();
});

async function setup(overrides: Partial<DigestRuntimeOptions> & { poster?: FakePoster } = {}) {
  const poster = overrides.poster ?? fakePoster();
  const digests = await createDigestRuntime(digestOptions({ library: () => library, ...overrides, poster }));
  stops.push(digests.stop);
  return { ...digests, poster };
}

const rejection = async (promise: Promise<unknown>): Promise<UserError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
};

describe('adding schedules', () => {
  test('GIVEN a valid schedule THEN it is saved, its task starts at once and the next runs are listed', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, scheduler } = await setup();
    const saved = await schedules.add('g1', 'u1', input({ themes: ['Outlook'] }), library);
    expect(saved.schedule).toMatchObject({
      guildId: 'g1',
      cron: '0 8 * * *',
      themes: ['outlook'],
      paused: false,
    });
    expect(saved.schedule.id).toMatch(/^[a-z0-9]{6}$/);
    expect(saved.nextRuns.map((d) => d.toISOString())).toEqual([
      '2026-03-03T07:00:00.000Z',
      '2026-03-04T07:00:00.000Z',
      '2026-03-05T07:00:00.000Z',
    ]);
    expect(scheduler.active()).toEqual([`g1:${saved.schedule.id}`]);
  });

  test('GIVEN daily 02:30 in Brussels THEN saving flags the DST gap of 2026-03-29', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules } = await setup();
    const saved = await schedules.add('g1', 'u1', input({ when: 'daily 02:30' }), library);
    expect(saved.notes.join('\n')).toMatch(/skipped on 2026-03-29/);
  });

  test.each([
    [{ when: '*/30 * * * *' }, 'when', /at least 60 min apart/],
    [{ when: 'daily 24:00' }, 'when', /hour "24"/],
    [{ timezone: 'Europe/Atlantis' }, 'timezone', /not an IANA time zone/],
    [{ themes: ['outlook', 'sport'] }, 'themes', /unknown theme "sport"/],
  ])('GIVEN %o THEN it is refused on option %s', async (overrides, option, message) => {
    const { schedules } = await setup();
    const error = await rejection(schedules.add('g1', 'u1', input(overrides), library));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });

  test('GIVEN a channel where the bot lacks permissions THEN adding names them', async () => {
    const poster = fakePoster();
    poster.broken.set('c1', {
      ok: false,
      reason: 'missing-permissions',
      missing: ['Send Messages', 'Embed Links'],
    });
    const { schedules } = await setup({ poster });
    const error = await rejection(schedules.add('g1', 'u1', input(), library));
    expect(error.option).toBe('channel');
    expect(error.message).toMatch(/missing Send Messages, Embed Links in <#c1>/);
  });

  test('GIVEN the per-guild cap THEN one more is refused, while another guild is unaffected', async () => {
    const { schedules } = await setup({ maxPerGuild: 2 });
    await schedules.add('g1', 'u1', input(), library);
    await schedules.add('g1', 'u1', input(), library);
    const error = await rejection(schedules.add('g1', 'u1', input(), library));
    expect(error.message).toMatch(/already has 2 schedules, the limit is 2/);
    await expect(schedules.add('g2', 'u1', input(), library)).resolves.toBeDefined();
  });

  test('GIVEN concurrent adds at the cap THEN no more than the cap are saved', async () => {
    const { schedules } = await setup({ maxPerGuild: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => schedules.add('g1', 'u1', input(), library)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await schedules.list('g1')).toHaveLength(3);
  });
});

describe('guild isolation', () => {
  test.each(['get', 'edit', 'remove', 'pause', 'resume', 'preview', 'runNow'] as const)(
    'GIVEN a schedule of another guild WHEN %s is asked with its id THEN it is not found',
    async (action) => {
      const { schedules, poster } = await setup();
      const theirs = (await schedules.add('g1', 'u1', input(), library)).schedule;
      const calls: Record<typeof action, () => Promise<unknown>> = {
        get: () => schedules.get('g2', theirs.id),
        edit: () => schedules.edit('g2', theirs.id, { when: 'daily 09:00' }, library),
        remove: () => schedules.remove('g2', theirs.id),
        pause: () => schedules.setPaused('g2', theirs.id, true),
        resume: () => schedules.setPaused('g2', theirs.id, false),
        preview: () => schedules.preview('g2', theirs.id, library),
        runNow: () => schedules.runNow('g2', theirs.id, library),
      };
      const error = await rejection(calls[action]());
      expect(error.message).toMatch(/no schedule ".+" in this server/);
      expect(await schedules.list('g2')).toEqual([]);
      expect((await schedules.get('g1', theirs.id)).schedule).toEqual(theirs);
      expect(poster.sent).toHaveLength(0);
    },
  );
});

describe('changes take effect at once', () => {
  test('GIVEN a schedule WHEN edited THEN the task follows the new time without a restart', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    const edited = await schedules.edit('g1', schedule.id, { when: 'daily 11:00' }, library);
    expect(edited.schedule.cron).toBe('0 11 * * *');
    await vi.advanceTimersByTimeAsync(26 * 3_600_000); // 11:00 Brussels = 10:00Z; the old 08:00 never fires
    expect(poster.sent.map((m) => m.reply.embeds?.[0]?.timestamp)).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
  });

  test('GIVEN a schedule WHEN paused THEN nothing is posted; WHEN resumed THEN the next slot is posted', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster, scheduler } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    const paused = await schedules.setPaused('g1', schedule.id, true);
    expect(paused.nextRuns).toEqual([]);
    expect(scheduler.active()).toEqual([]);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(poster.sent).toHaveLength(0);
    await schedules.setPaused('g1', schedule.id, false);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a schedule WHEN removed THEN its task stops and it is gone from the list', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster, scheduler } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    await schedules.remove('g1', schedule.id);
    await vi.advanceTimersByTimeAsync(48 * 3_600_000);
    expect(scheduler.active()).toEqual([]);
    expect(await schedules.list('g1')).toEqual([]);
    expect(poster.sent).toHaveLength(0);
  });
});

describe('two admins editing one schedule at once', () => {
  test('GIVEN admin A changes the time zone WHILE admin B changes the time THEN both changes survive', async () => {
    const { schedules, scheduler } = await setup({ now: () => NOW });
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    const [a, b] = await Promise.all([
      schedules.edit('g1', schedule.id, { timezone: 'America/New_York' }, library),
      schedules.edit('g1', schedule.id, { when: 'daily 11:00' }, library),
    ]);
    const [saved] = (await schedules.list('g1')).map((v) => v.schedule);
    expect(saved).toMatchObject({ timezone: 'America/New_York', when: 'daily 11:00', cron: '0 11 * * *' });
    // What B was told matches what was saved, and the task follows the saved record.
    expect(b.schedule).toMatchObject({ timezone: 'America/New_York', when: 'daily 11:00' });
    expect(a.schedule.timezone).toBe('America/New_York');
    expect(b.nextRuns[0]?.toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(scheduler.active()).toEqual([`g1:${schedule.id}`]);
  });
});

describe('preview and run-now', () => {
  test('GIVEN a schedule WHEN previewed THEN the digest posted at the next slot is exactly the preview', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input({ format: 'full' }), library);
    const preview = await schedules.preview('g1', schedule.id, library);
    expect(preview.at?.toISOString()).toBe('2026-03-03T07:00:00.000Z');
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);
    expect(poster.sent).toHaveLength(1);
    expect(poster.sent[0]?.reply).toEqual(preview.reply);
  });

  test('GIVEN nothing matches and skip-if-empty WHEN previewed THEN the preview says nothing would be posted', async () => {
    const { schedules } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input({ skipIfEmpty: true }), library);
    const preview = await schedules.preview('g1', schedule.id, fakeLibrary([]));
    expect(preview.reply).toBeNull();
  });

  test('GIVEN run-now THEN the digest is posted at once and recorded as a manual run', async () => {
    const { schedules, poster } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    const outcome = await schedules.runNow('g1', schedule.id, library);
    expect(outcome).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(poster.sent[0]?.reply.embeds?.[0]?.footer?.text).toMatch(/run by hand/);
    expect((await schedules.get('g1', schedule.id)).schedule.lastRun).toMatchObject({
      outcome: 'sent',
      manual: true,
    });
  });
});

describe('channel health', () => {
  test('GIVEN two schedules WHEN one channel loses a permission THEN that one is failing with the permission named and the other still gets its digest', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster } = await setup();
    const bad = (await schedules.add('g1', 'u1', input({ channelId: 'bad' }), library)).schedule;
    const good = (await schedules.add('g1', 'u1', input({ channelId: 'good' }), library)).schedule;
    poster.broken.set('bad', { ok: false, reason: 'missing-permissions', missing: ['Embed Links'] });
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);
    expect(poster.sent.map((m) => m.channelId)).toEqual(['good']);
    const byId = new Map(
      (await schedules.list('g1')).map((v) => [v.schedule.id, v.schedule] as [string, Schedule]),
    );
    expect(byId.get(bad.id)?.health).toMatchObject({ status: 'failing', missing: ['Embed Links'] });
    expect(byId.get(bad.id)?.lastRun).toMatchObject({
      outcome: 'failed',
      reason: 'missing permission: Embed Links',
    });
    expect(byId.get(good.id)?.health.status).toBe('ok');
    expect(byId.get(good.id)?.lastRun?.outcome).toBe('sent');
  });

  test('GIVEN a failing schedule WHEN the permission is restored THEN the next run clears the failure', async () => {
    vi.useFakeTimers({ now: NOW });
    const { schedules, poster } = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    poster.broken.set('c1', { ok: false, reason: 'channel-gone' });
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);
    expect((await schedules.get('g1', schedule.id)).schedule.health.reason).toMatch(/channel not found/);
    poster.broken.clear();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect((await schedules.get('g1', schedule.id)).schedule.health).toEqual({ status: 'ok' });
    expect(poster.sent).toHaveLength(1);
  });
});

describe('a store that fails while an admin waits', () => {
  test('GIVEN the store cannot save WHEN an admin edits THEN they get a UserError saying the change may not be saved and what to do', async () => {
    const { memoryStore } = await import('./fixtures.js');
    const { StoreError } = await import('../../src/digest/index.js');
    const store = await memoryStore();
    const { schedules } = await setup({ store });
    const saved = await schedules.add('g1', 'u1', input(), library);
    store.updateGuild = async () => {
      throw new StoreError(
        'could not save the schedules of guild g1: terminating connection due to administrator command',
      );
    };
    const error = await rejection(schedules.edit('g1', saved.schedule.id, { format: 'full' }, library));
    expect(error.message).toMatch(/^the schedule store did not take the change \(details in the bot's log\)/);
    // The driver's words name the operator's database: the admin of any server does not see them.
    expect(error.message).not.toContain('terminating connection');
    expect(error.message).toContain('/schedule list');
  });
});
