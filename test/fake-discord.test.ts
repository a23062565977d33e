/**
 * The fake Discord, driven by a real discord.js Client: if these pass, the e2e suite and the
 * benchmarks can trust what the fake accepts, refuses and records.
 */
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  ChannelType,
  type Client,
  DiscordAPIError,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type SendableChannels,
} from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { loginClient } from './fake-discord/client.js';
import { type FakeDiscord, type InteractOptions, startFakeDiscord } from './fake-discord/index.js';
import { expectClean, useFakeDiscord } from './fake-discord/vitest.js';

type Handler = (i: Interaction) => Promise<void>;

/** A bot stand-in: the test sets what it does with the next interactions; errors are kept. */
const stubBot = (client: Client) => {
  const state: { handler: Handler; errors: unknown[] } = { handler: async () => {}, errors: [] };
  client.on('interactionCreate', (i) => {
    state.handler(i).catch((err: unknown) => state.errors.push(err));
  });
  return state;
};

const sendable = (client: Client, channelId: string): SendableChannels => {
  const channel = client.channels.cache.get(channelId);
  if (!channel?.isSendable()) throw new Error(`channel ${channelId} is not sendable`);
  return channel;
};

const apiError = async (promise: Promise<unknown>): Promise<DiscordAPIError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DiscordAPIError)) throw new Error(`expected a DiscordAPIError, got ${String(err)}`);
  return err;
};

const definitions: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: 'theme',
    description: 'What the briefings say on one theme',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'theme',
        description: 'Theme',
        required: true,
        autocomplete: true,
      },
      { type: ApplicationCommandOptionType.Integer, name: 'page', description: 'Page', min_value: 1 },
    ],
  },
  {
    name: 'schedule',
    description: 'Digest schedules',
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'add',
        description: 'Add a schedule',
        options: [
          {
            type: ApplicationCommandOptionType.Channel,
            name: 'channel',
            description: 'Where',
            required: true,
            channel_types: [ChannelType.GuildText],
          },
          { type: ApplicationCommandOptionType.String, name: 'when', description: 'When', required: true },
          { type: ApplicationCommandOptionType.Boolean, name: 'skip_if_empty', description: 'Skip' },
        ],
      },
    ],
  },
];

describe('GIVEN a logged-in discord.js client and the default guild', () => {
  const ctx = useFakeDiscord({ requireSafeMentions: true });
  let client: Client;
  let bot: ReturnType<typeof stubBot>;
  let fake: FakeDiscord;

  beforeAll(async () => {
    fake = ctx.fake;
    client = await loginClient(fake);
    bot = stubBot(client);
    // Registration goes through the fake too, so interactions get typed options from it.
    await client.application?.commands.set(definitions, fake.guildId);
  });
  beforeEach(() => {
    bot.errors.length = 0;
    bot.handler = async () => {};
  });
  afterAll(async () => {
    await client.destroy();
    expect(fake.sessions()).toBe(0);
  });

  test('THEN the client sees the guild, its channels and its own permissions from GUILD_CREATE', () => {
    const guild = client.guilds.cache.get(fake.guildId);
    const general = guild?.channels.cache.get(fake.channelId('general'));
    const me = guild?.members.me;
    expect(me?.id).toBe(fake.bot.id);
    expect(general && me && general.permissionsFor(me)?.has(PermissionFlagsBits.EmbedLinks)).toBe(true);
  });

  test('WHEN commands are registered globally THEN they are kept apart from guild commands', async () => {
    const [first] = definitions;
    if (!first) throw new Error('no definition');
    await client.application?.commands.set([first]);
    expect(fake.commands().map((c) => c.name)).toEqual(['theme']);
    expect(fake.commands().every((c) => c.guild_id === undefined)).toBe(true);
    expect(fake.commands(fake.guildId)).toHaveLength(2);
  });

  test('WHEN commands are registered THEN the fake stores them with ids and keeps ids on re-registration', async () => {
    const first = fake.commands(fake.guildId).map((c) => [c.name, c.id]);
    expect(first.map(([name]) => name)).toEqual(['theme', 'schedule']);
    await client.application?.commands.set(definitions, fake.guildId);
    expect(fake.commands(fake.guildId).map((c) => [c.name, c.id])).toEqual(first);
  });

  test('WHEN a command arrives and the bot replies THEN the callback is accepted and typed options arrive', async () => {
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      const page = i.options.getInteger('page');
      await i.reply({ content: `${i.options.getString('theme')} p${page} ${typeof page}` });
    };
    const answer = await fake.interact({
      type: 'command',
      name: 'theme',
      options: { theme: 'security', page: 2 },
    });
    expect(answer.accepted).toBe(true);
    expect(answer.callback).toMatchObject({ type: 4, data: { content: 'security p2 number' } });
    expect(answer.reply?.content).toBe('security p2 number');
    expect(fake.messages(fake.channelId('general'))).toEqual([]);
    expect(fake.messages(fake.channelId('general'), { includeInteractions: true })).toHaveLength(1);
  });

  test('WHEN the bot defers and then edits THEN the deferral is a loading message that the edit fills', async () => {
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({ embeds: [{ title: 'Briefing', description: 'Done' }] });
    };
    const answer = await fake.interact({ type: 'command', name: 'theme', options: { theme: 'economy' } });
    expect(answer.callback).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    const reply = await answer.waitForReply();
    expect(reply.embeds[0]?.title).toBe('Briefing');
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(answer.edits).toHaveLength(1);
  });

  test('WHEN a subcommand with a channel option arrives THEN it is resolved and member permissions pass through', async () => {
    const seen: unknown[] = [];
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      const channel = i.options.getChannel('channel', true);
      seen.push(
        i.options.getSubcommand(),
        channel.id,
        i.options.getBoolean('skip_if_empty'),
        i.memberPermissions?.has(PermissionFlagsBits.ManageGuild),
      );
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
    };
    const briefings = fake.channelId('briefings');
    await fake.interact({
      type: 'command',
      name: 'schedule',
      subcommand: 'add',
      options: { channel: briefings, when: 'daily 08:00', skip_if_empty: false },
      user: 'admin',
      memberPermissions: PermissionFlagsBits.ManageGuild,
    });
    expect(seen).toEqual(['add', briefings, false, true]);
  });

  test.each<[string, Omit<InteractOptions, 'type'>, RegExp]>([
    [
      'an unknown option',
      { name: 'theme', options: { theme: 'x', colour: 'red' } },
      /unknown option "colour"/,
    ],
    ['a missing required option', { name: 'theme', options: { page: 1 } }, /required option "theme" missing/],
    ['no subcommand', { name: 'schedule' }, /needs a subcommand \(add\)/],
    ['an unknown subcommand', { name: 'schedule', subcommand: 'purge' }, /no subcommand "purge"/],
    [
      'a channel that does not exist',
      { name: 'schedule', subcommand: 'add', options: { channel: '123', when: 'daily 08:00' } },
      /no channel 123 in this guild/,
    ],
  ])(
    'WHEN a test sends %s to a registered command THEN interact refuses as Discord would',
    async (_, opts, error) => {
      await expect(fake.interact({ type: 'command', ...opts })).rejects.toThrow(error);
    },
  );

  test('WHEN autocomplete answers THEN the choices come back, and 26 choices are a violation', async () => {
    let count = 3;
    bot.handler = async (i) => {
      if (!i.isAutocomplete()) return;
      const typed = i.options.getFocused();
      await i.respond(
        Array.from({ length: count }, (_, n) => ({ name: `${typed} ${n}`, value: `${typed}-${n}` })),
      );
    };
    const ok = await fake.interact({ type: 'autocomplete', name: 'theme', options: { theme: 'sec' } });
    expect(ok.callback.type).toBe(8);
    expect(ok.callback.data?.choices?.map((c) => c.value)).toEqual(['sec-0', 'sec-1', 'sec-2']);

    count = 26;
    const tooMany = await fake.interact({ type: 'autocomplete', name: 'theme', options: { theme: 'sec' } });
    expect(tooMany.accepted).toBe(false);
    expect(fake.takeViolations().flatMap((v) => v.problems.map((p) => p.path))).toEqual(['data.choices']);
  });

  test('WHEN a button on a reply is pressed and the bot updates THEN the same message changes', async () => {
    bot.handler = async (i) => {
      if (i.isChatInputCommand()) {
        await i.reply({
          content: 'page 1',
          components: [
            {
              type: 1,
              components: [{ type: 2, style: ButtonStyle.Primary, label: 'Next', custom_id: 'theme:page:2' }],
            },
          ],
        });
      } else if (i.isButton()) {
        await i.update({ content: `page ${i.customId.split(':')[2]}`, components: [] });
      }
    };
    const first = await fake.interact({ type: 'command', name: 'theme', options: { theme: 'security' } });
    const press = await fake.interact({ type: 'button', customId: 'theme:page:2' });
    expect(press.callback.type).toBe(7);
    expect(press.reply?.id).toBe(first.reply?.id);
    expect(first.reply?.content).toBe('page 2');
  });

  test('WHEN a button press is acknowledged with deferUpdate THEN a later editReply changes the clicked message', async () => {
    bot.handler = async (i) => {
      if (i.isChatInputCommand()) {
        await i.reply({
          content: 'quote 1',
          components: [
            {
              type: 1,
              components: [
                { type: 2, style: ButtonStyle.Secondary, label: 'Another', custom_id: 'quote:another:1' },
              ],
            },
          ],
        });
      } else if (i.isButton()) {
        await i.deferUpdate();
        await i.editReply({ content: 'quote 2' });
      }
    };
    const first = await fake.interact({ type: 'command', name: 'theme', options: { theme: 'x' } });
    const press = await fake.interact({ type: 'button', customId: 'quote:another:1' });
    expect(press.callback).toEqual({ type: 6 });
    const edited = await press.waitForEdit();
    expect(edited.id).toBe(first.reply?.id);
    expect(edited.content).toBe('quote 2');
  });

  test('WHEN the bot answers one interaction twice THEN the second is refused (40060) and recorded', async () => {
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'one' });
      await client.rest.post(`/interactions/${i.id}/${i.token}/callback`, {
        body: { type: 4, data: { content: 'two', allowed_mentions: { parse: [] } } },
        auth: false,
      });
    };
    await fake.interact({ type: 'command', name: 'theme', options: { theme: 'x' } });
    await fake.waitFor(() => bot.errors.length > 0);
    expect(bot.errors[0]).toMatchObject({ code: 40060 });
    expect(fake.takeViolations().map((v) => v.kind)).toEqual(['interaction']);
  });

  test('WHEN the bot posts where it may THEN the message is stored with its embeds', async () => {
    const channelId = fake.channelId('briefings');
    await sendable(client, channelId).send({ content: 'Digest', embeds: [{ title: 'Looking ahead' }] });
    expect(fake.messages(channelId).map((m) => [m.content, m.embeds[0]?.title])).toEqual([
      ['Digest', 'Looking ahead'],
    ]);
  });

  const { SendMessages, EmbedLinks, ViewChannel } = PermissionFlagsBits;
  test.each([
    ['Send Messages denied to the bot', 50013, [{ id: 'bot', deny: SendMessages }]],
    ['Embed Links denied to the bot role', 50013, [{ id: 'Attaché', deny: EmbedLinks }]],
    ['View Channel denied to the bot', 50001, [{ id: 'bot', deny: ViewChannel }]],
    [
      'Send denied to its role but allowed to the bot',
      0,
      [
        { id: 'Attaché', deny: SendMessages },
        { id: 'bot', allow: SendMessages },
      ],
    ],
  ])(
    'WHEN %s THEN posting an embed answers code %s (0 = posted), and discord.js computes the same permissions',
    async (_, code, overwrites) => {
      const channelId = fake.addChannel({ name: 'ops' });
      fake.setOverwrites(channelId, overwrites);
      const guild = client.guilds.cache.get(fake.guildId);
      const me = guild?.members.me;
      const channel = await fake.waitFor(() => {
        const cached = guild?.channels.cache.get(channelId);
        return (
          cached &&
          !cached.isThread() &&
          cached.permissionOverwrites.cache.size === overwrites.length &&
          cached
        );
      });
      const cached = me ? channel.permissionsFor(me) : null;
      expect(cached?.bitfield).toBe(fake.permissionsOf(channelId));
      expect(cached?.has([ViewChannel, SendMessages, EmbedLinks])).toBe(code === 0);

      const post = client.rest.post(`/channels/${channelId}/messages`, {
        body: { embeds: [{ title: 'x' }], allowed_mentions: { parse: [] } },
      });
      if (code === 0) await post;
      else expect((await apiError(post)).code).toBe(code);
      expect(fake.requests.at(-1)?.status).toBe(code === 0 ? 200 : 403);
    },
  );

  test('WHEN a channel is removed THEN the client drops it and posting answers 10003 Unknown Channel', async () => {
    const channelId = fake.addChannel({ name: 'temporary' });
    await fake.waitFor(() => client.channels.cache.has(channelId));
    fake.removeChannel(channelId);
    await fake.waitFor(() => !client.channels.cache.has(channelId));
    const err = await apiError(
      client.rest.post(`/channels/${channelId}/messages`, {
        body: { content: 'x', allowed_mentions: { parse: [] } },
      }),
    );
    expect(err.code).toBe(10003);
  });

  test('WHEN embeds total 7,000 characters THEN Discord refuses with 50035 and a violation names the rule', async () => {
    const embeds = Array.from({ length: 2 }, () => ({ title: 'T', description: 'x'.repeat(3499) }));
    const err = await apiError(sendable(client, fake.channelId('general')).send({ embeds }));
    expect(err.code).toBe(50035);
    const [violation] = fake.takeViolations();
    expect(violation?.kind).toBe('payload');
    expect(violation?.problems.map((p) => p.code)).toEqual(['MAX_EMBED_SIZE_EXCEEDED']);
    expect(fake.messages(fake.channelId('general'))).toEqual([]);
  });

  test('WHEN the same nonce is sent twice with enforce_nonce THEN the original comes back and nothing is created', async () => {
    const general = sendable(client, fake.channelId('general'));
    const briefings = sendable(client, fake.channelId('briefings'));
    const first = await general.send({ content: 'digest', nonce: 'run:abc:2026-03-29', enforceNonce: true });
    const again = await general.send({ content: 'digest', nonce: 'run:abc:2026-03-29', enforceNonce: true });
    await briefings.send({ content: 'digest', nonce: 'run:abc:2026-03-29', enforceNonce: true });
    await general.send({ content: 'digest', nonce: 'run:abc:2026-03-29' });
    expect(again.id).toBe(first.id);
    expect(fake.messages(general.id)).toHaveLength(2);
    expect(fake.messages(briefings.id)).toHaveLength(1);
  });

  test('WHEN the bot leaves out allowed_mentions THEN the fake shows who would be pinged and flags it', async () => {
    const channelId = fake.channelId('general');
    await client.rest.post(`/channels/${channelId}/messages`, { body: { content: 'hello @everyone' } });
    expect(fake.messages(channelId)[0]?.mention_everyone).toBe(true);
    expect(fake.takeViolations().map((v) => v.problems[0]?.code)).toEqual(['ALLOWED_MENTIONS_MISSING']);
  });

  test('WHEN Discord answers 500 twice THEN @discordjs/rest retries and the message is sent once', async () => {
    const channelId = fake.channelId('general');
    const injection = fake.inject({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      status: 500,
      times: 2,
    });
    await sendable(client, channelId).send({ content: 'after retries' });
    expect(injection.hits).toBe(2);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([500, 500, 200]);
    expect(fake.messages(channelId)).toHaveLength(1);
  });

  test('WHEN a 403 with code 50001 is injected THEN the client sees that Discord error once', async () => {
    const channelId = fake.channelId('general');
    fake.inject({ method: 'POST', path: /\/messages$/, status: 403, code: 50001, message: 'Missing Access' });
    const err = await apiError(sendable(client, channelId).send({ content: 'refused' }));
    expect([err.status, err.code]).toEqual([403, 50001]);
    await sendable(client, channelId).send({ content: 'accepted' });
    expect(fake.messages(channelId).map((m) => m.content)).toEqual(['accepted']);
  });

  test('WHEN an injected 429 arrives THEN the client waits it out and the fake counts it', async () => {
    const channelId = fake.channelId('general');
    fake.inject({ path: /\/messages$/, status: 429, retryAfter: 0.05 });
    await sendable(client, channelId).send({ content: 'after a wait' });
    expect(fake.stats.rateLimited).toBe(1);
    expect(fake.messages(channelId)).toHaveLength(1);
  });

  test('WHEN the client calls a route the fake does not model THEN it gets 404 and it is recorded as unexpected', async () => {
    const err = await apiError(client.rest.get('/guilds/1/audit-logs'));
    expect(err.status).toBe(404);
    expect(fake.unexpected.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /guilds/1/audit-logs']);
    fake.unexpected.length = 0;
  });

  test('WHEN the bot sends a file THEN the multipart payload_json is validated and the message stored', async () => {
    const channelId = fake.channelId('general');
    await sendable(client, channelId).send({
      content: 'report attached',
      files: [{ attachment: Buffer.from('hello'), name: 'report.txt' }],
    });
    expect(fake.requests.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(fake.messages(channelId).map((m) => m.content)).toEqual(['report attached']);
  });

  test('WHEN the bot defers and then follows up THEN the first follow-up fills the deferred reply', async () => {
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.followUp({ content: 'filled' });
      await i.followUp({ content: 'second', flags: MessageFlags.Ephemeral });
    };
    const answer = await fake.interact({ type: 'command', name: 'theme', options: { theme: 'x' } });
    const second = await answer.waitForFollowup(2);
    expect(answer.reply?.content).toBe('filled');
    expect(answer.followups[0]?.id).toBe(answer.reply?.id);
    expect(second.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('WHEN the bot reads channel history after a message THEN only newer messages come back, newest first', async () => {
    const channel = sendable(client, fake.channelId('general'));
    const first = await channel.send({ content: 'one' });
    await channel.send({ content: 'two' });
    await channel.send({ content: 'three' });
    if (!('messages' in channel)) throw new Error('text channel expected');
    const after = await channel.messages.fetch({ after: first.id, limit: 10 });
    expect([...after.values()].map((m) => m.content)).toEqual(['three', 'two']);
  });

  test('WHEN the gateway restarts THEN the client resumes and still receives interactions', async () => {
    bot.handler = async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'still here' });
    };
    fake.restartGateway();
    await fake.waitFor(() => fake.sessions() === 1 && client.ws.status === 0, 5000);
    const answer = await fake.interact({ type: 'command', name: 'theme', options: { theme: 'x' } });
    expect(answer.callback.data?.content).toBe('still here');
  });
});

describe('GIVEN a fake with a global limit of 5 requests per second', () => {
  let fake: FakeDiscord;
  let client: Client;
  beforeAll(async () => {
    fake = await startFakeDiscord({ rateLimits: { global: 5 } });
    client = await loginClient(fake);
  });
  afterAll(async () => {
    await client.destroy();
    await fake.close();
  });

  test('WHEN the bot sends 8 messages at once THEN some get 429 and discord.js waits them out: all 8 arrive once', async () => {
    fake.reset();
    const channel = sendable(client, fake.channelId('general'));
    await Promise.all(Array.from({ length: 8 }, (_, n) => channel.send({ content: `m${n}` })));
    expect(fake.stats.rateLimited).toBeGreaterThan(0);
    const limited = fake.requests.find((r) => r.status === 429);
    expect(limited?.response).toMatchObject({ global: true, message: 'You are being rate limited.' });
    expect(
      fake
        .messages(channel.id)
        .map((m) => m.content)
        .sort(),
    ).toEqual(Array.from({ length: 8 }, (_, n) => `m${n}`));
    expectClean(fake);
  });

  test('WHEN the global limit is spent THEN interaction callbacks are still answered (they are exempt)', async () => {
    client.on('interactionCreate', (i) => {
      if (i.isChatInputCommand()) void i.reply({ content: 'exempt' });
    });
    const channelId = fake.channelId('general');
    fake.reset();
    await Promise.all(
      Array.from({ length: 5 }, () =>
        client.rest.post(`/channels/${channelId}/messages`, { body: { content: 'x' } }),
      ),
    );
    const answer = await fake.interact({ type: 'command', name: 'anything' });
    expect(answer.accepted).toBe(true);
    expect(fake.requests.find((r) => r.path.includes('/callback'))?.status).toBe(204);
  });
});

describe('GIVEN a per-route bucket of 2 messages per 300 ms', () => {
  test('WHEN the bot sends 5 messages THEN it follows the X-RateLimit headers and never hits a 429', async () => {
    const fake = await startFakeDiscord({
      rateLimits: {
        routes: [{ method: 'POST', path: /^\/channels\/\d+\/messages$/, limit: 2, windowMs: 300 }],
      },
    });
    const client = await loginClient(fake);
    try {
      const channel = sendable(client, fake.channelId('general'));
      for (let n = 0; n < 5; n++) await channel.send({ content: `m${n}` });
      expect(fake.messages(channel.id)).toHaveLength(5);
      expect(fake.stats.rateLimited).toBe(0);
    } finally {
      await client.destroy();
      await fake.close();
    }
  });
});

describe('GIVEN a response window of 100 ms', () => {
  test('WHEN the bot answers after 200 ms THEN Discord says Unknown interaction and the lateness is a violation', async () => {
    const fake = await startFakeDiscord({ responseWindowMs: 100 });
    const client = await loginClient(fake);
    const bot = stubBot(client);
    try {
      bot.handler = async (i) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (i.isChatInputCommand()) await i.reply({ content: 'too late' });
      };
      const answer = await fake.interact({ type: 'command', name: 'slow' });
      expect(answer.accepted).toBe(false);
      await fake.waitFor(() => bot.errors.length > 0);
      expect(bot.errors[0]).toMatchObject({ code: 10062 });
      expect(fake.takeViolations()[0]?.problems[0]?.message).toMatch(/after the interaction/);
    } finally {
      await client.destroy();
      await fake.close();
    }
  });
});

describe('GIVEN two shards in one client', () => {
  // Guild ids chosen so that (id >> 22) % 2 puts one guild on each shard.
  const onShard = (shard: number) => ((BigInt(1_000_000 + shard) << 22n) | 1n).toString();

  test('WHEN each shard identifies THEN it gets only its guilds, and interactions reach the right shard', async () => {
    const fake = await startFakeDiscord({
      shards: 2,
      guilds: [
        { id: onShard(0), name: 'zero', channels: [{ name: 'general' }] },
        { id: onShard(1), name: 'one', channels: [{ name: 'general' }] },
      ],
    });
    const client = await loginClient(fake, { shards: 'auto' });
    const bot = stubBot(client);
    try {
      expect([...client.guilds.cache.values()].map((g) => [g.name, g.shardId]).sort()).toEqual([
        ['one', 1],
        ['zero', 0],
      ]);
      bot.handler = async (i) => {
        if (i.isChatInputCommand()) await i.reply({ content: `shard ${i.guild?.shardId}` });
      };
      const answer = await fake.interact({ type: 'command', name: 'where', guildId: onShard(1) });
      expect(answer.callback.data?.content).toBe('shard 1');
      expectClean(fake);
    } finally {
      await client.destroy();
      await fake.close();
    }
  });
});

describe('GIVEN a fake on a clock the test moves', () => {
  let clock = Date.parse('2026-03-29T06:00:00Z');
  let fake: FakeDiscord;
  let client: Client;
  let bot: ReturnType<typeof stubBot>;
  beforeAll(async () => {
    fake = await startFakeDiscord({ now: () => clock });
    client = await loginClient(fake);
    bot = stubBot(client);
  });
  afterAll(async () => {
    await client.destroy();
    await fake.close();
  });

  test('WHEN the nonce window has passed THEN the same nonce creates a second message', async () => {
    const channel = sendable(client, fake.channelId('general'));
    const send = () => channel.send({ content: 'digest', nonce: 'late-run', enforceNonce: true });
    const first = await send();
    clock += 60_000;
    expect((await send()).id).toBe(first.id);
    clock += 120_000;
    expect((await send()).id).not.toBe(first.id);
    expect(fake.messages(channel.id)).toHaveLength(2);
  });

  test('WHEN the bot edits its reply after 15 minutes THEN the token is refused (50027) and flagged', async () => {
    let later: (() => Promise<unknown>) | undefined;
    bot.handler = async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      later = () => i.editReply({ content: 'too late' });
    };
    await fake.interact({ type: 'command', name: 'slow' });
    const editLater = await fake.waitFor(() => later);
    clock += 16 * 60_000;
    const edit = editLater();
    expect((await apiError(edit)).code).toBe(50027);
    expect(fake.takeViolations().map((v) => v.problems[0]?.message)).toEqual([
      'Interaction token used after 15 minutes',
    ]);
    expectClean(fake);
  });
});

describe('GIVEN a client whose REST timeout is 150 ms and a Discord slower than that', () => {
  let fake: FakeDiscord;
  let client: Client;
  beforeAll(async () => {
    fake = await startFakeDiscord();
    client = await loginClient(fake, { rest: { timeout: 150 } });
  });
  afterAll(async () => {
    await client.destroy();
    await fake.close();
  });

  test.each([
    ['with enforce_nonce', 1, true],
    ['without a nonce', 2, false],
  ])(
    'WHEN a post times out and is retried %s THEN the channel holds %s message(s)',
    async (_, count, withNonce) => {
      fake.reset();
      const channelId = fake.channelId('general');
      fake.inject({ method: 'POST', path: `/channels/${channelId}/messages`, delayMs: 400 });
      const channel = sendable(client, channelId);
      await channel.send(
        withNonce ? { content: 'digest', nonce: `slow-${count}`, enforceNonce: true } : { content: 'digest' },
      );
      await fake.waitFor(
        () => fake.requests.length === 2 && fake.requests.every((r) => r.status !== undefined),
      );
      expect(fake.messages(channelId)).toHaveLength(count);
    },
  );

  test('WHEN Discord drops the connection THEN the request fails in the client (undici does not retry it)', async () => {
    const channelId = fake.channelId('general');
    fake.inject({ method: 'POST', path: `/channels/${channelId}/messages`, drop: true });
    await expect(sendable(client, channelId).send({ content: 'lost' })).rejects.toThrow();
    expect(fake.requests.at(-1)?.status).toBe(0);
  });
});

describe('GIVEN a fake with a client still connected', () => {
  test('WHEN the fake closes first THEN close resolves and the client can still be destroyed', async () => {
    const fake = await startFakeDiscord();
    const client = await loginClient(fake);
    expect(fake.sessions()).toBe(1);
    await fake.close();
    expect(fake.sessions()).toBe(0);
    await client.destroy();
  });
});
