import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CommandContext } from '../../commands/index.js';
import status from '../../commands/status.js';
import type { DataStatus, StatusProvider } from '../../src/digest/index.js';
import { createDigests, type Digests } from '../../src/digest/runtime.js';
import { formatUptime } from '../../src/digest/views.js';
import { UserError } from '../../src/errors.js';
import { invokeCommand, loadCommands } from '../../src/registry.js';
import type { Reply } from '../../src/render/index.js';
import { defaultLibrary, fakePoster } from '../digest/fixtures.js';

const ADMIN = 0x20n;
const NOW = new Date('2026-03-02T09:00:00Z');
const library = defaultLibrary();

let running: Digests[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
  vi.useRealTimers();
});

const provider = (data: Partial<DataStatus> = {}): StatusProvider => ({
  uptimeMs: () => (2 * 24 * 60 + 3 * 60 + 4) * 60_000,
  data: () => ({ loadedAt: new Date('2026-03-02T08:00:00Z'), problems: [], ...data }),
});

async function setup(statusProvider: StatusProvider | undefined = provider()) {
  const poster = fakePoster();
  const digests = await createDigests({
    storeUrl: 'memory://',
    poster,
    library: () => library,
    now: () => new Date(),
    defaultTimezone: 'Europe/Brussels',
    minIntervalMinutes: 60,
    maxPerGuild: 25,
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

    const reply = await status.execute(ctx(), {});
    const all = text(reply);
    expect(reply.ephemeral).toBe(true);
    expect(all).toContain('Up for 2 d 3 h 4 min');
    expect(all).toContain('2 schedules in this server, **1 failing**');
    expect(all).toMatch(/1 briefing, 3 themes, 4 looking-ahead items/);
    expect(all).toContain(`Snapshot loaded <t:${Date.parse('2026-03-02T08:00:00Z') / 1000}:f>`);
    const fields = reply.embeds?.[0]?.fields ?? [];
    expect(fields.find((f) => f.name.includes(ok.schedule.id))?.value).toMatch(/Last: ✅ sent/);
    expect(fields.find((f) => f.name.includes(bad.schedule.id))?.value).toMatch(/Failing: channel not found/);
    expect(fields).toHaveLength(3); // data + this guild's two schedules, not g2's
  });

  test('GIVEN problems in data/ THEN they are listed, the rest counted', async () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({
      file: `data/briefings/b${i}.yaml`,
      line: i + 1,
      column: 3,
      field: 'quotes[0].speaker',
      message: 'must not be empty',
    }));
    const { ctx } = await setup(provider({ problems, lastReloadAt: new Date('2026-03-02T08:30:00Z') }));
    const all = text(await status.execute(ctx(), {}));
    expect(all).toContain('⚠️ 7 problems in data/ (the last good snapshot is in use)');
    expect(all).toContain('`data/briefings/b0.yaml:1:3 quotes[0].speaker — must not be empty`');
    expect(all).toContain('…and 2 more (npm run data:check)');
    expect(all).toMatch(/Last reload attempt <t:\d+:R>/);
  });

  test('GIVEN skipped runs while offline THEN /status shows them', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-05T20:00:00Z') });
    const { digests, ctx } = await setup();
    await digests.store.updateGuild('g1', () => ({
      schedules: [
        {
          id: 'abc123',
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
          createdAt: '2026-03-01T00:00:00.000Z',
          updatedAt: '2026-03-01T00:00:00.000Z',
          activeSince: '2026-03-01T00:00:00.000Z',
          health: { status: 'ok' },
        },
      ],
      result: undefined,
    }));
    await digests.start();
    const all = text(await status.execute(ctx(), {}));
    expect(all).toMatch(/5 runs missed while offline/);
    expect(all).toMatch(/Last: ⏭️ missed while offline/);
  });

  test.each([
    ['a member without Manage Server', 'g1', 0x400n],
    ['outside a server', null, ADMIN],
  ])('GIVEN %s THEN the handler refuses by itself', async (_what, guildId, perms) => {
    const { ctx } = await setup();
    await expect(
      Promise.resolve().then(() => status.execute(ctx(guildId, perms), {})),
    ).rejects.toBeInstanceOf(UserError);
  });

  test('GIVEN the registry THEN /status loads as an admin command and answers', async () => {
    const registry = await loadCommands();
    const { ctx } = await setup();
    expect(status.definition.default_member_permissions).toBe('32');
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
