/**
 * Scheduled digests end to end: admins set schedules through Discord, the real scheduler and
 * ledger deliver through the real discord.js client, and the fake Discord counts what arrives.
 * node-cron's own timing (DST, time zones) is covered by the unit tests; here a manual cron fires
 * the task of a schedule for a chosen slot, so each scenario runs in milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compileRule } from '../../src/digest/when.js';
import type { CallbackBody, FakeMessage } from '../fake-discord/index.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { dieBeforeSentWrite, type Harness, manualCron, startHarness } from './harness.js';

const MANAGE_GUILD = 1n << 5n;
const EPHEMERAL = 64;

/** A stand-in for node-cron that fires only when the test says so. */

/** The bot's clock, and Discord's (message ids carry their time): real time until a test moves it forward. */
const clockAt = { ms: Date.now() };
const now = () => new Date(clockAt.ms);
/** The next slot of a cron expression after the bot's now, in UTC. */
const nextSlot = (expression: string): Date => {
  const slot = compileRule(expression, 'UTC').next(now());
  if (!slot) throw new Error(`${expression} never runs`);
  return slot;
};
/** Moves the bot's clock to `ms` after `slot`. */
const advanceTo = (slot: Date, ms = 5_000) => {
  clockAt.ms = slot.getTime() + ms;
};

const discord = useFakeDiscord({ requireSafeMentions: true, now: () => clockAt.ms });
let stateDir: string;
let harness: Harness | undefined;
let clock: ReturnType<typeof manualCron>;

const start = async (env: Record<string, string> = {}) => {
  clock = manualCron();
  harness = await startHarness(discord.fake, env, stateDir, { cron: clock.cron, watch: false, now });
  return harness;
};

beforeEach(() => {
  clockAt.ms = Date.now();
  stateDir = mkdtempSync(join(tmpdir(), 'attache-sched-'));
});
afterEach(async () => {
  await harness?.stop({ keepState: true });
  harness = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const asAdmin = { user: 'admin', memberPermissions: MANAGE_GUILD };
const schedule = (
  subcommand: string,
  options: Record<string, string | boolean | { type: number; value: string }>,
  who = asAdmin,
) => discord.fake.interact({ type: 'command', name: 'schedule', subcommand, options, ...who });
const channelOption = (id: string) => ({ type: 7, value: id });

const text = (callback: CallbackBody): string => {
  const data = (callback.data ?? {}) as { content?: string; embeds?: APIEmbed[] };
  return [
    data.content ?? '',
    ...(data.embeds ?? []).flatMap((e) => [
      e.title,
      e.description,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ].join('\n');
};
const digests = (channelId: string): FakeMessage[] => discord.fake.messages(channelId);

async function addSchedule(channelId: string, when: string, extra: Record<string, string | boolean> = {}) {
  const i = await schedule('add', {
    channel: channelOption(channelId),
    when,
    timezone: 'UTC',
    skip_if_empty: false,
    ...extra,
  });
  expect(i.accepted).toBe(true);
  const saved = await harness?.bot.app.digests.schedules.list(discord.fake.guildId);
  const added = saved?.find((v) => v.schedule.channelId === channelId);
  if (!added) throw new Error(`schedule not saved: ${text(i.callback)}`);
  return { id: added.schedule.id, reply: i };
}

describe('GIVEN an admin and a member in a guild', () => {
  test('WHEN the admin adds a schedule and its slot comes THEN exactly one digest arrives, even if the task fires twice', async () => {
    await start();
    const channel = discord.fake.channelId('briefings');
    const { id, reply } = await addSchedule(channel, 'daily 08:00');
    expect(text(reply.callback)).toMatch(/<t:\d+:[FfRDd]>/);
    expect(clock.names().some((n) => n.includes(id))).toBe(true);

    const slot = nextSlot('0 8 * * *');
    advanceTo(slot);
    await clock.fire(id, slot);
    await clock.fire(id, slot);
    const posted = digests(channel);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.embeds.length).toBeGreaterThan(0);
    expect(JSON.stringify(posted[0]?.embeds)).toMatch(/looking ahead/i);

    const list = await schedule('list', {});
    expect(text(list.callback)).toContain(id);
  });

  test('WHEN a member without Manage Server runs /schedule add, even with the command visible THEN it is refused and nothing is saved', async () => {
    await start();
    const i = await schedule(
      'add',
      { channel: channelOption(discord.fake.channelId('briefings')), when: 'daily 08:00' },
      { user: 'member', memberPermissions: 0n },
    );
    expect((i.callback.data as { flags?: number }).flags).toBe(EPHEMERAL);
    expect(text(i.callback)).toMatch(/Manage Server/);
    expect(await harness?.bot.app.digests.schedules.list(discord.fake.guildId)).toEqual([]);
  });

  test('WHEN the bot dies between sending a digest and recording it THEN the restarted bot posts nothing twice', async () => {
    await start();
    const channel = discord.fake.channelId('briefings');
    const { id } = await addSchedule(channel, '0 * * * *');
    dieBeforeSentWrite(harness);
    const slot = nextSlot('0 * * * *');
    advanceTo(slot);
    await clock.fire(id, slot).catch(() => undefined);
    expect(digests(channel)).toHaveLength(1);

    await harness?.stop({ keepState: true });
    advanceTo(slot, 30_000);
    await start();
    const resent = discord.fake.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith(`/channels/${channel}/messages`),
    );
    expect(resent.length, 'the restarted bot resent the pending run with the same nonce').toBe(2);
    expect(new Set(resent.map((r) => (r.body as { nonce?: string }).nonce)).size).toBe(1);
    expect(digests(channel)).toHaveLength(1);
    const [view] = (await harness?.bot.app.digests.schedules.list(discord.fake.guildId)) ?? [];
    expect(view?.schedule.lastRun?.outcome).toBe('sent');
  });

  test('WHEN the bot was down across a slot THEN exactly one digest is posted on restart, labelled late', async () => {
    await start();
    const channel = discord.fake.channelId('briefings');
    await addSchedule(channel, '0 * * * *');
    await harness?.stop({ keepState: true });
    // Down from before the slot until an hour after it: inside the 6 h catch-up window.
    advanceTo(nextSlot('0 * * * *'), 3_600_000 - 60_000);

    await start();
    await discord.fake.waitFor((f) => f.messages(channel).length > 0, 5000);
    const posted = digests(channel);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]?.embeds)).toMatch(/Late: this digest was due/);
    const [view] = (await harness?.bot.app.digests.schedules.list(discord.fake.guildId)) ?? [];
    expect(view?.schedule.lastRun).toMatchObject({ outcome: 'sent', late: true });
  });

  test('WHEN one channel lacks Embed Links THEN its schedule is reported failing while another channel still gets its digest', async () => {
    await start();
    const good = discord.fake.channelId('briefings');
    const bad = discord.fake.addChannel({ name: 'announcements' });
    const a = await addSchedule(good, '0 9 * * *');
    const b = await addSchedule(bad, '0 9 * * *');
    // Embed Links taken away after the schedule was saved (it is checked when saving, too).
    discord.fake.setOverwrites(bad, [{ id: 'bot', deny: [1n << 14n] }]);
    const client = harness?.bot.client;
    await discord.fake.waitFor(() => {
      const channel = client?.channels.cache.get(bad);
      return channel && 'permissionsFor' in channel && client?.user
        ? channel.permissionsFor(client.user)?.has(1n << 14n) === false
        : false;
    });
    const slot = nextSlot('0 9 * * *');
    advanceTo(slot);
    await Promise.all([clock.fire(a.id, slot), clock.fire(b.id, slot)]);

    expect(digests(good)).toHaveLength(1);
    expect(digests(bad)).toHaveLength(0);
    const list = await schedule('list', {});
    expect(text(list.callback)).toMatch(/Embed Links/);
    const status = await discord.fake.interact({ type: 'command', name: 'status', ...asAdmin });
    expect(text(status.callback)).toMatch(/Embed Links/);
  });

  test.each([
    ['a 500', { status: 500 }],
    ['a 429', { status: 429, retryAfter: 0.2 }],
  ])(
    'WHEN Discord answers %s to the first attempt THEN one digest is delivered in the end',
    async (_name, fault) => {
      await start();
      const channel = discord.fake.channelId('briefings');
      const { id } = await addSchedule(channel, '0 7 * * *');
      discord.fake.inject({
        method: 'POST',
        path: new RegExp(`/channels/${channel}/messages$`),
        times: 1,
        ...fault,
      });
      const slot = nextSlot('0 7 * * *');
      advanceTo(slot);
      await clock.fire(id, slot);
      await discord.fake.waitFor((f) => f.messages(channel).length > 0, 10_000);
      expect(digests(channel)).toHaveLength(1);
      expect(discord.fake.stats.byStatus[fault.status], `the fake answered ${fault.status}`).toBeGreaterThan(
        0,
      );
    },
  );
});
