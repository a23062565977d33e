/**
 * Discord's permission algorithm as the fake computes it (the client-side parity with
 * discord.js's permissionsFor is tested through a real client in test/fake-discord.test.ts).
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './index.js';
import { missingFlags } from './permissions.js';

const { ViewChannel, SendMessages, EmbedLinks, Administrator, ManageGuild } = PermissionFlagsBits;

describe("GIVEN a guild where @everyone may view and send, and the bot's role adds Embed Links", () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await startFakeDiscord({
      guilds: [
        {
          name: 'rules',
          everyone: ViewChannel | SendMessages,
          roles: [
            { name: 'Attaché', permissions: EmbedLinks },
            { name: 'Boss', permissions: Administrator },
            { name: 'Mod', permissions: ManageGuild },
          ],
          botRoles: ['Attaché'],
          members: [
            { user: { username: 'boss' }, roles: ['Boss'] },
            { user: { username: 'mod' }, roles: ['Mod'] },
          ],
        },
      ],
    });
  });
  afterAll(() => fake.close());

  test.each([
    ['there are no overwrites', 'bot', [], true],
    ['@everyone is denied Send', 'bot', [{ id: '@everyone', deny: SendMessages }], false],
    [
      '@everyone is denied Send and the bot role allowed it',
      'bot',
      [
        { id: '@everyone', deny: SendMessages },
        { id: 'Attaché', allow: SendMessages },
      ],
      true,
    ],
    [
      'the bot role is allowed Send and the bot member denied it',
      'bot',
      [
        { id: 'Attaché', allow: SendMessages },
        { id: 'bot', deny: SendMessages },
      ],
      false,
    ],
    [
      '@everyone is denied everything but the user is an administrator',
      'boss',
      [{ id: '@everyone', deny: ViewChannel | SendMessages }],
      true,
    ],
    [
      '@everyone is denied Send and the user only has Manage Server',
      'mod',
      [{ id: '@everyone', deny: SendMessages }],
      false,
    ],
  ] as const)('WHEN %s THEN whether %s may send is %s', (_, who, overwrites, canSend) => {
    const channelId = fake.addChannel({ name: 'c', overwrites: [...overwrites] });
    const userId = who === 'bot' ? fake.bot.id : fake.userId(who);
    expect((fake.permissionsOf(channelId, userId) & SendMessages) === SendMessages).toBe(canSend);
  });

  test('WHEN an overwrite names a role or member the guild does not have THEN the fake says so', () => {
    expect(() => fake.addChannel({ name: 'c', overwrites: [{ id: 'Nobody', deny: SendMessages }] })).toThrow(
      /no role or member "Nobody"/,
    );
  });
});

test.each([
  [ViewChannel | SendMessages, ViewChannel | SendMessages | EmbedLinks, ['EmbedLinks']],
  [0n, ViewChannel | SendMessages, ['SendMessages', 'ViewChannel']],
  [ViewChannel, ViewChannel, []],
])('GIVEN permissions %s WHEN %s is needed THEN the missing flags are %j', (have, need, missing) => {
  expect(missingFlags(have, need).sort()).toEqual(missing);
});
