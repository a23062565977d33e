/**
 * Digests into forums, announcement channels and threads, end to end: the real bot and discord.js
 * against the fake Discord, which checks every request against Discord's spec. A manual cron fires
 * a schedule's task for a chosen slot, as in schedules.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compileRule } from '../../src/digest/when.js';
import { type CallbackBody, CROSSPOSTED } from '../fake-discord/index.js';
import { DEFAULT_BOT_PERMISSIONS } from '../fake-discord/state.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { dieBeforeSentWrite, type Harness, manualCron, startHarness } from './harness.js';

const MANAGE_GUILD = PermissionFlagsBits.ManageGuild;

const clockAt = { ms: Date.now() };
const now = () => new Date(clockAt.ms);
const nextSlot = (expression: string): Date => {
  const slot = compileRule(expression, 'UTC').next(now());
  if (!slot) throw new Error(`${expression} never runs`);
  return slot;
};

// The fake shares the bot's clock: a post's snowflake time is compared with the run's.
const discord = useFakeDiscord({
  requireSafeMentions: true,
  now: () => clockAt.ms,
  guilds: [
    {
      name: 'Attaché Test Guild',
      // In this order: Readers below the bot's role, Moderators above it.
      roles: [
        { name: 'Readers', mentionable: true },
        { name: 'Subscribers', mentionable: true },
        {
          name: 'Attaché',
          permissions:
            DEFAULT_BOT_PERMISSIONS |
            PermissionFlagsBits.ReadMessageHistory |
            PermissionFlagsBits.CreatePublicThreads |
            PermissionFlagsBits.SendMessagesInThreads |
            PermissionFlagsBits.ManageRoles,
        },
        { name: 'Admin', permissions: PermissionFlagsBits.ManageGuild },
        { name: 'Moderators', mentionable: true },
      ],
      channels: [
        { name: 'briefings' },
        { name: 'alerts' },
        { name: 'doomed' },
        { name: 'news', type: ChannelType.GuildAnnouncement },
        {
          name: 'digests',
          type: ChannelType.GuildForum,
          tags: [{ name: 'digest' }, { name: 'weekly' }, { name: 'other' }],
          requireTag: true,
        },
      ],
      botRoles: ['Attaché'],
      members: [{ user: { username: 'member' } }, { user: { username: 'admin' }, roles: ['Admin'] }],
    },
  ],
});

let stateDir: string;
let harness: Harness | undefined;
let clock: ReturnType<typeof manualCron>;

const start = async () => {
  clock = manualCron();
  harness = await startHarness(discord.fake, {}, stateDir, { cron: clock.cron, watch: false, now });
  return harness;
};

beforeEach(() => {
  threadsMarked.before = new Set(
    ['digests', 'news', 'briefings'].flatMap((name) =>
      discord.fake.threads(discord.fake.channelId(name)).map((t) => t.id),
    ),
  );
  clockAt.ms = Date.now();
  stateDir = mkdtempSync(join(tmpdir(), 'attache-targets-'));
});
afterEach(async () => {
  await harness?.stop({ keepState: true });
  harness = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

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

async function add(
  channelId: string,
  extra: Record<string, string | boolean | { type: number; value: string }> = {},
) {
  const i = await discord.fake.interact({
    type: 'command',
    name: 'schedule',
    subcommand: 'add',
    options: {
      channel: { type: 7, value: channelId },
      when: '0 * * * *',
      timezone: 'UTC',
      skip_if_empty: false,
      ...extra,
    },
    user: 'admin',
    memberPermissions: MANAGE_GUILD,
  });
  const saved = await harness?.bot.app.digests.schedules.list(discord.fake.guildId);
  const added = saved?.find((v) => v.schedule.channelId === channelId);
  return { id: added?.schedule.id, reply: text(i.callback) };
}

async function runSlot(id: string) {
  const slot = nextSlot('0 * * * *');
  clockAt.ms = slot.getTime() + 5_000;
  await clock.fire(id, slot);
  return slot;
}

/** Threads of the channel made in this test: the fake's world (and its threads) outlives a test. */
const threadsMarked = { before: new Set<string>() };
const newThreads = (channelId: string) =>
  discord.fake.threads(channelId).filter((t) => !threadsMarked.before.has(t.id));

const titleOf = (slot: Date) =>
  `Looking ahead — ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(slot).replace(',', '')}`;

describe('GIVEN a forum that requires a tag', () => {
  test('WHEN a schedule with a tag runs THEN one post arrives, titled with the local date, carrying the tag', async () => {
    await start();
    const forum = discord.fake.channelId('digests');
    const { id } = await add(forum, { tags: 'digest, Weekly' });
    if (!id) throw new Error('not saved');
    const slot = await runSlot(id);
    await clock.fire(id, slot);
    const posts = newThreads(forum);
    expect(posts).toHaveLength(1);
    const post = posts[0];
    expect(post?.name).toBe(titleOf(slot));
    const tagIds = (await (async () => discord.fake.requests)())
      .filter((r) => r.method === 'POST' && r.path.endsWith(`/channels/${forum}/threads`))
      .map((r) => (r.body as { applied_tags?: string[] }).applied_tags);
    expect(tagIds).toHaveLength(1);
    expect(post?.thread?.appliedTags).toEqual(tagIds[0]);
    expect(post?.thread?.appliedTags).toHaveLength(2);
    const first = discord.fake.messages(post?.id ?? '');
    expect(first).toHaveLength(1);
    expect(JSON.stringify(first[0]?.embeds)).toMatch(/Looking ahead/);
  });

  test('WHEN an admin adds a schedule without a tag, or with one the forum lacks THEN it is refused, naming the tags', async () => {
    await start();
    const forum = discord.fake.channelId('digests');
    const none = await add(forum);
    expect(none.id).toBeUndefined();
    expect(none.reply).toMatch(/requires a tag.*"digest", "weekly", "other"/s);
    const unknown = await add(forum, { tags: 'daily' });
    expect(unknown.reply).toMatch(/no tag "daily"/);
    const thread = await add(forum, { tags: 'digest', thread: true });
    expect(thread.reply).toMatch(/its own thread already/);
  });

  test('WHEN the bot dies after creating the post and before recording it THEN the restarted bot finds it and posts nothing more', async () => {
    await start();
    const forum = discord.fake.channelId('digests');
    const { id } = await add(forum, { tags: 'digest' });
    if (!id) throw new Error('not saved');
    dieBeforeSentWrite(harness);
    const slot = nextSlot('0 * * * *');
    clockAt.ms = slot.getTime() + 5_000;
    await clock.fire(id, slot).catch(() => undefined);
    expect(newThreads(forum)).toHaveLength(1);

    await harness?.stop({ keepState: true });
    clockAt.ms = slot.getTime() + 30_000;
    await start();
    await discord.fake.waitFor(async () => {
      const [view] = (await harness?.bot.app.digests.schedules.list(discord.fake.guildId)) ?? [];
      return view?.schedule.lastRun?.outcome === 'sent';
    });
    expect(newThreads(forum)).toHaveLength(1);
    const lookups = discord.fake.requests.filter((r) => r.path.endsWith('/threads/active'));
    expect(lookups.length).toBeGreaterThan(0);
  });
});

describe('GIVEN a forum whose posts are archived while the bot is down', () => {
  test('WHEN the digest post is archived behind a hundred later ones, one of them an old post THEN the restarted bot still finds it and posts nothing more', async () => {
    const forum = discord.fake.channelId('digests');
    // A post from before the run, archived after the digest's: it ends the first page of archived posts.
    const old = discord.fake.seedPost(forum, 'An older discussion', 'member');
    await start();
    const { id } = await add(forum, { tags: 'digest', when: '0 9 * * *' });
    if (!id) throw new Error('not saved');
    dieBeforeSentWrite(harness);
    const slot = nextSlot('0 9 * * *');
    clockAt.ms = slot.getTime() + 5_000;
    await clock.fire(id, slot).catch(() => undefined);
    const ours = () => newThreads(forum).filter((t) => t.thread?.ownerId === discord.fake.bot.id);
    const [post] = ours();
    if (!post) throw new Error('no post');
    await harness?.stop({ keepState: true });

    // Hours later: the digest's post is archived, then the old post, then 99 posts made since.
    clockAt.ms = slot.getTime() + 2 * 3_600_000;
    discord.fake.archiveThread(post.id);
    clockAt.ms += 1_000;
    discord.fake.archiveThread(old);
    for (let i = 0; i < 99; i++) {
      clockAt.ms += 1_000;
      discord.fake.archiveThread(discord.fake.seedPost(forum, `Topic ${i}`, 'member'));
    }
    clockAt.ms += 60_000;
    await start();
    await discord.fake.waitFor(async () => {
      const [view] = (await harness?.bot.app.digests.schedules.list(discord.fake.guildId)) ?? [];
      return view?.schedule.lastRun?.outcome === 'sent';
    });
    expect(ours()).toHaveLength(1);
    const pages = discord.fake.requests.filter((r) =>
      r.path.endsWith(`/channels/${forum}/threads/archived/public`),
    );
    expect(pages.some((r) => r.query.before !== undefined)).toBe(true);
  });
});

describe('GIVEN an announcement channel', () => {
  test('WHEN a schedule with thread on runs THEN one message is posted, published once, with one thread from it', async () => {
    await start();
    const news = discord.fake.channelId('news');
    const { id } = await add(news, { thread: true });
    if (!id) throw new Error('not saved');
    const slot = await runSlot(id);
    await clock.fire(id, slot);
    const posted = discord.fake.messages(news);
    expect(posted).toHaveLength(1);
    expect((posted[0]?.flags ?? 0) & CROSSPOSTED).toBe(CROSSPOSTED);
    const crossposts = discord.fake.requests.filter((r) => r.path.endsWith('/crosspost'));
    expect(crossposts).toHaveLength(1);
    const threads = newThreads(news);
    expect(threads.map((t) => t.id)).toEqual([posted[0]?.id]);
    expect(threads[0]?.name).toBe(titleOf(slot));
    expect(threads[0]?.thread?.autoArchiveDuration).toBe(1440);
  });

  test('WHEN publishing fails on Discord for good THEN the digest is posted once and the schedule says it is not published', async () => {
    await start();
    const news = discord.fake.channelId('news');
    const { id } = await add(news);
    if (!id) throw new Error('not saved');
    discord.fake.inject({
      method: 'POST',
      path: /\/crosspost$/,
      status: 403,
      code: 50013,
      message: 'Missing Permissions',
      times: 10,
    });
    await runSlot(id);
    expect(discord.fake.messages(news)).toHaveLength(1);
    const [view] = (await harness?.bot.app.digests.schedules.list(discord.fake.guildId)) ?? [];
    expect(view?.schedule.health.status).toBe('failing');
    expect(view?.schedule.health.reason).toMatch(/not published/);
    discord.fake.clearInjections();
  });
});

describe('GIVEN a text channel and thread on', () => {
  test('WHEN the bot may not create threads THEN /schedule add says which permission is missing', async () => {
    await start();
    const briefings = discord.fake.channelId('briefings');
    discord.fake.setOverwrites(briefings, [{ id: 'bot', deny: PermissionFlagsBits.CreatePublicThreads }]);
    const { id, reply } = await add(briefings, { thread: true });
    expect(id).toBeUndefined();
    expect(reply).toMatch(/missing Create Public Threads/);
    discord.fake.setOverwrites(briefings, []);
  });
});

describe('GIVEN a role below the bot that members may join', () => {
  test('WHEN a schedule pings it THEN the digest pings exactly that role, and a member pressing Notify me twice joins then leaves it', async () => {
    await start();
    const briefings = discord.fake.channelId('briefings');
    const readers = discord.fake.roleId('Readers');
    const { id } = await add(briefings, { mention: { type: 8, value: readers } });
    if (!id) throw new Error('not saved');
    await runSlot(id);
    const [digest] = discord.fake.messages(briefings);
    expect(digest?.content).toBe(`<@&${readers}>`);
    expect(digest?.mention_roles).toEqual([readers]);
    expect(digest?.mention_everyone).toBe(false);
    const sent = discord.fake.requests.find(
      (r) => r.method === 'POST' && r.path.endsWith(`/channels/${briefings}/messages`),
    );
    expect((sent?.body as { allowed_mentions?: unknown } | undefined)?.allowed_mentions).toEqual({
      parse: [],
      roles: [readers],
    });

    const member = discord.fake.userId('member');
    const press = () =>
      discord.fake.interact({
        type: 'button',
        customId: `notify:toggle:${readers}`,
        message: digest,
        user: 'member',
      });
    const first = await press();
    expect(text(first.callback)).toMatch(/You joined @Readers/);
    expect((first.callback.data as { flags?: number }).flags).toBe(64);
    expect(discord.fake.memberRoles(member)).toContain(readers);
    const second = await press();
    expect(text(second.callback)).toMatch(/You left @Readers/);
    expect(discord.fake.memberRoles(member)).not.toContain(readers);
    // The digest itself is untouched by the presses.
    expect(discord.fake.messages(briefings)).toHaveLength(1);
  });

  test('WHEN the role grants a moderator permission THEN /schedule add refuses it, and a role given one after it was chosen is not handed out by Notify me', async () => {
    await start();
    const briefings = discord.fake.channelId('briefings');
    discord.fake.setRolePermissions('Subscribers', PermissionFlagsBits.KickMembers);
    try {
      const kick = await add(briefings, { mention: { type: 8, value: discord.fake.roleId('Subscribers') } });
      expect(kick.id).toBeUndefined();
      expect(kick.reply).toMatch(/it grants Kick Members, and any member could give it to themselves/);
    } finally {
      discord.fake.setRolePermissions('Subscribers', 0n);
    }
    const subscribers = discord.fake.roleId('Subscribers');
    const { id } = await add(briefings, { mention: { type: 8, value: subscribers } });
    if (!id) throw new Error('not saved');
    await runSlot(id);
    const [digest] = discord.fake.messages(briefings);
    discord.fake.setRolePermissions('Subscribers', PermissionFlagsBits.BanMembers);
    try {
      const press = await discord.fake.interact({
        type: 'button',
        customId: `notify:toggle:${subscribers}`,
        message: digest,
        user: 'member',
      });
      expect(text(press.callback)).toMatch(/is not given out by this button: the role grants Ban Members/);
      expect(discord.fake.memberRoles(discord.fake.userId('member'))).not.toContain(subscribers);
    } finally {
      discord.fake.setRolePermissions('Subscribers', 0n);
    }
  });

  test('WHEN the role is @everyone, above the bot, or the bot lacks Manage Roles THEN /schedule add refuses and explains', async () => {
    await start();
    const briefings = discord.fake.channelId('briefings');
    const everyone = await add(briefings, { mention: { type: 8, value: discord.fake.guildId } });
    expect(everyone.id).toBeUndefined();
    expect(everyone.reply).toMatch(/never pings @.?everyone or @.?here/);
    const above = await add(briefings, { mention: { type: 8, value: discord.fake.roleId('Moderators') } });
    expect(above.reply).toMatch(/not below my highest role \(Attaché\)/);
    discord.fake.setRolePermissions(
      'Attaché',
      DEFAULT_BOT_PERMISSIONS | PermissionFlagsBits.ReadMessageHistory,
    );
    try {
      const noManage = await add(briefings, { mention: { type: 8, value: discord.fake.roleId('Readers') } });
      expect(noManage.reply).toMatch(/I need Manage Roles/);
    } finally {
      discord.fake.setRolePermissions(
        'Attaché',
        DEFAULT_BOT_PERMISSIONS |
          PermissionFlagsBits.ReadMessageHistory |
          PermissionFlagsBits.CreatePublicThreads |
          PermissionFlagsBits.SendMessagesInThreads |
          PermissionFlagsBits.ManageRoles,
      );
    }
  });
});

describe('GIVEN an alert channel', () => {
  test('WHEN a channel is deleted and then a role THEN one alert each, however often they fail, and one when a schedule recovers', async () => {
    await start();
    const alerts = discord.fake.channelId('alerts');
    const doomed = discord.fake.channelId('doomed');
    const briefings = discord.fake.channelId('briefings');
    const a = await add(doomed);
    const b = await add(briefings, { mention: { type: 8, value: discord.fake.roleId('Subscribers') } });
    if (!a.id || !b.id) throw new Error('not saved');
    const set = await discord.fake.interact({
      type: 'command',
      name: 'schedule',
      subcommand: 'alerts',
      options: { channel: { type: 7, value: alerts } },
      user: 'admin',
      memberPermissions: MANAGE_GUILD,
    });
    expect(text(set.callback)).toMatch(/Alerts on/);

    const slot = nextSlot('0 * * * *');
    const fireAt = async (id: string, hours: number) => {
      const at = new Date(slot.getTime() + hours * 3_600_000);
      clockAt.ms = at.getTime() + 5_000;
      await clock.fire(id, at);
    };
    discord.fake.removeChannel(doomed);
    await fireAt(a.id, 0);
    await fireAt(a.id, 1);
    const posted = () => discord.fake.messages(alerts);
    expect(posted()).toHaveLength(1);
    expect(JSON.stringify(posted()[0]?.embeds)).toMatch(new RegExp(`Schedule ${a.id}.*is failing`));
    expect(JSON.stringify(posted()[0]?.embeds)).toMatch(/channel not found.*schedule edit id:/);

    discord.fake.removeRole('Subscribers');
    await fireAt(b.id, 0);
    await fireAt(b.id, 1);
    expect(posted()).toHaveLength(2);
    expect(JSON.stringify(posted()[1]?.embeds)).toMatch(/role this schedule pings was deleted.*no_mention/);

    await discord.fake.interact({
      type: 'command',
      name: 'schedule',
      subcommand: 'edit',
      options: { id: b.id, no_mention: true },
      user: 'admin',
      memberPermissions: MANAGE_GUILD,
    });
    await fireAt(b.id, 2);
    await fireAt(b.id, 3);
    expect(posted()).toHaveLength(3);
    expect(JSON.stringify(posted()[2]?.embeds)).toMatch(new RegExp(`Schedule ${b.id}.*has recovered`));
    expect(posted().every((m) => m.mention_roles.length === 0 && !m.mention_everyone)).toBe(true);
  });
});
