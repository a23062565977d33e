/**
 * The discord.js Poster against a thin stand-in for the client (the e2e suite drives the real
 * client against the fake Discord). What matters here: which permissions are checked, what a send
 * carries, and how Discord's refusals become DeliveryErrors.
 */
import {
  type Client,
  Collection,
  DiscordAPIError,
  PermissionFlagsBits,
  PermissionsBitField,
  SnowflakeUtil,
} from 'discord.js';
import { describe, expect, test } from 'vitest';
import { DeliveryError } from '../../src/digest/index.js';
import { createDiscordPoster } from '../../src/discord/poster.js';

const apiError = (code: number, status: number) =>
  new DiscordAPIError({ code, message: `error ${code}` }, code, status, 'POST', '/channels/1/messages', {});

interface StubChannel {
  guildId: string;
  thread?: boolean;
  permissions: bigint;
  sendError?: Error;
  /** The channel's history, oldest first. */
  history?: StoredMessage[];
}

interface StoredMessage {
  id: string;
  author: { id: string };
  embeds: { footer: { text: string } | null }[];
}

function stubClient(channels: Record<string, StubChannel | Error>) {
  const sent: Record<string, unknown>[] = [];
  const fetches: { after: string; limit: number }[] = [];
  const client = {
    user: { id: 'bot' },
    channels: {
      async fetch(id: string) {
        const entry = channels[id];
        if (entry instanceof Error) throw entry;
        if (!entry) return null;
        return {
          id,
          guildId: entry.guildId,
          isDMBased: () => false,
          isTextBased: () => true,
          isThread: () => entry.thread === true,
          permissionsFor: () => new PermissionsBitField(entry.permissions),
          async send(payload: Record<string, unknown>) {
            if (entry.sendError) throw entry.sendError;
            sent.push(payload);
            return { id: `msg-${sent.length}` };
          },
          // Like Discord: the `limit` messages right after `after`, newest first.
          messages: {
            async fetch({ after, limit }: { after: string; limit: number }) {
              fetches.push({ after, limit });
              const page = (entry.history ?? [])
                .filter((m) => BigInt(m.id) > BigInt(after))
                .slice(0, limit)
                .reverse();
              return new Collection(page.map((m) => [m.id, m]));
            },
          },
        };
      },
    },
  };
  return { client: client as unknown as Client, sent, fetches };
}

const C1 = '100000000000000001';
const T1 = '100000000000000002';
const ALL =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

describe('check', () => {
  test.each([
    [ALL, { ok: true, kind: 'text' }],
    [
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
      { ok: false, reason: 'missing-permissions', missing: ['Embed Links'] },
    ],
    [
      PermissionFlagsBits.ViewChannel,
      { ok: false, reason: 'missing-permissions', missing: ['Send Messages', 'Embed Links'] },
    ],
    [
      0n,
      { ok: false, reason: 'missing-permissions', missing: ['View Channel', 'Send Messages', 'Embed Links'] },
    ],
  ])('GIVEN permissions %s THEN the check says %o', async (permissions, expected) => {
    const { client } = stubClient({ [C1]: { guildId: 'g1', permissions } });
    expect(await createDiscordPoster(client).check('g1', C1)).toEqual(expected);
  });

  test('GIVEN a thread THEN Send Messages in Threads is what counts', async () => {
    const { client } = stubClient({
      [T1]: {
        guildId: 'g1',
        thread: true,
        permissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.EmbedLinks,
      },
    });
    expect(await createDiscordPoster(client).check('g1', T1)).toEqual({
      ok: false,
      reason: 'missing-permissions',
      missing: ['Send Messages in Threads'],
    });
  });

  test.each([
    ['a deleted channel', { [C1]: apiError(10003, 404) }, 'g1', { ok: false, reason: 'channel-gone' }],
    [
      'a channel of another guild',
      { [C1]: { guildId: 'other', permissions: ALL } },
      'g1',
      { ok: false, reason: 'channel-gone' },
    ],
    [
      'a hidden channel',
      { [C1]: apiError(50001, 403) },
      'g1',
      { ok: false, reason: 'missing-permissions', missing: ['View Channel'] },
    ],
  ])('GIVEN %s THEN the check reports it', async (_what, channels, guildId, expected) => {
    const { client } = stubClient(channels as Record<string, StubChannel | Error>);
    expect(await createDiscordPoster(client).check(guildId, C1)).toEqual(expected);
  });
});

test.each([
  ['123456789012345678', true],
  ['console', false],
])('GIVEN guild %s THEN the Discord poster serves it: %s', (guildId, served) => {
  expect(createDiscordPoster(stubClient({}).client).serves?.(guildId)).toBe(served);
});

test('GIVEN a channel id that is no snowflake THEN it is gone, without asking Discord', async () => {
  const { client } = stubClient({ briefings: new Error('must not be fetched') });
  expect(await createDiscordPoster(client).check('123456789012345678', 'briefings')).toEqual({
    ok: false,
    reason: 'channel-gone',
  });
});

describe('send', () => {
  test('GIVEN a reply THEN it is sent with the nonce, enforce_nonce and no mentions, and not as ephemeral', async () => {
    const { client, sent } = stubClient({ [C1]: { guildId: 'g1', permissions: ALL } });
    const id = await createDiscordPoster(client).send(
      'g1',
      C1,
      { embeds: [{ title: 'Digest' }], ephemeral: true },
      'abc123',
    );
    expect(id).toBe('msg-1');
    expect(sent).toEqual([
      { embeds: [{ title: 'Digest' }], nonce: 'abc123', enforceNonce: true, allowedMentions: { parse: [] } },
    ]);
  });

  test.each([
    [50013, 403, ALL & ~PermissionFlagsBits.EmbedLinks, ['Embed Links']],
    [50001, 403, ALL, []],
    [10003, 404, ALL, []],
  ])(
    'GIVEN Discord answers %i THEN a DeliveryError carries the code and missing permissions',
    async (code, status, permissions, missing) => {
      const { client } = stubClient({
        [C1]: { guildId: 'g1', permissions, sendError: apiError(code, status) },
      });
      const error = await createDiscordPoster(client)
        .send('g1', C1, { content: 'x' }, 'n')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ code, missing });
    },
  );

  test('GIVEN a server error THEN it is not mistaken for a channel problem', async () => {
    const { client } = stubClient({ [C1]: { guildId: 'g1', permissions: ALL, sendError: apiError(0, 500) } });
    const error = await createDiscordPoster(client)
      .send('g1', C1, { content: 'x' }, 'n')
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DeliveryError);
  });
});

describe('find: was a digest already posted?', () => {
  const since = new Date('2026-03-02T07:00:00Z');
  /** `count` messages after `since`, one a second; `digestAt` (1-based) is the bot's digest. */
  const history = (count: number, digestAt?: number): StoredMessage[] =>
    Array.from({ length: count }, (_, i) => {
      const ours = i + 1 === digestAt;
      return {
        id: SnowflakeUtil.generate({ timestamp: since.getTime() + (i + 1) * 1000 }).toString(),
        author: { id: ours ? 'bot' : 'someone' },
        embeds: [{ footer: { text: ours ? 'Attaché · run abc123defg' : 'chatter' } }],
      };
    });
  const find = (messages: StoredMessage[]) => {
    const { client, fetches } = stubClient({ [C1]: { guildId: 'g1', permissions: ALL, history: messages } });
    return { fetches, found: createDiscordPoster(client).find?.('g1', C1, 'run abc123defg', since) };
  };

  test('GIVEN a busy channel where the digest is the 230th message since the run started THEN it is found on the third page', async () => {
    const messages = history(400, 230);
    const { found, fetches } = find(messages);
    expect(await found).toBe(messages[229]?.id);
    expect(fetches).toHaveLength(3);
  });

  test('GIVEN fewer messages than a page and no digest among them THEN it is verified absent', async () => {
    const { found, fetches } = find(history(150));
    expect(await found).toBeNull();
    expect(fetches).toHaveLength(2);
  });

  test('GIVEN more messages since the run started than the pages it reads, none the digest THEN it cannot tell, and says so instead of "absent"', async () => {
    const { found, fetches } = find(history(1500));
    await expect(found).rejects.toThrow(/among the first 1000 messages since .*, and the channel holds more/);
    expect(fetches).toHaveLength(10);
  });
});
