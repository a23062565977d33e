/**
 * Every command, option, autocomplete and button, through the real discord.js client and the bot's
 * own dispatcher, against the fake Discord. The fake checks every body against Discord's schemas
 * and limits (useFakeDiscord fails the test on any violation) and, with requireSafeMentions, that
 * every message carries `allowed_mentions: { parse: [] }`.
 */
import type { APIButtonComponent, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CallbackBody } from '../fake-discord/index.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type Harness, startHarness } from './harness.js';

const EPHEMERAL = 64;
const BRIEFING = 'brussels-us-ukraine-talks-2026-01';

const discord = useFakeDiscord({ requireSafeMentions: true });
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(discord.fake);
});
afterAll(async () => {
  await harness?.stop();
});

const command = (name: string, options: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  discord.fake.interact({ type: 'command', name, options, ...extra });

const dataOf = (callback: CallbackBody) => {
  const data = callback.data ?? {};
  return data as {
    content?: string;
    embeds?: APIEmbed[];
    components?: { components: APIButtonComponent[] }[];
    flags?: number;
    choices?: { name: string; value: string }[];
    allowed_mentions?: { parse?: string[] };
  };
};

const textOf = (callback: CallbackBody): string => {
  const data = dataOf(callback);
  return [
    data.content ?? '',
    ...(data.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ].join('\n');
};

const buttonsOf = (callback: CallbackBody): APIButtonComponent[] =>
  (dataOf(callback).components ?? []).flatMap((row) => row.components);

const customIdOf = (button: APIButtonComponent): string => ('custom_id' in button ? button.custom_id : '');

describe('GIVEN the bot connected to Discord with the shipped briefing', () => {
  test('WHEN a member runs /brief THEN the latest briefing comes with summary, quote, looking-ahead and a source link', async () => {
    const i = await command('brief');
    expect(i.callback.type).toBe(4);
    const text = textOf(i.callback);
    expect(text).toContain('US–Ukraine talks in Brussels');
    expect(text).toContain('Durable partnerships are built through consistent dialogue');
    expect(text).toContain('A senior transatlantic official');
    expect(text).toMatch(/looking ahead/i);
    const link = buttonsOf(i.callback).find((b) => 'url' in b);
    expect(link && 'url' in link ? link.url : undefined).toBe('https://brusselsmorning.com/');
    expect(dataOf(i.callback).flags ?? 0).not.toBe(EPHEMERAL);
  });

  test('WHEN /brief names a briefing THEN that briefing is shown; an unknown one gets an ephemeral error', async () => {
    const chosen = await command('brief', { briefing: BRIEFING });
    expect(textOf(chosen.callback)).toContain('Brussels Morning Newspaper');
    const unknown = await command('brief', { briefing: 'no-such-briefing' });
    expect(dataOf(unknown.callback).flags).toBe(EPHEMERAL);
    expect(textOf(unknown.callback)).toMatch(/no-such-briefing/);
  });

  test('WHEN /theme security-defence runs THEN the security sections answer, newest first', async () => {
    const i = await command('theme', { theme: 'security-defence' });
    const text = textOf(i.callback);
    expect(text).toContain('Security & defence');
    expect(text).toContain('Security Coordination at the Core of the Agenda');
    const filtered = await command('theme', { theme: 'humanitarian', briefing: BRIEFING });
    expect(textOf(filtered.callback)).toContain('Humanitarian Considerations and Social Impact');
  });

  test('WHEN /theme gets a theme that does not exist THEN the member is told which themes exist', async () => {
    const i = await command('theme', { theme: 'weather' });
    expect(dataOf(i.callback).flags).toBe(EPHEMERAL);
    expect(textOf(i.callback)).toMatch(/weather/);
  });

  test('WHEN /quote runs THEN an attributed quote card comes with an Another button that works', async () => {
    const i = await command('quote');
    const text = textOf(i.callback);
    expect(text).toContain('Durable partnerships are built through consistent dialogue');
    expect(text).toContain('A senior transatlantic official');
    expect(text).toContain('Brussels Morning Newspaper');
    // Found by its action, not its label: with a single quote it reads "No other quote", disabled,
    // and a stale message's button must still answer.
    const another = buttonsOf(i.callback).find((b) => customIdOf(b)?.startsWith('quote:another:'));
    if (!another || !i.reply) throw new Error('no Another button');
    const pressed = await discord.fake.interact({
      type: 'button',
      customId: customIdOf(another),
      message: i.reply,
    });
    expect(pressed.callback.type).toBe(7);
    expect(textOf(pressed.callback)).toContain('A senior transatlantic official');
  });

  test('WHEN /quote filters by theme and speaker THEN matches answer and a non-match says so', async () => {
    const byTheme = await command('quote', { theme: 'process-expectations' });
    expect(textOf(byTheme.callback)).toContain('Durable partnerships');
    const bySpeaker = await command('quote', { speaker: 'A senior transatlantic official' });
    expect(textOf(bySpeaker.callback)).toContain('Durable partnerships');
    const none = await command('quote', { speaker: 'Nobody Known' });
    expect(dataOf(none.callback).flags).toBe(EPHEMERAL);
    expect(textOf(none.callback)).toMatch(/Nobody Known/);
  });

  test.each(['week', 'month', 'quarter', 'year', 'all'])(
    'WHEN /lookahead within:%s runs THEN it answers within the limits',
    async (within) => {
      const i = await command('lookahead', { within });
      expect(i.accepted).toBe(true);
      expect(textOf(i.callback).length).toBeGreaterThan(0);
    },
  );

  test('WHEN /lookahead filters by theme THEN only items of that theme come, dated ones with Discord timestamps', async () => {
    const i = await command('lookahead', { theme: 'outlook' });
    const text = textOf(i.callback);
    expect(text).toContain('Further rounds of US–Ukraine engagement');
    expect(text).toMatch(/<t:\d+:[DdRFf]>/);
    const humanitarian = await command('lookahead', { theme: 'humanitarian' });
    expect(textOf(humanitarian.callback)).not.toContain('Further rounds of US–Ukraine engagement');
  });

  test('WHEN /search runs THEN ranked hits come with the match highlighted', async () => {
    const i = await command('search', { query: 'reconstruction' });
    expect(textOf(i.callback)).toContain('**reconstruction**');
  });

  test('WHEN /search echoes mentions and markdown THEN they are neutralised and nobody is pinged', async () => {
    const i = await command('search', { query: '@everyone <@&123> **bold** dialogue' });
    const data = dataOf(i.callback);
    expect(data.allowed_mentions?.parse).toEqual([]);
    const text = textOf(i.callback);
    expect(text).not.toMatch(/(^|[^\\\u200b])@everyone/);
    expect(text).not.toContain('<@&123>');
  });

  test('WHEN /sources and /help run THEN they list the briefing and every command', async () => {
    const sources = await command('sources');
    expect(textOf(sources.callback)).toContain('Brussels Morning Newspaper');
    const help = await command('help');
    for (const name of ['/brief', '/theme', '/quote', '/lookahead', '/search', '/sources', '/help']) {
      expect(textOf(help.callback)).toContain(name);
    }
  });
});

describe('GIVEN a member typing options', () => {
  test.each([
    ['brief', 'briefing', 'brus', BRIEFING],
    ['theme', 'theme', 'secur', 'security-defence'],
    ['theme', 'briefing', 'ukraine', BRIEFING],
    ['quote', 'theme', 'process', 'process-expectations'],
    ['quote', 'speaker', 'senior', 'A senior transatlantic official'],
    ['lookahead', 'theme', 'out', 'outlook'],
  ])(
    'WHEN /%s %s autocompletes "%s" THEN %s is offered, within 25 choices',
    async (name, option, typed, expected) => {
      const i = await discord.fake.interact({
        type: 'autocomplete',
        name,
        options: { [option]: typed },
        focused: option,
      });
      expect(i.callback.type).toBe(8);
      const choices = dataOf(i.callback).choices ?? [];
      expect(choices.length).toBeLessThanOrEqual(25);
      expect(choices.map((c) => c.value)).toContain(expected);
    },
  );

  test('WHEN /theme autocompletes an empty value THEN every theme is offered', async () => {
    const i = await discord.fake.interact({
      type: 'autocomplete',
      name: 'theme',
      options: { theme: '' },
      focused: 'theme',
    });
    expect((dataOf(i.callback).choices ?? []).length).toBe(8);
  });
});

describe('GIVEN things that go wrong', () => {
  test('WHEN an unknown command arrives THEN the member is told to try /help, privately', async () => {
    const i = await discord.fake.interact({ type: 'command', name: 'weather', strictOptions: false });
    expect(dataOf(i.callback).flags).toBe(EPHEMERAL);
    expect(textOf(i.callback)).toMatch(/\/help/);
  });

  test('WHEN a button carries a malformed state THEN the member gets a clear ephemeral answer', async () => {
    const first = await command('quote');
    if (!first.reply) throw new Error('no reply');
    const i = await discord.fake.interact({
      type: 'button',
      customId: 'quote:another:%%%',
      message: first.reply,
    });
    expect(i.accepted).toBe(true);
    expect(dataOf(i.callback).flags).toBe(EPHEMERAL);
    expect(textOf(i.callback)).toMatch(/This button is not valid. Run/);
  });

  test('WHEN a handler fails unexpectedly THEN the member gets an apology with an error id and the log has the context', async () => {
    const live = harness.bot.app.live;
    const real = live.current.bind(live);
    const broken = Object.create(real(), {
      search: {
        value: () => {
          throw new Error('index corrupted');
        },
      },
    }) as ReturnType<typeof real>;
    live.current = () => broken;
    try {
      const i = await command('search', { query: 'dialogue' });
      expect(dataOf(i.callback).flags).toBe(EPHEMERAL);
      const text = textOf(i.callback);
      const errorId = /\b([0-9a-f]{8})\b/.exec(text)?.[1];
      expect(errorId, text).toBeDefined();
      const logged = harness.logs.find((l) => l.errorId === errorId);
      expect(logged).toMatchObject({
        command: 'search',
        guildId: discord.fake.guildId,
        msg: 'interaction failed',
      });
      expect(logged?.userId).toBeTruthy();
    } finally {
      live.current = real;
    }
  });

  test('THEN every message the bot sent carried allowed_mentions with parse: []', async () => {
    await command('brief');
    const bodies = discord.fake.requests
      .filter((r) => r.method !== 'GET' && /\/(callback|messages)/.test(r.path))
      .map(
        (r) => r.body as { type?: number; data?: { allowed_mentions?: unknown }; allowed_mentions?: unknown },
      )
      .filter((b) => b && (b.type === undefined || b.type === 4 || b.type === 7));
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body.data?.allowed_mentions ?? body.allowed_mentions).toEqual({ parse: [] });
    }
  });
});
