import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CommandContext } from '../../commands/index.js';
import status from '../../commands/status.js';
import type { DataStatus, StatusProvider } from '../../src/digest/index.js';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import { UserError } from '../../src/errors.js';
import { admitAdmin } from '../../src/permissions.js';
import { invokeButton, invokeCommand, loadCommands } from '../../src/registry.js';
import { escapeInline } from '../../src/render/escape.js';
import type { Reply } from '../../src/render/index.js';
import { DISCORD_LIMITS, totalEmbedLength } from '../../src/render/limits.js';
import { ERROR_COLOUR } from '../../src/render/style.js';
import { formatUptime } from '../../src/render/views/status.js';
import { defaultLibrary, digestOptions, fakePoster, scheduleRecord } from '../digest/fixtures.js';
import { atTheCap, pagesOf } from '../digest/schedule-pages.js';

const ADMIN = 0x20n;
const NOW = new Date('2026-03-02T09:00:00Z');
const library = defaultLibrary();

let running: DigestRuntime[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
  vi.useRealTimers();
});

/** `operatorGuild`: the guild set as OPERATOR_GUILD_ID, where /status shows operator details. */
const provider = (data: Partial<DataStatus> = {}, operatorGuild?: string): StatusProvider => ({
  uptimeMs: () => (2 * 24 * 60 + 3 * 60 + 4) * 60_000,
  data: () => ({ loadedAt: new Date('2026-03-02T08:00:00Z'), problems: [], ...data }),
  operator: (guildId) => guildId === operatorGuild,
});

/** What /status answers a member the registry admitted. */
const answer = async (ctx: CommandContext) => status.execute(admitAdmin('status', ctx));

async function setup(statusProvider: StatusProvider | undefined = provider()) {
  const poster = fakePoster();
  const digests = await createDigestRuntime(digestOptions({ poster, library: () => library }));
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
    services: { schedules: digests.schedules, ...(statusProvider ? { status: statusProvider } : {}) },
  });
  return { digests, poster, ctx };
}

const text = (reply: Reply): string =>
  (reply.embeds ?? [])
    .flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ])
    .join('\n')
    .replace(/\u200b/g, '');

describe('/status', () => {
  test('GIVEN the bot has run for a while THEN uptime, data snapshot and schedules are shown', async () => {
    vi.useFakeTimers({ now: NOW });
    const { digests, ctx, poster } = await setup();
    const ok = await digests.schedules.add(
      'g1',
      'u1',
      {
        channelId: 'c1',
        when: 'daily 08:00',
        timezone: 'Europe/Brussels',
        themes: [],
        format: 'brief',
        skipIfEmpty: false,
      },
      library,
    );
    const bad = await digests.schedules.add(
      'g1',
      'u1',
      {
        channelId: 'c2',
        when: 'daily 08:00',
        timezone: 'Europe/Brussels',
        themes: [],
        format: 'brief',
        skipIfEmpty: false,
      },
      library,
    );
    await digests.schedules.add(
      'g2',
      'u2',
      {
        channelId: 'c9',
        when: 'daily 08:00',
        timezone: 'UTC',
        themes: [],
        format: 'brief',
        skipIfEmpty: false,
      },
      library,
    );
    poster.broken.set('c2', { ok: false, reason: 'channel-gone' });
    await vi.advanceTimersByTimeAsync(23 * 3_600_000);

    const reply = await answer(ctx());
    const all = text(reply);
    expect(reply.ephemeral).toBe(true);
    expect(all).toContain('Up for 2 d 3 h 4 min');
    expect(all).toContain('2 schedules in this server, **1 failing** (listed first)');
    expect(all).toMatch(/1 briefing, 3 themes, 4 looking-ahead items/);
    expect(all).toContain(`Snapshot loaded <t:${Date.parse('2026-03-02T08:00:00Z') / 1000}:f>`);
    expect(all).not.toContain('Last reload attempt');
    const lines = (reply.embeds?.[0]?.description ?? '').replace(/\u200b/g, '').split('\n');
    const lineOf = (id: string) => lines.findIndex((l) => l.includes(`**${id}**`));
    expect(lineOf(bad.schedule.id)).toBeLessThan(lineOf(ok.schedule.id));
    expect(lines[lineOf(bad.schedule.id) + 1]).toMatch(/^└ ⚠️ Failing: channel not found/);
    expect(lines[lineOf(ok.schedule.id)]).toMatch(/next <t:\d+:R> · last ✅ sent <t:\d+:R>$/);
    // Only this guild's schedules: g2's is not there.
    expect(lines.filter((l) => /^(🟢|⚠️|⏸️) \*\*/.test(l))).toHaveLength(2);
  });

  const problems = Array.from({ length: 7 }, (_, i) => ({
    file: `data/briefings/b${i}.yaml`,
    line: i + 1,
    column: 3,
    field: 'quotes[0].speaker',
    message: 'must not be empty',
  }));

  test('GIVEN problems in data/ WHEN the operator asks in their own server THEN they are listed, the rest counted', async () => {
    const { ctx } = await setup(provider({ problems, lastReloadAt: new Date('2026-03-02T08:30:00Z') }, 'g1'));
    const all = text(await answer(ctx()));
    expect(all).toContain('⚠️ 7 problems in data/ (the last good snapshot is in use)');
    expect(all).toContain('`data/briefings/b0.yaml:1:3 quotes[0].speaker — must not be empty`');
    expect(all).toContain('…and 2 more (npm run data:check)');
    expect(all).toMatch(/Last reload attempt <t:\d+:R> did not replace it/);
  });

  test('GIVEN a file whose problems were capped WHEN the operator asks THEN the count is every problem, not the lines listed', async () => {
    const capped = [
      ...problems.slice(0, 2),
      {
        file: 'data/briefings/b2.yaml',
        line: 60,
        column: 1,
        field: '',
        message: '… and 20,000 more problems in this file (only the first 50 are listed)',
        more: 20_000,
      },
    ];
    const { ctx } = await setup(provider({ problems: capped }, 'g1'));
    const all = text(await answer(ctx()));
    expect(all).toContain('⚠️ 20,002 problems in data/');
    expect(all).toContain('…and 20,000 more (npm run data:check)');
    expect(all).not.toContain('only the first 50 are listed');
  });

  test('GIVEN problems in data/ WHEN the admin of any other server asks THEN no problem, file or failed reload is shown', async () => {
    const { ctx } = await setup(
      provider({ problems, lastReloadAt: new Date('2026-03-02T08:30:00Z') }, 'operators-guild'),
    );
    const reply = await answer(ctx('g1'));
    const all = text(reply);
    expect(all).not.toMatch(/data\/briefings|\.yaml|problem|Last reload attempt/);
    expect(all).toMatch(/1 briefing, 3 themes, 4 looking-ahead items/);
    // Nothing of this server is wrong: the embed is not coloured as an error for data it cannot see.
    expect(reply.embeds?.[0]?.color).not.toBe(ERROR_COLOUR);
  });

  test.each([
    [
      'a refused connection to an internal proxy',
      'Discord did not accept it (connect ECONNREFUSED 10.20.30.40:8080)',
    ],
    [
      'a host lookup failure on the last of three attempts',
      'gave up after 3 attempts: could not check the channel (getaddrinfo ENOTFOUND rest-proxy.internal.example)',
    ],
    [
      'a retry in progress',
      'Discord did not accept it (request to http://10.0.0.7/api/v10/channels failed); attempt 1 of 3, retrying with the same nonce',
    ],
  ])(
    'GIVEN a schedule failing with %s THEN an ordinary server’s admin sees no host, the operator sees the error',
    async (_what, reason) => {
      vi.useFakeTimers({ now: NOW });
      const { digests, ctx } = await setup(provider({}, 'g9'));
      const failing = (guildId: string) =>
        digests.store.updateGuild(guildId, () => ({
          schedules: [
            scheduleRecord({
              id: 'net001',
              guildId,
              health: { status: 'failing', reason, since: '2026-03-01T10:30:00.000Z' },
              lastRun: {
                slot: '2026-03-01T10:30:00.000Z',
                outcome: 'failed',
                at: '2026-03-01T10:31:00.000Z',
                reason,
              },
            }),
          ],
          result: undefined,
        }));
      await failing('g1');
      await failing('g9');
      const theirs = text(await answer(ctx('g1')));
      expect(theirs).not.toMatch(/10\.20\.30\.40|10\.0\.0\.7|ECONNREFUSED|ENOTFOUND|internal|http:/);
      expect(theirs).toMatch(/Failing: .*\(details in the bot's log\)/);
      const operators = text(await answer(ctx('g9')));
      expect(operators).toContain(escapeInline(reason));
    },
  );

  test('GIVEN a channel missing a permission THEN every server’s admin still sees which one', async () => {
    vi.useFakeTimers({ now: NOW });
    const { digests, ctx } = await setup(provider({}, 'g9'));
    const reason = 'missing access (Discord 50001)';
    await digests.store.updateGuild('g1', () => ({
      schedules: [
        scheduleRecord({
          id: 'perm01',
          guildId: 'g1',
          health: { status: 'failing', reason, missing: ['View Channel'], since: '2026-03-01T10:30:00.000Z' },
        }),
      ],
      result: undefined,
    }));
    expect(text(await answer(ctx('g1')))).toContain(
      'Failing: missing access (Discord 50001). Missing: **View Channel**.',
    );
  });

  test('GIVEN skipped runs while offline THEN /status shows them', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-05T20:00:00Z') });
    const { digests, ctx } = await setup();
    await digests.store.updateGuild('g1', () => ({
      schedules: [
        scheduleRecord({
          id: 'abc123',
          createdAt: '2026-03-01T00:00:00.000Z',
          updatedAt: '2026-03-01T00:00:00.000Z',
          activeSince: '2026-03-01T00:00:00.000Z',
        }),
      ],
      result: undefined,
    }));
    await digests.start();
    const all = text(await answer(ctx()));
    expect(all).toMatch(/5 runs missed while offline/);
    expect(all).toMatch(/last ⏭️ missed <t:\d+:R>/);
  });

  test.each([
    ['a member without Manage Server', 'g1', 0x400n],
    ['outside a server', null, ADMIN],
  ])('GIVEN %s THEN /status is refused', async (_what, guildId, perms) => {
    const registry = await loadCommands();
    const { ctx } = await setup();
    await expect(invokeCommand(registry, 'status', {}, ctx(guildId, perms))).rejects.toBeInstanceOf(
      UserError,
    );
  });

  test('GIVEN the registry THEN /status loads as an admin command and answers', async () => {
    const registry = await loadCommands();
    const { ctx } = await setup();
    expect(registry.commands.get('status')?.definition.default_member_permissions).toBe('32');
    await expect(invokeCommand(registry, 'status', {}, ctx('g1', 0x400n))).rejects.toThrow(/Manage Server/);
    expect(text(await invokeCommand(registry, 'status', {}, ctx()))).toContain('Attaché status');
  });
});

test.each([
  [0, '0 min'],
  [59_999, '0 min'],
  [61 * 60_000, '1 h 1 min'],
  [(24 * 60 + 5) * 60_000, '1 d 5 min'],
])('GIVEN %i ms of uptime THEN it reads "%s"', (ms, expected) => {
  expect(formatUptime(ms)).toBe(expected);
});

describe('/status at the cap', () => {
  test('GIVEN 25 schedules, 10 failing THEN all 25 ids and all 10 reasons are reachable through the page buttons, inside the limits', async () => {
    vi.useFakeTimers({ now: NOW });
    const registry = await loadCommands();
    // The operator's server: reasons are shown whole, so each one is told apart.
    const { digests, ctx } = await setup(provider({}, 'g1'));
    const { schedules, reasons } = atTheCap('g1');
    await digests.store.updateGuild('g1', () => ({ schedules, result: undefined }));
    const first = await invokeCommand(registry, 'status', {}, ctx());
    const pages = await pagesOf(first, (customId) => invokeButton(registry, customId, ctx()));
    expect(pages.length).toBeGreaterThan(1);
    const all = pages.map(text).join('\n');
    expect(new Set([...all.matchAll(/\*\*(sch\d{3})\*\*/g)].map((m) => m[1])).size).toBe(25);
    for (const reason of reasons) expect(all).toContain(reason);
    expect(text(first)).toContain('25 schedules in this server, **10 failing** (listed first)');
    for (const page of pages) {
      expect(totalEmbedLength(page.embeds ?? [])).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
      expect(text(page)).toContain('Snapshot loaded');
    }
    // Another server's admin pressing the same button sees their own server.
    const theirs = text(await invokeButton(registry, 'status:page:1', ctx('g2')));
    expect(theirs).toContain('0 schedules in this server');
    expect(theirs).not.toMatch(/sch\d{3}/);
  });
});

describe('/status data details', () => {
  test.each([
    ['at start (reload stamped just before the snapshot was built)', '2026-03-02T07:59:59.990Z', false],
    ['after a good reload (stamped a few ms after)', '2026-03-02T08:00:00.004Z', false],
    ['after a reload that kept the previous snapshot', '2026-03-02T08:30:00.000Z', true],
  ])('GIVEN the last reload %s THEN "Last reload attempt" shown: %s', async (_what, at, shown) => {
    const { ctx } = await setup(provider({ lastReloadAt: new Date(at) }, 'g1'));
    const all = text(await answer(ctx()));
    expect(all.includes('Last reload attempt')).toBe(shown);
  });

  test('GIVEN a problem in a file given by its absolute path THEN /status shows it relative to where the bot runs', async () => {
    const file = join(process.cwd(), 'data', 'briefings', 'broken.yaml');
    const problems = [{ file, line: 4, column: 1, field: 'title', message: 'must not be empty' }];
    const { ctx } = await setup(provider({ problems }, 'g1'));
    const all = text(await answer(ctx()));
    expect(all).toContain('`data/briefings/broken.yaml:4:1 title — must not be empty`');
    expect(all).not.toContain(process.cwd());
  });

  test('GIVEN a member with Administrator but not the Manage Server bit THEN /status answers', async () => {
    const registry = await loadCommands();
    const { ctx } = await setup();
    expect(text(await invokeCommand(registry, 'status', {}, ctx('g1', 0x8n)))).toContain('Attaché status');
    expect(text(await answer(ctx('g1', 0x8n)))).toContain('Attaché status');
  });
});
