/**
 * The dispatcher's own duties, through a real discord.js client and the fake Discord: slow work is
 * deferred inside Discord's 3 s window and then delivered by an edit; a private answer to publicly
 * deferred work still reaches only the user; a button's slow update is deferred as an update; a
 * member past the rate limit is asked, privately, to wait, and nothing of theirs runs.
 */
import { ApplicationCommandOptionType, type Client, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { Command, CommandContext } from '../../commands/index.js';
import { createDispatcher } from '../../src/discord/dispatcher.js';
import { createRateLimiter } from '../../src/ratelimit.js';
import { buildRegistry } from '../../src/registry.js';
import { loginClient } from '../fake-discord/client.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type LogLine, memoryLogger } from './harness.js';

const EPHEMERAL = 64;
const DEFER_AFTER_MS = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const slowOptions = z.object({
  private: z.boolean().default(false),
  fail: z.boolean().default(false),
});

const slow: Command<typeof slowOptions> = {
  definition: {
    name: 'slow',
    description: 'Answers after a while',
    options: [
      { type: ApplicationCommandOptionType.Boolean, name: 'private', description: 'Ephemeral answer' },
      { type: ApplicationCommandOptionType.Boolean, name: 'fail', description: 'Throw instead' },
    ],
  },
  options: slowOptions,
  async execute(_ctx, options) {
    await pause(DEFER_AFTER_MS * 4);
    if (options.fail) throw new Error('the work failed');
    return {
      content: 'done after a while',
      ephemeral: options.private,
      components: [
        { type: 1, components: [{ type: 2, style: 2, label: 'Again', custom_id: 'slow:again:1' }] },
      ],
    };
  },
  buttons: {
    async again(_ctx, state) {
      await pause(DEFER_AFTER_MS * 4);
      return { content: `pressed ${state}` };
    },
  },
};

let quickRuns = 0;
const quick: Command = {
  definition: { name: 'quick', description: 'Answers at once' },
  options: z.object({}),
  execute() {
    quickRuns++;
    return {
      content: 'quick answer',
      components: [
        { type: 1, components: [{ type: 2, style: 2, label: 'Again', custom_id: 'quick:again:1' }] },
      ],
    };
  },
  buttons: {
    again() {
      quickRuns++;
      return { content: 'quick again' };
    },
  },
};

/** Only this member is limited, so the other tests' interactions spend no budget. */
const HASTY = '300000000000000042';
const hastyLimit = createRateLimiter({ perMinute: 1, burst: 2 });

const discord = useFakeDiscord({ requireSafeMentions: true });
let client: Client;
const logs: LogLine[] = [];

beforeAll(async () => {
  client = await loginClient(discord.fake);
  await client.application?.commands.set([slow.definition, quick.definition], discord.fake.guildId);
  const dispatch = createDispatcher({
    registry: buildRegistry([
      { file: 'slow.ts', command: slow as Command },
      { file: 'quick.ts', command: quick },
    ]),
    log: memoryLogger(logs),
    deferAfterMs: DEFER_AFTER_MS,
    rateLimit: {
      take: async (user) => (user === HASTY ? hastyLimit.take(user) : { ok: true }),
    },
    makeContext: (facts) => ({ ...facts }) as CommandContext,
  });
  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
});
afterAll(async () => {
  await client?.destroy();
});

describe('GIVEN work that takes longer than the deferral threshold', () => {
  test('WHEN the command runs THEN it is deferred first and the answer arrives as an edit', async () => {
    const i = await discord.fake.interact({ type: 'command', name: 'slow' });
    expect(i.callback.type).toBe(5);
    const reply = await i.waitForReply();
    expect(reply.content).toBe('done after a while');
  });

  test('WHEN the answer is private THEN the public deferral is removed and the answer is an ephemeral follow-up', async () => {
    const i = await discord.fake.interact({ type: 'command', name: 'slow', options: { private: true } });
    expect(i.callback.type).toBe(5);
    const followup = await i.waitForFollowup();
    expect(followup.content).toBe('done after a while');
    expect(followup.flags & EPHEMERAL).toBe(EPHEMERAL);
    await discord.fake.waitFor((f) =>
      f.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/messages/@original')),
    );
  });

  test('WHEN a slow button is pressed THEN the update is deferred and the message is edited', async () => {
    const first = await discord.fake.interact({ type: 'command', name: 'slow' });
    const message = await first.waitForReply();
    const press = await discord.fake.interact({ type: 'button', customId: 'slow:again:1', message });
    expect(press.callback.type).toBe(6);
    const edited = await press.waitForEdit();
    expect(edited.content).toBe('pressed 1');
  });

  test('WHEN slow work fails after a public deferral THEN the apology reaches only the user', async () => {
    const i = await discord.fake.interact({ type: 'command', name: 'slow', options: { fail: true } });
    expect(i.callback.type).toBe(5);
    const followup = await i.waitForFollowup();
    expect(followup.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(followup.embeds)).toMatch(/error id/i);
  });

  test('WHEN the deferral itself is refused and the work then fails THEN both are logged and the bot carries on', async () => {
    discord.fake.inject({ method: 'POST', path: /\/callback$/, status: 404, code: 10062, times: 1 });
    const before = logs.length;
    await discord.fake
      .interact({ type: 'command', name: 'slow', options: { fail: true }, timeoutMs: 1500 })
      .catch(() => undefined);
    await discord.fake.waitFor(() => logs.slice(before).some((l) => l.msg === 'interaction failed'));
    expect(logs.slice(before).map((l) => l.msg)).toContain('could not defer the interaction');
    discord.fake.takeViolations();
    const next = await discord.fake.interact({ type: 'command', name: 'slow' });
    expect(next.callback.type).toBe(5);
  });
});

describe('GIVEN a member sending commands faster than the rate limit', () => {
  const hasty = { id: HASTY, username: 'hasty' };

  test('WHEN past the burst THEN a command and a button press are refused privately with when to retry, and others are served', async () => {
    const first = await discord.fake.interact({ type: 'command', name: 'quick', user: hasty });
    expect(first.callback.type).toBe(4);
    const second = await discord.fake.interact({ type: 'command', name: 'quick', user: hasty });
    expect(second.callback.type).toBe(4);
    const runs = quickRuns;

    const refused = await discord.fake.interact({ type: 'command', name: 'quick', user: hasty });
    expect(refused.callback.type).toBe(4);
    expect(refused.callback.data?.flags ?? 0).toBe(EPHEMERAL);
    expect(JSON.stringify(refused.callback.data?.embeds)).toMatch(/Please wait \d+ seconds? and try again/);

    if (!first.reply) throw new Error('no reply to press a button on');
    const press = await discord.fake.interact({
      type: 'button',
      customId: 'quick:again:1',
      message: first.reply,
      user: hasty,
    });
    // A new private message, not an update of the public one.
    expect(press.callback.type).toBe(4);
    expect(press.callback.data?.flags ?? 0).toBe(EPHEMERAL);
    expect(JSON.stringify(press.callback.data?.embeds)).toMatch(/Please wait/);
    expect(quickRuns).toBe(runs);
    expect(logs.some((l) => l.msg === 'rate limited')).toBe(true);

    const other = await discord.fake.interact({ type: 'command', name: 'quick' });
    expect(other.callback.type).toBe(4);
    expect(quickRuns).toBe(runs + 1);
  });
});
