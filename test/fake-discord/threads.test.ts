/**
 * The fake's forum posts, threads, crossposts and member roles, over its REST API: what Discord
 * answers, and the refusals a bot must handle (missing tag, second thread, second crosspost, a
 * role above the bot's, no Manage Roles).
 */
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { CROSSPOSTED } from './index.js';
import { DEFAULT_BOT_PERMISSIONS } from './state.js';
import { useFakeDiscord } from './vitest.js';

const discord = useFakeDiscord({
  requireSafeMentions: true,
  guilds: [
    {
      roles: [
        { name: 'Readers', mentionable: true },
        {
          name: 'Attaché',
          permissions:
            DEFAULT_BOT_PERMISSIONS |
            PermissionFlagsBits.ManageRoles |
            PermissionFlagsBits.CreatePublicThreads |
            PermissionFlagsBits.SendMessagesInThreads |
            PermissionFlagsBits.ReadMessageHistory,
        },
        { name: 'Moderators' },
      ],
      botRoles: ['Attaché'],
      channels: [
        { name: 'news', type: ChannelType.GuildAnnouncement },
        { name: 'forum', type: ChannelType.GuildForum, tags: [{ name: 'digest' }], requireTag: true },
      ],
      members: [{ user: { username: 'member' } }],
    },
  ],
});

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${discord.fake.restUrl}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${discord.fake.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
};

const message = { content: 'hello', allowed_mentions: { parse: [] } };

describe('GIVEN a forum that requires a tag', () => {
  test('WHEN a post is created with a tag THEN it is a thread whose starter message has its id, listed as active', async () => {
    const forum = discord.fake.channelId('forum');
    const tag = (await call('GET', `/channels/${forum}`)).body.available_tags as { id: string }[];
    const created = await call('POST', `/channels/${forum}/threads`, {
      name: 'Looking ahead — Wed 2 Dec 2026',
      applied_tags: [tag[0]?.id],
      message,
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((created.body.message as { id: string }).id).toBe(id);
    expect(created.body.applied_tags).toEqual([tag[0]?.id]);
    expect(discord.fake.messages(id)).toHaveLength(1);
    const active = await call('GET', `/guilds/${discord.fake.guildId}/threads/active`);
    expect((active.body.threads as { id: string }[]).map((t) => t.id)).toContain(id);

    discord.fake.archiveThread(id);
    const archived = await call('GET', `/channels/${forum}/threads/archived/public`);
    expect((archived.body.threads as { id: string }[]).map((t) => t.id)).toEqual([id]);
  });

  test('WHEN a post has no tag, an unknown tag, or a message to the forum itself THEN Discord refuses each', async () => {
    const forum = discord.fake.channelId('forum');
    expect((await call('POST', `/channels/${forum}/threads`, { name: 'x', message })).body.code).toBe(40067);
    const unknown = await call('POST', `/channels/${forum}/threads`, {
      name: 'x',
      applied_tags: ['1'],
      message,
    });
    expect(unknown.status).toBe(400);
    expect((await call('POST', `/channels/${forum}/messages`, message)).body.code).toBe(50024);
    const badName = await call('POST', `/channels/${forum}/threads`, { name: '', message });
    expect(badName.status).toBe(400);
    expect(discord.fake.takeViolations().map((v) => v.kind)).toEqual(['payload']);
  });
});

describe('GIVEN an announcement channel', () => {
  test('WHEN a message is crossposted twice THEN the second is refused with 40033 and the flag is set once', async () => {
    const news = discord.fake.channelId('news');
    const posted = await call('POST', `/channels/${news}/messages`, message);
    const id = String(posted.body.id);
    expect((await call('POST', `/channels/${news}/messages/${id}/crosspost`)).status).toBe(200);
    expect((await call('POST', `/channels/${news}/messages/${id}/crosspost`)).body.code).toBe(40033);
    expect((discord.fake.messages(news)[0]?.flags ?? 0) & CROSSPOSTED).toBe(CROSSPOSTED);
  });

  test('WHEN a thread is started from a message twice THEN it has the message id and the second gets 160004', async () => {
    const news = discord.fake.channelId('news');
    const id = String((await call('POST', `/channels/${news}/messages`, message)).body.id);
    const thread = await call('POST', `/channels/${news}/messages/${id}/threads`, {
      name: 'Discuss',
      auto_archive_duration: 1440,
    });
    expect(thread.body.id).toBe(id);
    expect(thread.body.type).toBe(ChannelType.AnnouncementThread);
    expect(
      (await call('POST', `/channels/${news}/messages/${id}/threads`, { name: 'Discuss' })).body.code,
    ).toBe(160004);
    const wrong = await call('POST', `/channels/${news}/messages/${id}/threads`, {
      name: 'Discuss',
      auto_archive_duration: 30,
    });
    expect(wrong.status).toBe(400);
    expect(discord.fake.takeViolations().map((v) => v.kind)).toEqual(['payload']);
  });

  test('WHEN a body lists a role it does not ping THEN it is a mentions violation; listing the pinged role is not', async () => {
    const news = discord.fake.channelId('news');
    const role = discord.fake.roleId('Readers');
    await call('POST', `/channels/${news}/messages`, {
      content: `<@&${role}> hello`,
      allowed_mentions: { parse: [], roles: [role] },
    });
    expect(discord.fake.messages(news).at(-1)?.mention_roles).toEqual([role]);
    await call('POST', `/channels/${news}/messages`, {
      content: 'hi',
      allowed_mentions: { parse: [], roles: [role] },
    });
    expect(discord.fake.takeViolations().map((v) => v.kind)).toEqual(['mentions']);
  });
});

describe('GIVEN roles below and above the bot', () => {
  test('WHEN the bot adds and removes a role below its own THEN the member holds it, then not', async () => {
    const guild = discord.fake.guildId;
    const member = discord.fake.userId('member');
    const role = discord.fake.roleId('Readers');
    expect((await call('PUT', `/guilds/${guild}/members/${member}/roles/${role}`)).status).toBe(204);
    expect(discord.fake.memberRoles(member)).toContain(role);
    expect((await call('DELETE', `/guilds/${guild}/members/${member}/roles/${role}`)).status).toBe(204);
    expect(discord.fake.memberRoles(member)).not.toContain(role);
  });

  test('WHEN the role is above the bot, deleted, or the bot lacks Manage Roles THEN Discord refuses', async () => {
    const guild = discord.fake.guildId;
    const member = discord.fake.userId('member');
    const above = discord.fake.roleId('Moderators');
    expect((await call('PUT', `/guilds/${guild}/members/${member}/roles/${above}`)).body.code).toBe(50013);
    const role = discord.fake.roleId('Readers');
    discord.fake.setRolePermissions('Attaché', DEFAULT_BOT_PERMISSIONS);
    expect((await call('PUT', `/guilds/${guild}/members/${member}/roles/${role}`)).body.code).toBe(50013);
    discord.fake.removeRole('Readers');
    expect((await call('PUT', `/guilds/${guild}/members/${member}/roles/${role}`)).body.code).toBe(10011);
  });
});
