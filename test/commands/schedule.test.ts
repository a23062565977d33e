import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { CommandContext, RawOptions } from '../../commands/index.js';
import schedule from '../../commands/schedule.js';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import { isUserError, UserError } from '../../src/errors.js';
import {
  invokeAutocomplete,
  invokeButton,
  invokeCommand,
  loadCommands,
  type Registry,
} from '../../src/registry.js';
import type { Reply } from '../../src/render/index.js';
import { DISCORD_LIMITS, totalEmbedLength } from '../../src/render/limits.js';
import {
  defaultLibrary,
  digestOptions,
  type FakePoster,
  fakeLibrary,
  fakePoster,
} from '../digest/fixtures.js';
import { atTheCap, pagesOf } from '../digest/schedule-pages.js';

const ADMIN = 0x20n;
const MEMBER = 0x400n | 0x800n; // View Channel, Send Messages
const NOW = new Date('2026-03-02T09:00:00Z');
const library = defaultLibrary();

let registry: Registry;
beforeAll(async () => {
  registry = await loadCommands();
});

let running: DigestRuntime[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
  vi.useRealTimers();
});

/** `operatorGuild`: the guild set as OPERATOR_GUILD_ID, where reasons are shown whole. */
async function setup(options: { maxPerGuild?: number; poster?: FakePoster; operatorGuild?: string } = {}) {
  const poster = options.poster ?? fakePoster();
  const digests = await createDigestRuntime(
    digestOptions({
      poster,
      library: () => library,
      maxPerGuild: options.maxPerGuild ?? 25,
    }),
  );
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
    services: {
      schedules: digests.schedules,
      status: {
        uptimeMs: () => 0,
        data: () => ({ loadedAt: library.loadedAt, problems: [] }),
        operator: (id) => id === options.operatorGuild,
      },
    },
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
    const def = registry.commands.get('schedule')?.definition;
    expect(def?.default_member_permissions).toBe('32');
    expect(schedule.admin).toBe(true);
    const subs = Object.fromEntries(
      (def?.options ?? []).map((o) => [o.name, 'options' in o ? (o.options ?? []).map((x) => x.name) : []]),
    );
    expect(subs).toEqual({
      add: ['channel', 'when', 'timezone', 'themes', 'format', 'skip_if_empty', 'tags', 'thread', 'mention'],
      list: [],
      edit: [
        'id',
        'channel',
        'when',
        'timezone',
        'themes',
        'format',
        'skip_if_empty',
        'tags',
        'thread',
        'mention',
        'no_mention',
      ],
      remove: ['id'],
      pause: ['id'],
      resume: ['id'],
      preview: ['id'],
      'run-now': ['id'],
      alerts: ['channel', 'off'],
      history: ['id'],
      export: [],
      import: ['file'],
    });
  });
});

describe('admin only', () => {
  test.each([
    ['a member without Manage Server', 'g1', MEMBER],
    ['no permissions at all', 'g1', null],
    ['outside a server', null, ADMIN],
  ])('GIVEN %s WHEN /schedule list is asked for THEN it is refused', async (_what, guildId, perms) => {
    const { call, ctx } = await setup();
    await expect(call({ subcommand: 'list' }, ctx(guildId, perms))).rejects.toBeInstanceOf(UserError);
  });

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

  test('GIVEN timezone EST WHEN adding THEN it is saved, with a warning that it ignores daylight saving and the zone that follows it', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call } = await setup();
    const reply = await call({ subcommand: 'add', channel, when: 'daily 08:00', timezone: 'EST' });
    expect(text(reply)).toMatch(/Schedule [a-z0-9]{6} added/);
    expect(text(reply)).toContain(
      '"EST" is a fixed offset, UTC-05:00 all year: it does not follow daylight saving',
    );
    expect(text(reply)).toContain('timezone:America/New_York');
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
    const lines = plain(list.embeds?.[0]?.description).split('\n');
    const lineOf = (id: string) => lines.findIndex((l) => l.includes(`**${id}**`));
    // The failing one comes first, with its reason on the line below.
    expect(lineOf(b)).toBeLessThan(lineOf(a));
    expect(lines[lineOf(b)]).toMatch(/^⚠️ /);
    expect(lines[lineOf(b) + 1]).toMatch(
      /^└ ⚠️ Failing: missing permission: Send Messages\. Missing: \*\*Send Messages\*\*/,
    );
    expect(lines[lineOf(a)]).toMatch(
      /^🟢 \*\*\w+\*\* · daily 08:00 \(Europe\/Brussels\) · <#123456789012345678> · brief, all themes · next <t:\d+:R> · last ✅ sent <t:\d+:R>$/,
    );
    expect(plain(list.embeds?.[0]?.description)).toMatch(/^\*\*1 failing\*\*, listed first\./);
    expect(list.components ?? []).toEqual([]);
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

  test('GIVEN a schedule paused or resumed twice WHEN the second call answers THEN it says nothing changed', async () => {
    const { call } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    const firstPause = await call({ subcommand: 'pause', id });
    const secondPause = await call({ subcommand: 'pause', id });
    expect(firstPause.embeds?.[0]?.title).toBe(`Schedule ${id} paused`);
    expect(secondPause.embeds?.[0]?.title).toBe(`Schedule ${id} was already paused`);
    const firstResume = await call({ subcommand: 'resume', id });
    const secondResume = await call({ subcommand: 'resume', id });
    expect(firstResume.embeds?.[0]?.title).toBe(`Schedule ${id} resumed`);
    expect(secondResume.embeds?.[0]?.title).toBe(`Schedule ${id} was not paused`);
    expect(text(secondResume)).toMatch(/<t:\d+:F>/);
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

  test('GIVEN a paused schedule WHEN previewed THEN the reply says it is paused and what resuming would post, not “at when it is resumed”', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    await call({ subcommand: 'pause', id });
    const reply = await call({ subcommand: 'preview', id });
    expect(plain(reply.content)).toBe(
      `Preview: schedule ${id} is paused, so nothing is posted in <#123456789012345678>. Once resumed (\`/schedule resume id:${id}\`), its next digest would look like this.`,
    );
    expect(reply.embeds?.[0]?.title).toMatch(/^Looking ahead/);
  });

  test('GIVEN a paused schedule with nothing to post WHEN previewed THEN it says both', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call, ctx } = await setup();
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    await call({ subcommand: 'pause', id });
    const reply = await call({ subcommand: 'preview', id }, { ...ctx(), library: fakeLibrary([]) });
    expect(reply.embeds ?? []).toEqual([]);
    expect(plain(reply.content)).toBe(
      `Schedule ${id} is paused, so nothing is posted in <#123456789012345678>. Once resumed, its next run would post nothing either: nothing matches and skip_if_empty is on.`,
    );
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
    expect((error as Error).message).toMatch(
      /schedule store did not take the change \(details in the bot's log\)\. It may not have been saved/,
    );
    expect((error as Error).message).not.toContain('disk full');
  });

  test.each([
    ['an ordinary server', undefined, false],
    ['the operator’s server', 'g1', true],
  ])(
    'GIVEN the store fails WHEN listing in %s THEN the driver’s words show only to the operator',
    async (_, operatorGuild, shown) => {
      const { call, digests } = await setup(operatorGuild ? { operatorGuild } : {});
      digests.store.readGuild = async () => {
        throw new (await import('../../src/digest/index.js')).StoreError(
          'connect ECONNREFUSED 10.0.0.7:5432',
        );
      };
      const error = await call({ subcommand: 'list' }).catch((e: unknown) => e);
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^the schedule store failed/);
      expect((error as Error).message.includes('10.0.0.7')).toBe(shown);
    },
  );
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

  test('GIVEN schedules WHEN completing id THEN no next run is computed for the choices', async () => {
    const { call, ctx, digests } = await setup();
    const mine = idOf(await call({ subcommand: 'add', channel, when: 'weekly mon 09:00' }));
    const list = vi.spyOn(digests.schedules, 'list');
    const choices = await invokeAutocomplete(
      registry,
      'schedule',
      { name: 'id', value: mine.slice(0, 3) },
      { subcommand: 'pause' },
      ctx(),
    );
    expect(list).not.toHaveBeenCalled();
    expect(choices.map((c) => c.value)).toEqual([mine]);
  });

  test('GIVEN a service without a plain schedule list WHEN completing id THEN the listed schedules are offered', async () => {
    const { call, ctx, digests } = await setup();
    const mine = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    const { schedules: _, ...older } = digests.schedules;
    const choices = await invokeAutocomplete(
      registry,
      'schedule',
      { name: 'id', value: '' },
      { subcommand: 'remove' },
      { ...ctx(), services: { schedules: older } },
    );
    expect(choices.map((c) => c.value)).toEqual([mine]);
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
  const { call, ctx } = await setup();
  const error = await call({ subcommand: 'list' }, { ...ctx(), services: {} }).catch((e: unknown) => e);
  expect((error as Error).message).toMatch(/not available/);
});

describe('every schedule reachable at the cap', () => {
  test('GIVEN 25 schedules, 10 failing with long reasons WHEN listing and paging THEN all 25 ids and all 10 reasons are reachable, failing first, every page inside the limits', async () => {
    vi.useFakeTimers({ now: NOW });
    // The operator's server: reasons are shown whole, so each one is told apart.
    const { call, ctx, digests } = await setup({ operatorGuild: 'g1' });
    const { schedules, reasons } = atTheCap('g1');
    await digests.store.updateGuild('g1', () => ({ schedules, result: undefined }));
    const first = await call({ subcommand: 'list' });
    const pages = await pagesOf(first, (customId) => invokeButton(registry, customId, ctx()));

    expect(pages.length).toBeGreaterThan(1);
    const text = pages.map((p) => plain(p.embeds?.[0]?.description)).join('\n');
    const order = [...text.matchAll(/\*\*(sch\d{3})\*\*/g)].map((m) => m[1]);
    expect([...order].sort()).toEqual(schedules.map((s) => s.id).sort());
    // The ten failing ones (sch000..sch009) come before every healthy one.
    expect(order.slice(0, 10).sort()).toEqual(schedules.slice(0, 10).map((s) => s.id));
    for (const reason of reasons) expect(text).toContain(reason);
    for (const [i, page] of pages.entries()) {
      expect(totalEmbedLength(page.embeds ?? [])).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
      expect(page.embeds?.[0]?.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      expect(page.embeds?.[0]?.footer?.text).toContain(`Page ${i + 1} of ${pages.length}`);
    }
    expect(first.components?.[0]?.components.map((b) => 'custom_id' in b && b.custom_id)).toEqual([
      'schedule:page:0',
      'schedule:page:1',
    ]);
  });

  test('GIVEN failing schedules WHEN an ordinary server’s admin lists them THEN each reason shows without the raw network error', async () => {
    vi.useFakeTimers({ now: NOW });
    const { call, ctx, digests } = await setup({ operatorGuild: 'g9' });
    await digests.store.updateGuild('g1', () => ({ schedules: atTheCap('g1').schedules, result: undefined }));
    const pages = await pagesOf(await call({ subcommand: 'list' }), (customId) =>
      invokeButton(registry, customId, ctx()),
    );
    const text = pages.map((p) => plain(p.embeds?.[0]?.description)).join('\n');
    expect(text).not.toMatch(/Service Unavailable|POST \/channels/);
    expect(text.match(/Discord did not accept it \(details in the bot's log\)/g)).toHaveLength(10);
  });

  test('GIVEN a page button WHEN an admin of another server presses it THEN it shows their own schedules, never these', async () => {
    const { ctx, digests } = await setup();
    await digests.store.updateGuild('g1', () => ({ schedules: atTheCap('g1').schedules, result: undefined }));
    const theirs = await invokeButton(registry, 'schedule:page:1', ctx('g2'));
    expect(text(theirs)).toMatch(/No schedules yet/);
    expect(text(theirs)).not.toMatch(/sch\d{3}/);
  });

  test('GIVEN a page button WHEN a member without Manage Server presses it THEN it is refused', async () => {
    const { ctx } = await setup();
    await expect(invokeButton(registry, 'schedule:page:1', ctx('g1', MEMBER))).rejects.toThrow(
      /Manage Server/,
    );
  });

  test('GIVEN a page that no longer exists (schedules removed since) THEN the last page is shown', async () => {
    vi.useFakeTimers({ now: NOW });
    const { ctx, digests } = await setup();
    await digests.store.updateGuild('g1', () => ({
      schedules: atTheCap('g1').schedules.slice(0, 3),
      result: undefined,
    }));
    const reply = await invokeButton(registry, 'schedule:page:7', ctx());
    expect(plain(reply.embeds?.[0]?.description)).toContain('**sch002**');
  });
});

describe('who counts as an admin', () => {
  const ADMINISTRATOR = 0x8n;
  test.each([
    ['Manage Server', ADMIN],
    ['Administrator only', ADMINISTRATOR],
    ['both', ADMIN | ADMINISTRATOR],
  ])('GIVEN %s THEN the member is let in', async (_what, perms) => {
    const { call, ctx } = await setup();
    expect(text(await call({ subcommand: 'list' }, ctx('g1', perms)))).toMatch(/No schedules yet/);
  });
});

describe('run-now when Discord fails', () => {
  test('GIVEN a 5xx WHEN run now THEN the admin is told what happened and that it can be retried; the run is failed, not pending; a retry posts once', async () => {
    vi.useFakeTimers({ now: NOW });
    const poster = fakePoster();
    const { call, digests } = await setup({ poster });
    const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
    poster.failNext(1, new Error('Service Unavailable'));
    const error = await call({ subcommand: 'run-now', id }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect(plain((error as Error).message)).toBe(
      `the digest was not posted in <#123456789012345678>: Discord did not accept it (details in the bot's log). This is usually passing trouble on Discord's side or the network; run \`/schedule run-now id:${id}\` again to retry (a retry never posts twice).`,
    );
    const [saved] = await digests.store.readGuild('g1');
    expect(saved?.lastRun).toMatchObject({ outcome: 'failed', manual: true });
    expect(saved?.health).toMatchObject({ status: 'failing' });
    const entry = await digests.store.ledgerGet(`g1:${id}:${saved?.lastRun?.slot}`);
    expect(entry?.status).toBe('failed');

    vi.advanceTimersByTime(5_000);
    expect(plain((await call({ subcommand: 'run-now', id })).content)).toBe(
      '✅ Digest posted in <#123456789012345678>.',
    );
    expect(poster.sent).toHaveLength(1);
    expect((await digests.store.readGuild('g1'))[0]?.health).toEqual({ status: 'ok' });
  });

  test.each([
    ['at the same moment', 0, 1],
    ['10 s later, across a minute boundary', 10_000, 1],
    ['59 s later', 59_000, 1],
    ['61 s later', 61_000, 2],
  ])(
    'GIVEN run-now clicked twice, %s (%i ms apart) THEN %i digest(s) are posted',
    async (_what, gapMs, posts) => {
      vi.useFakeTimers({ now: new Date('2026-03-02T09:00:55Z') });
      const poster = fakePoster();
      const { call } = await setup({ poster });
      const id = idOf(await call({ subcommand: 'add', channel, when: 'daily 08:00' }));
      const first = call({ subcommand: 'run-now', id });
      if (gapMs) {
        await first;
        vi.advanceTimersByTime(gapMs);
      }
      const second = await call({ subcommand: 'run-now', id });
      await first;
      expect(poster.sent).toHaveLength(posts);
      if (posts === 1) {
        // A repeat posts nothing: its reply must not read as a second "Digest posted".
        expect(plain(second.content)).not.toMatch(/Digest posted/);
        expect(plain(second.content)).toMatch(
          /^Already posted in <#123456789012345678> less than a minute ago: a repeat within a minute is the same run, so nothing new was posted\./,
        );
      }
    },
  );
});

describe('what the admin typed, quoted back', () => {
  test.each([
    [{ when: 'weekly @everyone 09:00' }, '"@\u200beveryone"'],
    [{ when: 'daily **8**:00' }, '"\\*\\*8\\*\\*:00"'],
    [{ when: 'daily 08:00', themes: '<@&123456789012345678>' }, '"<@&\u200b123456789012345678>"'],
    [{ when: 'daily 08:00', timezone: 'Mars/__Olympus__' }, '"Mars/\\_\\_Olympus\\_\\_"'],
  ])('GIVEN %o WHEN adding THEN the error quotes it escaped, pinging nobody', async (raw, quoted) => {
    const { call } = await setup();
    const error = await call({ subcommand: 'add', channel, ...raw }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toContain(quoted);
  });

  test('GIVEN an id with markdown WHEN it is not found THEN the error quotes it escaped', async () => {
    const { call } = await setup();
    await expect(call({ subcommand: 'pause', id: '**x**' })).rejects.toThrow('no schedule "\\*\\*x\\*\\*"');
  });
});
