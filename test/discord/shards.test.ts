import { Client } from 'discord.js';
import { afterEach, describe, expect, test } from 'vitest';
import { shardsOf } from '../../src/discord/bot.js';

const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.destroy();
});

const client = (options: { shards?: number | number[]; shardCount?: number }) => {
  const made = new Client({ intents: [], ...options });
  clients.push(made);
  return made;
};

describe('the shards a client runs', () => {
  test.each([
    ['no sharding', {}, { ids: [0], total: 1 }],
    ['shards 1 and 3 of 4', { shards: [1, 3], shardCount: 4 }, { ids: [1, 3], total: 4 }],
    ['shard 2 of 3', { shards: 2, shardCount: 3 }, { ids: [2], total: 3 }],
  ])('GIVEN a client with %s THEN its schedules are those shards’ guilds', (_name, options, expected) => {
    expect(shardsOf(client(options))).toEqual(expected);
  });
});
