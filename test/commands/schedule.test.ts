import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { CommandContext, RawOptions } from '../../commands/index.js';
import schedule from '../../commands/schedule.js';
import { createDigests, type Digests } from '../../src/digest/runtime.js';
import { isUserError, UserError } from '../../src/errors.js';
import { invokeAutocomplete, invokeCommand, loadCommands, type Registry } from '../../src/registry.js';
import type { Reply } from '../../src/render/index.js';
import { DISCORD_LIMITS, totalEmbedLength } from '../../src/render/limits.js';
import { defaultLibrary, type FakePoster, fakePoster } from '../digest/fixtures.js';

const ADMIN = 0x20n;
const MEMBER = 0x400n | 0x800n; // View Channel, Send Messages
const NOW = new Date('2026-03-02T09:00:00Z');
const library = defaultLibrary();

let registry: Registry;
beforeAll(async () => {
  registry = await loadCommands();
});

let running: Digests[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
  vi.useRealTimers();
});

async function setup(options: { maxPerGuild?: number; poster?: FakePoster } = {}) {
  const poster = options.poster ?? fakePoster();
  const digests = await createDigests({
    storeUrl: 'memory://',
    poster,
    library: () => library,
    now: () => new Date(),
    defaultTimezone: 'Europe/Brussels',
    minIntervalMinutes: 60,
    maxPerGuild: options.maxPerGuild ?? 25,
    catchUpWindowHours: 6,
  });
  running.push(digests);
  const ctx = (guildId: string | null = 'g1', memberPermissions: bigint | null = ADMIN): CommandContext => ({
    library,
    now: () => new Date(),
    random: () => 0.5,
    guildId,
    channelId: 'c0',
    userId: 'u1',
    memberPermissions,
    locale: 'en-GB',
    services: { schedules: digests.schedules },
  });
  const call = (raw: RawOptions, context = ctx()) => invokeCommand(registry, 'schedule', raw, context);
  return { digests, poster, ctx, call };
}

// The limits module puts a zero-width space into every `<#…>` (its mention guard); compare without it.
const plain = (s: string | undefined): string => (s ?? '').replace(/\u200b/g, '');
const text = (reply: Reply): string =>
  plain(
    [
      reply.content ?? '',
      ...(reply.embeds ?? []).flatMap((e) => [
        e.title ?? '',
        e.description ?? '',
        ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
        e.footer?.text ?? '',
      ]),
    ].join('\n'),
  );

const channel = { id: '123456789012345678', name: 'briefings' };
const idOf = (reply: Reply): string =>
  /Schedule ([a-z0-9]{6}) /.exec(reply.embeds?.[0]?.title ?? '')?.[1] ?? '';

describe('definition', () => {
  test('GIVEN the definition THEN it is admin-only by default and has every subcommand and option of the issue', () => {
    const def = schedule.definition;
    expect(def.default_member_permissions).toBe('32');
    expect(schedule.admin).toBe(true);
    const subs = Object.fromEntries(
      (def.options ?? []).map((o) => [o.name, 'options' in o ? (o.options ?? []).map((x) => x.name) : []]),
    );
    expect(subs).toEqual({
      add: ['channel', 'when', 'timezone', 'themes', 'format', 'skip_if_empty'],
      list: [],
      edit: ['id', 'channel', 'when', 'timezone', 'themes', 'format', 'skip_if_empty'],
      remove: ['id'],
      pause: ['id'],
      resume: ['id'],
      preview: ['id'],
      'run-now': ['id'],
    });
  });
});

describe('admin only', () => {
  test.each([
    ['a member without Manage Server', 'g1', MEMBER],
    ['no permissions at all', 'g1', null],
    ['outside a server', null, ADMIN],
  ])(
    'GIVEN %s WHEN the handler is reached directly THEN it refuses by itself',
    async (_what, guildId, perms) => {
      const { ctx } = await setup();
      const run = async () => schedule.execute(ctx(guildId, perms), { subcommand: 'list' });
      await expect(run()).rejects.toBeInstanceOf(UserError);
    },
  );

  test('GIVEN a member without Manage Server WHEN going through the registry THEN it is refused and nothing is saved', async () => {
    const { call, ctx, digests } = await setup();
    await expect(
      call({ subcommand: 'add', channel, when: 'daily 08:00' }, ctx('g1', MEMBER)),
    ).rejects.toThrow(/Manage Server/);
    expect(await digests.schedules.list('g1')).toEqual([]);
  });
});

describe('add, list, edit, remove', () => {
  test('GIVEN an admin WHEN adding a schedule THEN the reply shows it with next runs as Discord timestamps', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call } = await setup();
    const reply = await call({
      subcommand: 'add',
      channel,
      when: 'daily 08:00',
      themes: 'outlook, humanitarian',
    });
    expect(reply.ephemeral).toBe(true);
    expect(text(reply)).toMatch(/Schedule [a-z0-9]{6} added/);
    expect(text(reply)).toContain('<#123456789012345678>');
    expect(text(reply)).toContain('daily 08:00 (Europe/Brussels)');
    expect(text(reply)).toContain('Outlook, Humanitarian');
    expect(text(reply)).toContain(`<t:${Date.parse('2026-03-03T07:00:00Z') / 1000}:F>`);
  });

  test('GIVEN a DST-gap time WHEN adding THEN the reply flags the skipped day', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call } = await setup();
    const reply = await call({ subcommand: 'add', channel, when: 'daily 02:30' });
    expect(text(reply)).toMatch(/Daylight saving time/);
    expect(text(reply)).toMatch(/02:30 does not exist in Europe\/Brussels on 2026-03-29/);
  });

  test.each([
    [{ when: 'daily 25:00' }, /hour "25"/],
    [{ when: '*/10 * * * *' }, /at least 60 min apart/],
    [{ when: 'daily 08:00', timezone: 'Moon/Base' }, /not an IANA time zone/],
    [{ when: 'daily 08:00', themes: 'nonsense' }, /unknown theme "nonsense"/],
    [{ when: 'daily 08:00', format: 'huge' }, /format/],
  ])('GIVEN %o WHEN adding THEN a clear error comes back', async (raw, message) => {
    const { call } = await setup();
    await expect(call({ subcommand: 'add', channel, ...raw })).rejects.toThrow(message);
  });

  test('GIVEN the cap is reached WHEN adding THEN the error names the limit', async () => {
    const { call } = await setup({ maxPerGuild: 1 });
    await call({ subcommand: 'add', channel, when: 'daily 08:00' });
    await expect(call({ subcommand: 'add', channel, when: 'daily 09:00' })).rejects.toThrow(/limit is 1/);
  });

  test('GIVEN schedules WHEN listing THEN each shows next run and last outcome, and a failing one its reason', async () => {
    vi.useFakeTimers({ now: NOW });
    const poster = fakePoster();
    const { call } = await setup({ poster });
    const a = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    const b = idOf(
      await call({
        subcommand: 'add',
        channel: { id: '223456789012345678', name: 'news' },
        when: 'daily 08:00',
      }),
    );
    poster.broken.set('223456789012345678', {
      ok: false,
      reason: 'missing-permissions',
      missing: ['Send Messages'],
    });
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);
    const list = await call({ subcommand: 'list' });
    const fields = list.embeds?.[0]?.fields ?? [];
    const fieldOf = (id: string) => fields.find((f) => f.name.includes(id));
    expect(fieldOf(a)?.value).toMatch(/Last: ✅ sent/);
    expect(fieldOf(a)?.value).toMatch(/Next: <t:\d+:F>/);
    expect(fieldOf(b)?.name).toMatch(/^⚠️/);
    expect(fieldOf(b)?.value).toMatch(/Failing: missing permission: Send Messages/);
    expect(fieldOf(b)?.value).toMatch(/Missing: \*\*Send Messages\*\*/);
  });

  test('GIVEN a schedule WHEN edited, paused, resumed and removed THEN each reply says so', async () => {
    const { call } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    expect(text(await call({ subcommand: 'edit', id, when: 'weekly mon 09:00', format: 'full' }))).toMatch(
      /updated[\s\S]*weekly mon 09:00[\s\S]*full/,
    );
    expect(text(await call({ subcommand: 'pause', id }))).toMatch(/paused/);
    expect(text(await call({ subcommand: 'resume', id }))).toMatch(/resumed[\s\S]*<t:\d+:F>/);
    expect(text(await call({ subcommand: 'remove', id }))).toMatch(/removed/);
    expect(text(await call({ subcommand: 'list' }))).toMatch(/No schedules yet/);
  });

  test('GIVEN edit without any change THEN it asks what to change', async () => {
    const { call } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    await expect(call({ subcommand: 'edit', id })).rejects.toThrow(/say what to change/);
  });

  test('GIVEN an id of another guild THEN every subcommand answers not found', async () => {
    const { call, ctx } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    for (const subcommand of ['remove', 'pause', 'resume', 'preview', 'run-now']) {
      await expect(call({ subcommand, id }, ctx('g2'))).rejects.toThrow(/no schedule/);
    }
  });
});

describe('preview and run-now', () => {
  test('GIVEN a schedule WHEN previewed THEN the reply is the digest with when and where it will be posted', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    const reply = await call({ subcommand: 'preview', id });
    expect(plain(reply.content)).toBe(
      `Preview: <#123456789012345678> receives this at <t:${Date.parse('2026-03-03T07:00:00Z') / 1000}:F> (<t:${Date.parse('2026-03-03T07:00:00Z') / 1000}:R>).`,
    );
    expect(reply.embeds?.[0]?.title).toMatch(/^Looking ahead — Tuesday,? 3 March 2026$/);
    expect(totalEmbedLength(reply.embeds ?? [])).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  });

  test('GIVEN a schedule WHEN run now THEN the digest is posted and the reply confirms it', async () => {
    const { call, poster } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    expect(plain((await call({ subcommand: 'run-now', id })).content)).toBe(
      '✅ Digest posted in <#123456789012345678>.',
    );
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a channel that lost a permission WHEN run now THEN the reply names it', async () => {
    const poster = fakePoster();
    const { call } = await setup({ poster });
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    poster.broken.set(channel.id, { ok: false, reason: 'missing-permissions', missing: ['Embed Links'] });
    expect((await call({ subcommand: 'run-now', id })).content).toMatch(
      /Not posted .*missing permission: Embed Links/,
    );
  });
});

describe('store failures', () => {
  test('GIVEN the store fails WHEN adding THEN the admin gets an error saying so', async () => {
    const { call, digests } = await setup();
    digests.store.updateGuild = async () => {
      throw new (await import('../../src/digest/index.js')).StoreError(
        'could not save the schedules of guild g1: disk full',
      );
    };
    const error = await call({ subcommand: 'add', channel, when: 'daily 08:00' }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/schedule store failed \(could not save .*disk full\)/);
  });
});

describe('autocomplete', () => {
  test('GIVEN schedules in two guilds WHEN completing id THEN only this guild’s are offered', async () => {
    const { call, ctx } = await setup();
    const mine = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    const theirs = idOf(await call({ subcommand: 'add', channel, when: 'daily 09:00' }, ctx('g2')));
    const choices = await invokeAutocomplete(
      registry,
      'schedule',
      { name: 'id', value: '' },
      { subcommand: 'remove' },
      ctx(),
    );
    expect(choices.map((c) => c.value)).toEqual([mine]);
    expect(choices.map((c) => c.value)).not.toContain(theirs);
    expect(choices[0]?.name).toMatch(/daily 08:00 \(Europe\/Brussels\) · #briefings/);
  });

  test.each([
    ['', 'Europe/Brussels'],
    ['new y', 'America/New_York'],
    ['tokyo', 'Asia/Tokyo'],
  ])('GIVEN "%s" WHEN completing timezone THEN %s is the first choice', async (typed, first) => {
    const { ctx } = await setup();
    const choices = await invokeAutocomplete(
      registry,
      'schedule',
      { name: 'timezone', value: typed },
      { subcommand: 'add' },
      ctx(),
    );
    expect(choices[0]?.value).toBe(first);
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  test('GIVEN a member without Manage Server WHEN completing id THEN nothing is offered', async () => {
    const { call, ctx } = await setup();
    await call({ subcommand: 'add', channel, when: 'daily 08:00' });
    const choices = await invokeAutocomplete(
      registry,
      'schedule',
      { name: 'id', value: '' },
      { subcommand: 'remove' },
      ctx('g1', MEMBER),
    );
    expect(choices).toEqual([]);
  });
});

test('GIVEN no schedule service WHEN /schedule is used THEN it says schedules are unavailable', async () => {
  const { ctx } = await setup();
  const error = await Promise.resolve()
    .then(() => schedule.execute({ ...ctx(), services: {} }, { subcommand: 'list' }))
    .catch((e: unknown) => e);
  expect((error as Error).message).toMatch(/not available/);
});
