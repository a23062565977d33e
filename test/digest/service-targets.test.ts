/**
 * What /schedule add and edit accept for forum tags, threads and the role a digest pings, with the
 * reason for each refusal; and the Notify me button, which hands out only a role a schedule pings.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { ChannelCheck, RoleCheck, ScheduleInput } from '../../src/digest/index.js';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { UserError } from '../../src/errors.js';
import { defaultLibrary, digestOptions, fakePoster } from './fixtures.js';

const library = defaultLibrary();
const FORUM: ChannelCheck = {
  ok: true,
  kind: 'forum',
  forum: {
    tags: [
      { id: 't1', name: 'Digest' },
      { id: 't2', name: 'weekly' },
    ],
    requireTag: true,
  },
};

const input = (overrides: Partial<ScheduleInput> = {}): ScheduleInput => ({
  channelId: 'text',
  when: 'daily 08:00',
  timezone: 'UTC',
  themes: [],
  format: 'brief',
  skipIfEmpty: false,
  ...overrides,
});

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function setup(roles: Record<string, RoleCheck> = {}) {
  const poster = fakePoster();
  poster.check = async (_guildId, channelId, needs) => {
    if (channelId === 'forum') return FORUM;
    if (channelId === 'athread') return { ok: true, kind: 'thread' };
    if (channelId === 'avoice') return { ok: true, kind: 'voice' };
    if (channelId === 'nothreads' && needs?.thread) {
      return { ok: false, reason: 'missing-permissions', missing: ['Create Public Threads'] };
    }
    return { ok: true, kind: 'text' };
  };
  const given = new Set<string>();
  poster.roleCheck = async (_guildId, roleId) => roles[roleId] ?? { ok: false, reason: 'role-gone' };
  poster.toggleRole = async (_guildId, userId, roleId) => {
    const key = `${userId} ${roleId}`;
    if (given.delete(key)) return false;
    given.add(key);
    return true;
  };
  const digests = await createDigestRuntime(digestOptions({ library: () => library, poster }));
  stops.push(digests.stop);
  return digests.schedules;
}

const refusal = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
};

describe('GIVEN a forum channel', () => {
  test('WHEN tags are named in any case THEN the forum ids are kept, with their names', async () => {
    const schedules = await setup();
    const saved = await schedules.add(
      'g1',
      'u1',
      input({ channelId: 'forum', tags: ['digest', 'WEEKLY'] }),
      library,
    );
    expect(saved.schedule.tags).toEqual([
      { id: 't1', name: 'Digest' },
      { id: 't2', name: 'weekly' },
    ]);
  });

  test.each([
    [[], /requires a tag on each post: add tags with one of "Digest", "weekly"/],
    [['daily'], /the forum has no tag "daily"\. Its tags: "Digest", "weekly"/],
  ])('WHEN tags are %o THEN it is refused saying why', async (tags, reason) => {
    const schedules = await setup();
    expect(await refusal(schedules.add('g1', 'u1', input({ channelId: 'forum', tags }), library))).toMatch(
      reason,
    );
  });

  test('WHEN thread is on THEN it is refused: a post is a thread already', async () => {
    const schedules = await setup();
    const message = await refusal(
      schedules.add('g1', 'u1', input({ channelId: 'forum', tags: ['digest'], thread: true }), library),
    );
    expect(message).toMatch(/its own thread already/);
  });

  test('WHEN a schedule with a thread moves to a forum THEN the thread is dropped, not refused', async () => {
    const schedules = await setup();
    const { schedule } = await schedules.add('g1', 'u1', input({ thread: true }), library);
    const moved = await schedules.edit('g1', schedule.id, { channelId: 'forum', tags: ['weekly'] }, library);
    expect(moved.schedule.thread).toBeUndefined();
    expect(moved.schedule.tags).toEqual([{ id: 't2', name: 'weekly' }]);
  });
});

describe('GIVEN a channel id of a thread, sent past the channel option', () => {
  test('WHEN a schedule would post there, or alerts go there THEN it is refused, naming the kinds that work', async () => {
    const schedules = await setup();
    expect(await refusal(schedules.add('g1', 'u1', input({ channelId: 'athread' }), library))).toBe(
      'that is a thread: pick a text, an announcement or a forum channel.',
    );
    expect(await refusal(schedules.add('g1', 'u1', input({ channelId: 'avoice' }), library))).toBe(
      "that is a voice channel's chat: pick a text, an announcement or a forum channel.",
    );
    const { schedule } = await schedules.add('g1', 'u1', input(), library);
    expect(await refusal(schedules.edit('g1', schedule.id, { channelId: 'athread' }, library))).toMatch(
      /that is a thread/,
    );
    const setAlerts = schedules.setAlerts?.bind(schedules);
    if (!setAlerts) throw new Error('no /schedule alerts');
    expect(await refusal(setAlerts('g1', { id: 'forum' }))).toBe(
      'that is a forum channel: pick a text or an announcement channel.',
    );
    expect((await schedules.list('g1')).map((v) => v.schedule.channelId)).toEqual(['text']);
  });
});

describe('GIVEN a text channel', () => {
  test('WHEN tags are given THEN they are refused: tags are for forums', async () => {
    const schedules = await setup();
    expect(await refusal(schedules.add('g1', 'u1', input({ tags: ['x'] }), library))).toMatch(
      /tags are for forum/,
    );
  });

  test('WHEN thread is on and the bot may not create threads THEN the missing permission is named', async () => {
    const schedules = await setup();
    const message = await refusal(
      schedules.add('g1', 'u1', input({ channelId: 'nothreads', thread: true }), library),
    );
    expect(message).toMatch(/missing Create Public Threads/);
  });
});

describe('GIVEN a role to ping', () => {
  const roles: Record<string, RoleCheck> = {
    readers: { ok: true, name: 'Readers' },
    mods: {
      ok: false,
      reason: 'not-manageable',
      name: 'Mods',
      problems: ['I need Manage Roles to give and take it'],
    },
  };

  test.each(['g1', '@everyone', '@here'])(
    'WHEN the role is %s THEN it is refused with the reason',
    async (roleId) => {
      const schedules = await setup(roles);
      const message = await refusal(schedules.add('g1', 'u1', input({ mention: { roleId } }), library));
      expect(message).toMatch(/never pings @everyone or @here/);
    },
  );

  test('WHEN the bot cannot hand the role out THEN add says what to fix; a deleted role is not found', async () => {
    const schedules = await setup(roles);
    expect(await refusal(schedules.add('g1', 'u1', input({ mention: { roleId: 'mods' } }), library))).toMatch(
      /cannot ping @Mods with a 🔔 Notify me button: I need Manage Roles/,
    );
    expect(await refusal(schedules.add('g1', 'u1', input({ mention: { roleId: 'gone' } }), library))).toMatch(
      /cannot find that role/,
    );
  });

  test('WHEN a member presses Notify me twice THEN they join, then leave; a role no schedule pings is never given', async () => {
    const schedules = await setup(roles);
    const { schedule } = await schedules.add('g1', 'u1', input({ mention: { roleId: 'readers' } }), library);
    expect(schedule.mention).toEqual({ roleId: 'readers', name: 'Readers' });
    expect(await schedules.toggleNotify?.('g1', 'm1', 'readers')).toEqual({ joined: true, name: 'Readers' });
    expect(await schedules.toggleNotify?.('g1', 'm1', 'readers')).toEqual({ joined: false, name: 'Readers' });
    expect(await refusal(schedules.toggleNotify?.('g1', 'm1', 'mods') ?? Promise.resolve())).toMatch(
      /no digest of this server pings that role/,
    );
    await schedules.edit('g1', schedule.id, { mention: null }, library);
    expect(await schedules.notifyRoles?.('g1')).toEqual([]);
  });
});
