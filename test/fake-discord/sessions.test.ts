/**
 * Two clients identified as the same shard (a second instance of a shard started by mistake):
 * Discord sends each of them the shard's events; `interact({ session })` lets a test reach one.
 */
import type { Client } from 'discord.js';
import { expect, test } from 'vitest';
import { loginClient } from './client.js';
import { startFakeDiscord } from './index.js';
import { expectClean } from './vitest.js';

test('GIVEN two clients identified as shard 0 WHEN an interaction names one session THEN only that client receives it, and a session not live is refused', async () => {
  const fake = await startFakeDiscord();
  const clients: Client[] = [];
  try {
    for (const name of ['first', 'second']) {
      const client = await loginClient(fake);
      client.on('interactionCreate', (i) => {
        if (i.isChatInputCommand()) void i.reply({ content: name, allowedMentions: { parse: [] } });
      });
      clients.push(client);
    }
    const sessions = fake.liveSessions();
    expect(sessions.map((s) => s.shard)).toEqual([
      [0, 1],
      [0, 1],
    ]);
    const [first, second] = sessions.map((s) => s.id);

    const toSecond = await fake.interact({ type: 'command', name: 'where', session: second });
    const toFirst = await fake.interact({ type: 'command', name: 'where', session: first });
    expect([toSecond.callback.data?.content, toFirst.callback.data?.content]).toEqual(['second', 'first']);
    expect(fake.callbacks()).toHaveLength(2);

    await expect(
      fake.interact({ type: 'command', name: 'where', session: 'no-such-session' }),
    ).rejects.toThrow(/session no-such-session is not live/);
    expectClean(fake);
  } finally {
    for (const client of clients) await client.destroy();
    await fake.close();
  }
});
