/**
 * /schedule history, export and import through the real registry, on a memory store, with a
 * Poster that knows each guild's channels (as Discord's does).
 */
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CommandContext, RawOptions } from '../../commands/index.js';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import { isUserError } from '../../src/errors.js';
import { invokeButton, invokeCommand, loadCommands, type Registry } from '../../src/registry.js';
import type { Reply } from '../../src/render/index.js';
import { defaultLibrary, digestOptions, type FakePoster, fakePoster } from '../digest/fixtures.js';
import { assertWithinDiscordLimits } from '../render/discord-limits.js';

const ADMIN = 0x20n;
const library = defaultLibrary();
const G1 = '111111111111111111';
const G2 = '222222222222222222';
/** Each guild's channels; the same names, other ids. */
const CHANNELS: Record<string, { id: string; name: string }[]> = {
  [G1]: [
    { id: '100000000000000001', name: 'briefings' },
    { id: '100000000000000002', name: 'news' },
    { id: '100000000000000003', name: 'digests' },
  ],
  [G2]: [
    { id: '200000000000000001', name: 'briefings' },
    { id: '200000000000000002', name: 'news' },
    { id: '200000000000000003', name: 'digests' },
  ],
};
/** A thread of #briefings in the second guild: no place for a schedule. */
const THREAD_IN_G2 = '200000000000000009';
/** Each guild's roles a digest may ping: the same name in other case, another id. */
const ROLES: Record<string, { id: string; name: string }[]> = {
  [G1]: [{ id: '500000000000000001', name: 'Digest readers' }],
  [G2]: [
    { id: '600000000000000001', name: 'digest readers' },
    { id: '600000000000000002', name: 'Moderators' },
  ],
};
/** The #digests forums: the same tag names, other ids. */
const FORUM_TAGS: Record<string, { id: string; name: string }[]> = {
  '100000000000000003': [{ id: '300000000000000001', name: 'Weekly' }],
  '200000000000000003': [
    { id: '400000000000000001', name: 'Daily' },
    { id: '400000000000000002', name: 'weekly' },
  ],
};

let registry: Registry;
beforeAll(async () => {
  registry = await loadCommands();
});
let running: DigestRuntime[] = [];
afterEach(async () => {
  for (const d of running) await d.stop();
  running = [];
});

async function setup(options: { maxPerGuild?: number } = {}) {
  const poster: FakePoster = fakePoster();
  poster.check = async (guildId, channelId) => {
    if (channelId === THREAD_IN_G2 && guildId === G2) return { ok: true, kind: 'thread' };
    if (!CHANNELS[guildId]?.some((c) => c.id === channelId)) return { ok: false, reason: 'channel-gone' };
    const tags = FORUM_TAGS[channelId];
    return tags
      ? { ok: true, kind: 'forum', forum: { tags, requireTag: false } }
      : { ok: true, kind: 'text' };
  };
  poster.channels = async (guildId) => CHANNELS[guildId] ?? [];
  poster.roles = async (guildId) => ROLES[guildId] ?? [];
  poster.roleCheck = async (guildId, roleId) => {
    const found = ROLES[guildId]?.find((r) => r.id === roleId);
    if (!found) return { ok: false, reason: 'role-gone' };
    return found.name === 'Moderators'
      ? {
          ok: false,
          reason: 'not-manageable',
          name: found.name,
          problems: ['my role must be above @Moderators'],
        }
      : { ok: true, name: found.name };
  };
  const digests = await createDigestRuntime(
    digestOptions({ poster, library: () => library, maxPerGuild: options.maxPerGuild ?? 25 }),
  );
  running.push(digests);
  const ctx = (guildId = G1): CommandContext => ({
    library,
    now: () => new Date(),
    random: () => 0.5,
    guildId,
    channelId: 'c0',
    userId: 'u1',
    memberPermissions: ADMIN,
    locale: 'en-GB',
    services: { schedules: digests.schedules },
  });
  const call = async (raw: RawOptions, guildId = G1) => {
    const reply = await invokeCommand(registry, 'schedule', raw, ctx(guildId));
    assertWithinDiscordLimits(reply);
    return reply;
  };
  const press = async (reply: Reply, label: string, guildId = G1) => {
    const button = (reply.components ?? [])
      .flatMap((r) => r.components)
      .find((b) => 'label' in b && b.label === label);
    if (!button || !('custom_id' in button)) throw new Error(`no button ${label}`);
    const next = await invokeButton(registry, button.custom_id, ctx(guildId));
    assertWithinDiscordLimits(next);
    return next;
  };
  const add = async (raw: RawOptions, guildId = G1) => {
    const reply = await call({ subcommand: 'add', ...raw }, guildId);
    return /Schedule ([a-z0-9]{6}) /.exec(reply.embeds?.[0]?.title ?? '')?.[1] ?? '';
  };
  const file = (content: string) => ({ name: 'schedules.yaml', size: content.length, content });
  const importFile = (content: string, guildId = G1) =>
    call({ subcommand: 'import', file: file(content) }, guildId);
  const exported = async (guildId = G1) => {
    const reply = await call({ subcommand: 'export' }, guildId);
    const content = reply.files?.[0]?.content;
    if (!content) throw new Error('no file');
    return { reply, content };
  };
  return { digests, poster, call, press, add, importFile, exported };
}

const text = (reply: Reply): string =>
  [
    reply.content ?? '',
    ...(reply.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ]
    .join('\n')
    .replace(/\u200b/g, '');

/** What an admin set, without ids, stamps or runs: what a round trip must keep. */
const settings = (
  list: {
    channelName?: string;
    when: string;
    timezone: string;
    themes: string[];
    format: string;
    skipIfEmpty: boolean;
    paused: boolean;
  }[],
) =>
  list.map((s) => ({
    channel: s.channelName,
    when: s.when,
    timezone: s.timezone,
    themes: s.themes,
    format: s.format,
    skipIfEmpty: s.skipIfEmpty,
    paused: s.paused,
  }));

const briefings = { id: CHANNELS[G1]?.[0]?.id ?? '', name: 'briefings' };
const news = { id: CHANNELS[G1]?.[1]?.id ?? '', name: 'news' };

describe('/schedule history', () => {
  test('GIVEN a run by hand, a failure and a run of unknown outcome WHEN the history is asked THEN each shows, newest first, with its outcome', async () => {
    const { call, add, digests } = await setup();
    const id = await add({ channel: briefings, when: 'daily 08:00', skip_if_empty: false });
    await call({ subcommand: 'run-now', id });
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    for (const [minutes, reason] of [
      [1, 'missing permission: Send Messages'],
      [
        2,
        "outcome unknown: pending since 2026-03-01T08:00:00.000Z, past Discord's nonce window; not resent to avoid a duplicate",
      ],
    ] as const) {
      const slot = later(minutes);
      await digests.store.ledgerSet({
        key: `${G1}:${id}:${slot}`,
        guildId: G1,
        scheduleId: id,
        slot,
        status: 'failed',
        late: minutes === 1,
        reason,
        nonce: 'n',
        attempts: 1,
        createdAt: slot,
        updatedAt: slot,
      });
    }
    const reply = await call({ subcommand: 'history', id });
    const shown = text(reply);
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds?.[0]?.title).toBe(`Runs of schedule ${id}`);
    // The fake poster's message ids are no snowflakes: the id shows instead of a link.
    expect(shown).toContain('✅ sent (by hand) · message m1');
    expect(shown).toContain('❌ failed (late): missing permission: Send Messages');
    expect(shown).toContain('❔ outcome unknown: pending since');
    expect(shown.indexOf('❔')).toBeLessThan(shown.indexOf('❌'));
    expect(shown.indexOf('❌')).toBeLessThan(shown.indexOf('✅'));
  });

  test('GIVEN a schedule of another server WHEN its history is asked THEN it is not found', async () => {
    const { call, add } = await setup();
    const id = await add({ channel: briefings, when: 'daily 08:00' });
    const error = await call({ subcommand: 'history', id }, G2).catch((e: unknown) => e);
    expect(isUserError(error) && error.message).toContain(`no schedule "${id}" in this server`);
  });

  test('GIVEN 30 recorded runs WHEN the history is paged THEN the last 25 show, ten a page, with Previous and Next', async () => {
    const { call, add, digests, press } = await setup();
    const id = await add({ channel: briefings, when: 'daily 08:00' });
    for (let day = 1; day <= 30; day++) {
      const slot = new Date(Date.UTC(2026, 0, day, 7)).toISOString();
      await digests.store.ledgerSet({
        key: `${G1}:${id}:${slot}`,
        guildId: G1,
        scheduleId: id,
        slot,
        status: day % 2 ? 'sent' : 'skipped',
        ...(day % 2
          ? { messageId: `9000000000000000${String(day).padStart(2, '0')}` }
          : { reason: 'missed while the bot was offline' }),
        nonce: 'n',
        attempts: 1,
        createdAt: slot,
        updatedAt: slot,
      });
    }
    const first = await call({ subcommand: 'history', id });
    expect(first.embeds?.[0]?.footer?.text).toContain('Page 1 of 3');
    expect(text(first)).toContain(
      `<t:${Date.UTC(2026, 0, 30, 7) / 1000}:f> · ⏭️ skipped: missed while the bot was offline`,
    );
    const second = await press(first, 'Next ▶');
    expect(second.embeds?.[0]?.footer?.text).toContain('Page 2 of 3');
    expect(text(second)).toContain(
      `✅ sent · [message](https://discord.com/channels/${G1}/100000000000000001/900000000000000019)`,
    );
    const third = await press(second, 'Next ▶');
    const lines = (third.embeds?.[0]?.description ?? '').split('\n').filter((l) => l.startsWith('<t:'));
    expect(lines).toHaveLength(5);
    // The oldest of the 25: day 6.
    expect(lines.at(-1)).toContain(`<t:${Date.UTC(2026, 0, 6, 7) / 1000}:f>`);
  });
});

describe('/schedule export and import', () => {
  test('GIVEN two schedules WHEN exported THEN the reply attaches a YAML file with every setting, channel ids with their names', async () => {
    const { add, exported } = await setup();
    await add({ channel: briefings, when: 'daily 08:00' });
    await add({
      channel: news,
      when: 'weekly mon 09:00',
      themes: 'outlook',
      format: 'full',
      skip_if_empty: false,
    });
    const { reply, content } = await exported();
    expect(reply.ephemeral).toBe(true);
    expect(reply.files?.[0]?.name).toBe(`schedules-${G1}.yaml`);
    expect(content).toContain(`guild: "${G1}"`);
    expect(content).toContain('id: "100000000000000002"\n      name: news');
    expect(content).toContain('when: weekly mon 09:00');
    expect(content).toContain('themes:\n      - outlook');
    expect(content).toContain('skip_if_empty: false');
  });

  test('GIVEN an export WHEN it is imported into another server THEN a preview lists the additions with names mapped, and Confirm adds the same schedules', async () => {
    const { add, exported, importFile, press, digests, call } = await setup();
    await add({ channel: briefings, when: 'daily 08:00' });
    await add({
      channel: news,
      when: 'weekly mon 09:00',
      themes: 'outlook',
      format: 'full',
      skip_if_empty: false,
    });
    await call({ subcommand: 'pause', id: (await digests.schedules.schedules?.(G1))?.[1]?.id ?? '' });
    const { content } = await exported();
    const preview = await importFile(content, G2);
    const shown = text(preview);
    expect(preview.embeds?.[0]?.title).toBe('Import preview: 2 to add, 0 to update, 0 unchanged');
    expect(shown).toContain('Import merges');
    expect(shown).toContain('matched by name; 100000000000000001 in the file');
    expect(await digests.store.readGuild(G2)).toEqual([]);
    const done = await press(preview, 'Confirm', G2);
    expect(done.embeds?.[0]?.title).toBe('Imported: 2 added, 0 updated');
    const copied = await digests.store.readGuild(G2);
    expect(settings(copied)).toEqual(settings(await digests.store.readGuild(G1)));
    expect(copied.map((s) => s.channelId)).toEqual(['200000000000000001', '200000000000000002']);
    expect(copied.every((s) => s.guildId === G2)).toBe(true);
    // The round trip: the copy exports to what the original did, but for the server and channels.
    const again = (await exported(G2)).content;
    const neutral = (yaml: string) =>
      yaml
        .replace(/exported_at: .*/, '')
        .replace(/[12](0000000000000000[12]|11111111111111111|22222222222222222)/g, 'X');
    expect(neutral(again)).toEqual(neutral(content));
  });

  test("GIVEN a server with an alert channel WHEN schedules are imported into it THEN the added ones take the server's alert channel, and the file holds none", async () => {
    const { add, exported, importFile, press, digests } = await setup();
    await add({ channel: briefings, when: 'daily 08:00' });
    await digests.schedules.setAlerts?.(G1, { id: news.id, name: 'news' });
    const { content } = await exported();
    expect(content).not.toContain('alerts');
    const there = { id: CHANNELS[G2]?.[0]?.id ?? '', name: 'briefings' };
    await add({ channel: there, when: 'daily 06:00' }, G2);
    const alerts = { id: CHANNELS[G2]?.[1]?.id ?? '', name: 'news' };
    await digests.schedules.setAlerts?.(G2, alerts);
    await press(await importFile(content, G2), 'Confirm', G2);
    const all = await digests.store.readGuild(G2);
    expect(all).toHaveLength(2);
    expect(all.map((s) => s.alerts?.channelId)).toEqual([alerts.id, alerts.id]);
  });

  test('GIVEN an export of this server WHEN imported back unchanged THEN nothing would change, and there is nothing to confirm', async () => {
    const { add, exported, importFile, digests } = await setup();
    const stashed: string[] = [];
    const stashSet = digests.store.stashSet.bind(digests.store);
    digests.store.stashSet = (key, value, ttl) => {
      stashed.push(key);
      return stashSet(key, value, ttl);
    };
    await add({ channel: briefings, when: 'daily 08:00' });
    const preview = await importFile((await exported()).content);
    expect(preview.embeds?.[0]?.title).toBe('Import preview: nothing would change');
    expect(preview.components ?? []).toEqual([]);
    expect(stashed).toEqual([]);
  });

  test('GIVEN an export edited to change one schedule WHEN imported back THEN the preview names what changes, and Confirm updates it in place', async () => {
    const { add, exported, importFile, press, digests } = await setup();
    const id = await add({ channel: briefings, when: 'daily 08:00' });
    const edited = (await exported()).content
      .replace('daily 08:00', 'daily 09:30')
      .replace('format: brief', 'format: full');
    const preview = await importFile(edited);
    expect(text(preview)).toContain(`✏️ update** \`${id}\` (when, format)`);
    await press(preview, 'Confirm');
    const [s] = await digests.store.readGuild(G1);
    expect(s).toMatchObject({ id, when: 'daily 09:30', format: 'full' });
  });

  test('GIVEN a preview WHEN another admin edits that schedule before Confirm THEN nothing is imported, and the edit stays', async () => {
    const { add, exported, importFile, press, call, digests } = await setup();
    const id = await add({ channel: briefings, when: 'daily 08:00' });
    const preview = await importFile((await exported()).content.replace('daily 08:00', 'daily 09:30'));
    await call({ subcommand: 'edit', id, when: 'daily 17:00' });
    const confirmed = await press(preview, 'Confirm').catch((e: unknown) => e);
    expect(isUserError(confirmed) ? confirmed.message : confirmed).toMatch(
      new RegExp(`schedule ${id} was changed after the preview, so nothing was imported`),
    );
    const [s] = await digests.store.readGuild(G1);
    expect(s?.when).toBe('daily 17:00');
  });

  test('GIVEN a preview WHEN Cancel is pressed, or Confirm twice THEN cancel changes nothing and a second Confirm says the import is no longer waiting', async () => {
    const { add, exported, importFile, press, digests } = await setup();
    await add({ channel: briefings, when: 'daily 08:00' });
    const { content } = await exported();
    const cancelled = await press(await importFile(content, G2), 'Cancel', G2);
    expect(cancelled.content).toBe('Import cancelled: nothing was changed.');
    expect(await digests.store.readGuild(G2)).toEqual([]);
    const preview = await importFile(content, G2);
    await press(preview, 'Confirm', G2);
    const second = await press(preview, 'Confirm', G2);
    expect(second.content).toContain('no longer waiting');
    expect(await digests.store.readGuild(G2)).toHaveLength(1);
  });

  test('GIVEN a forum schedule with a tag and a schedule with a thread WHEN exported and imported into another server THEN the tag is matched by name and the thread kept', async () => {
    const { add, exported, importFile, press, digests } = await setup();
    const forum = { id: CHANNELS[G1]?.[2]?.id ?? '', name: 'digests' };
    await add({ channel: forum, when: 'weekly mon 09:00', tags: 'Weekly' });
    await add({ channel: briefings, when: 'daily 08:00', thread: true });
    const { content } = await exported();
    expect(content).toContain('tags:\n      - id: "300000000000000001"\n        name: Weekly');
    expect(content).toContain('thread: true');
    const preview = await importFile(content, G2);
    expect(text(preview)).toContain('tags weekly');
    expect(text(preview)).toContain('a thread each');
    await press(preview, 'Confirm', G2);
    const copied = await digests.store.readGuild(G2);
    expect(copied.every((s) => s.alerts === undefined)).toBe(true);
    expect(copied.map((s) => [s.channelId, s.tags, s.thread])).toEqual([
      ['200000000000000003', [{ id: '400000000000000002', name: 'weekly' }], undefined],
      ['200000000000000001', undefined, true],
    ]);
    const unknownTag = content.replace('name: Weekly', 'name: Monthly');
    const refused = await importFile(unknownTag, G2);
    // The problem points into the tags (their first item; a tag is id and name on two lines).
    const tagsLine = unknownTag.split('\n').findIndex((l) => l.trim() === 'tags:') + 2;
    expect(refused.embeds?.[0]?.description).toContain(
      `line ${tagsLine} · \`schedules[0].tags\` — the forum has no tag "Monthly"`,
    );
  });

  test('GIVEN a schedule that pings a role WHEN exported and imported into another server THEN the role is matched by name, and a role the bot cannot hand out is a problem at its line', async () => {
    const { add, exported, importFile, press, digests } = await setup();
    await add({ channel: briefings, when: 'daily 08:00', mention: '500000000000000001' });
    const { content } = await exported();
    expect(content).toContain('mention:\n      id: "500000000000000001"\n      name: Digest readers');
    const preview = await importFile(content, G2);
    expect(text(preview)).toContain(
      'pings @digest readers (matched by name; 500000000000000001 in the file)',
    );
    await press(preview, 'Confirm', G2);
    expect((await digests.store.readGuild(G2))[0]?.mention).toEqual({
      roleId: '600000000000000001',
      name: 'digest readers',
    });

    const lines = content.split('\n');
    const mentionLine = lines.findIndex((l) => l.trim() === 'mention:') + 2;
    const moderators = await importFile(content.replace('500000000000000001', '600000000000000002'), G2);
    expect(moderators.embeds?.[0]?.description).toContain(
      `line ${mentionLine} · \`schedules[0].mention.id\``,
    );
    expect(moderators.embeds?.[0]?.description).toContain('my role must be above @Moderators');
    const nobody = await importFile(content.replace('name: Digest readers', 'name: Nobody'), G2);
    expect(nobody.embeds?.[0]?.fields?.[0]?.value).toContain('@Nobody');
    expect(await digests.store.readGuild(G2)).toHaveLength(1);
  });

  const header = `version: 1\nguild: "${G2}"\nschedules:\n`;
  test.each([
    [
      'an impossible time',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 25:00\n    timezone: UTC\n`,
      5,
      'schedules[0].when',
      /25:00/,
    ],
    [
      'a zone that does not exist',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: Mars/Olympus\n`,
      6,
      'schedules[0].timezone',
      /Mars\/Olympus/,
    ],
    [
      'an unknown theme',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n    themes: [outlook, cooking]\n`,
      7,
      'schedules[0].themes[1]',
      /unknown theme "cooking"/,
    ],
    [
      'an unknown field',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n    colour: red\n`,
      7,
      'schedules[0].colour',
      /unknown field "colour"/,
    ],
    [
      'an id written as a number',
      `${header}  - channel: { id: 100000000000000001, name: briefings }\n    when: daily 08:00\n    timezone: UTC\n`,
      4,
      'schedules[0].channel.id',
      /put the id in quotes/,
    ],
    [
      'a missing when',
      `${header}  - channel: { id: "1", name: briefings }\n    timezone: UTC\n`,
      4,
      'schedules[0].when',
      /missing required field "when"/,
    ],
    [
      'a format that does not exist',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n    format: huge\n`,
      7,
      'schedules[0].format',
      /must be one of "brief", "full"/,
    ],
    [
      'a yes/no that is text',
      `${header}  - channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n    paused: maybe\n`,
      7,
      'schedules[0].paused',
      /expected true or false/,
    ],
    [
      'a channel with no match',
      `${header}  - channel: { id: "1", name: lounge }\n    when: daily 08:00\n    timezone: UTC\n`,
      4,
      'schedules[0].channel.id',
      /no channel 1 or named #lounge/,
    ],
    [
      'the id of a thread',
      `${header}  - channel: { id: "${THREAD_IN_G2}", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n`,
      4,
      'schedules[0].channel.id',
      /#briefings is a thread: pick a text, an announcement or a forum channel/,
    ],
    [
      'an id twice',
      `${header}  - id: abcd12\n    channel: { id: "1", name: briefings }\n    when: daily 08:00\n    timezone: UTC\n  - id: abcd12\n    channel: { id: "1", name: news }\n    when: daily 09:00\n    timezone: UTC\n`,
      8,
      'schedules[1].id',
      /also schedule 1/,
    ],
    [
      'a YAML syntax error',
      `${header}  - channel: { id: "1", name: briefings\n    when: daily 08:00\n`,
      5,
      'schedules[0].when',
      /YAML syntax/,
    ],
    [
      'a wrong version',
      'version: 2\nschedules: []\n',
      1,
      'version',
      /must be one of 1, found a number \(2\)/,
    ],
  ])(
    'GIVEN a file with %s WHEN imported THEN the problem names its line and field, and nothing is imported',
    async (_what, content, line, field, message) => {
      const { importFile, digests } = await setup();
      const reply = await importFile(content, G2);
      expect(reply.embeds?.[0]?.title).toMatch(/^Nothing imported: 1 problem in the file/);
      const description = reply.embeds?.[0]?.description ?? '';
      expect(description).toContain(`line ${line} · \`${field}\``);
      expect(description.replace(/\\/g, '')).toMatch(message);
      expect(reply.components ?? []).toEqual([]);
      expect(await digests.store.readGuild(G2)).toEqual([]);
    },
  );

  test('GIVEN channels with no match WHEN imported THEN every unmatched channel is listed', async () => {
    const { importFile } = await setup();
    const reply = await importFile(
      `${header}  - channel: { id: "1", name: lounge }\n    when: daily 08:00\n    timezone: UTC\n  - channel: { id: "2", name: ops }\n    when: daily 08:00\n    timezone: UTC\n`,
      G2,
    );
    expect(reply.embeds?.[0]?.fields?.[0]?.value).toContain('#lounge, #ops');
  });

  test('GIVEN a file with one good schedule and one bad line WHEN imported THEN nothing at all is applied', async () => {
    const { add, exported, importFile, digests } = await setup();
    await add({ channel: briefings, when: 'daily 08:00' });
    const bad = `${(await exported()).content}  - channel: { id: "1", name: briefings }\n    when: every now and then\n    timezone: UTC\n`;
    const reply = await importFile(bad, G2);
    expect(text(reply)).toMatch(/line \d+ · `schedules\[1\]\.when`/);
    expect(await digests.store.readGuild(G2)).toEqual([]);
  });

  test('GIVEN a server near its cap WHEN an import would pass it THEN nothing is imported, at the preview or, if the cap is reached meanwhile, at Confirm', async () => {
    const { add, exported, importFile, press, digests } = await setup({ maxPerGuild: 3 });
    await add({ channel: briefings, when: 'daily 08:00' });
    await add({ channel: news, when: 'daily 09:00' });
    const { content } = await exported();
    const there = { id: CHANNELS[G2]?.[0]?.id ?? '', name: 'briefings' };
    await add({ channel: there, when: 'daily 10:00' }, G2);
    await add({ channel: there, when: 'daily 11:00' }, G2);
    const refused = await importFile(content, G2);
    expect(text(refused)).toContain('would give this server 4 schedules, the limit is 3');
    // One fits now; a schedule added before the click fills the cap.
    const one = content.replace(/ {2}- id: [\s\S]*?(?= {2}- id: )/, '');
    await digests.schedules.remove(G2, (await digests.store.readGuild(G2))[1]?.id ?? '');
    const preview = await importFile(one, G2);
    expect(preview.embeds?.[0]?.title).toBe('Import preview: 1 to add, 0 to update, 0 unchanged');
    await add({ channel: there, when: 'daily 12:00' }, G2);
    await add({ channel: there, when: 'daily 13:00' }, G2);
    const error = await press(preview, 'Confirm', G2).catch((e: unknown) => e);
    expect(isUserError(error) && error.message).toContain('the limit is 3, so nothing was imported');
    expect((await digests.store.readGuild(G2)).map((s) => s.when)).toEqual([
      'daily 10:00',
      'daily 12:00',
      'daily 13:00',
    ]);
  });
});
