import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  CONSOLE_CHANNEL,
  CONSOLE_GUILD_ID,
  type ConsolePost,
  createConsolePoster,
} from '../../src/console/index.js';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { openStore } from '../../src/digest/store.js';
import { defaultLibrary, fakePoster } from '../digest/fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('console poster', () => {
  test('GIVEN the same nonce twice THEN the digest is printed once, like Discord with enforce_nonce', async () => {
    const printed: ConsolePost[] = [];
    const poster = createConsolePoster((p) => printed.push(p));
    const first = await poster.send(CONSOLE_GUILD_ID, CONSOLE_CHANNEL.id, { content: 'digest' }, 'n1');
    const again = await poster.send(CONSOLE_GUILD_ID, CONSOLE_CHANNEL.id, { content: 'digest' }, 'n1');
    expect(again).toBe(first);
    expect(printed).toHaveLength(1);
  });

  test('GIVEN one store shared by Discord and the console WHEN each starts THEN each runs only its own guilds', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T09:00:00Z') });
    const store = await openStore('memory://');
    const library = defaultLibrary();
    const base = {
      storeUrl: 'memory://',
      store,
      library: () => library,
      defaultTimezone: 'Europe/Brussels',
      minIntervalMinutes: 60,
      maxPerGuild: 25,
      catchUpWindowHours: 6,
    };
    const discordPoster = { ...fakePoster(), serves: (id: string) => id !== CONSOLE_GUILD_ID };
    const discord = await createDigestRuntime({ ...base, poster: discordPoster });
    const input = {
      when: 'daily 08:00',
      timezone: 'Europe/Brussels',
      themes: [],
      format: 'brief' as const,
      skipIfEmpty: false,
    };
    const inDiscord = await discord.schedules.add(
      '123456789012345678',
      'u',
      { ...input, channelId: '223456789012345678' },
      library,
    );
    const printed: ConsolePost[] = [];
    const console = await createDigestRuntime({
      ...base,
      poster: createConsolePoster((p) => printed.push(p)),
    });
    const inConsole = await console.schedules.add(
      CONSOLE_GUILD_ID,
      'u',
      { ...input, channelId: CONSOLE_CHANNEL.id },
      library,
    );

    // The console process starts later, after both slots were missed (inside the catch-up window).
    await discord.scheduler.stop();
    await console.scheduler.stop();
    vi.setSystemTime(new Date('2026-03-03T08:00:00Z'));
    await console.start();
    expect(console.scheduler.active()).toEqual([`${CONSOLE_GUILD_ID}:${inConsole.schedule.id}`]);
    expect(printed.map((p) => p.guildId)).toEqual([CONSOLE_GUILD_ID]);
    await discord.start();
    expect(discord.scheduler.active()).toEqual([`${inDiscord.schedule.guildId}:${inDiscord.schedule.id}`]);
    expect(discordPoster.sent.map((m) => m.guildId)).toEqual(['123456789012345678']);
    await console.scheduler.stop();
    await discord.stop();
  });
});
