/**
 * `npm run start:sharded` as an operator runs it (`node --import tsx src/shard.ts`), against the
 * fake Discord: where the shard count comes from, which shards connect, and the clean stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { MANAGER_USER_AGENT } from '../../src/shard.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { logLines, startScript, until } from './background.js';
import { runScript } from './spawn.js';

const discord = useFakeDiscord({ shards: 2 });
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'attache-shards-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/** The manager with the fake's token and URL, its store in a fresh state folder. */
function startSharded(env: Record<string, string> = {}) {
  const dir = stateDir();
  const manager = startScript('src/shard.ts', {
    DISCORD_TOKEN: discord.fake.token,
    DISCORD_API_URL: discord.fake.restUrl,
    STATE_DIR: dir,
    STORE_URL: `sqlite://${join(dir, 'attache.sqlite')}`,
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    ...env,
  });
  cleanups.push(() => manager.signal('SIGKILL'));
  return manager;
}

const countRequests = () =>
  discord.fake.requests.filter(
    (r) =>
      r.method === 'GET' &&
      r.path === '/gateway/bot' &&
      r.headers['user-agent']?.includes(MANAGER_USER_AGENT),
  ).length;

const shardsOnline = (expected: number) => () => {
  const shards = discord.fake.sessionShards();
  return shards.length === expected && [...shards].sort((a, b) => a[0] - b[0]);
};

describe('GIVEN npm run start:sharded against a Discord that recommends 2 shards', () => {
  test('WHEN TOTAL_SHARDS is unset THEN the count is asked of DISCORD_API_URL, shards 0 and 1 of 2 connect, and SIGTERM stops all cleanly', async () => {
    const manager = startSharded();
    const shards = await discord.fake.waitFor(shardsOnline(2), 60_000);
    expect(shards).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(countRequests()).toBe(1);

    manager.signal('SIGTERM');
    expect(await manager.exited).toBe(0);
    expect(discord.fake.sessions()).toBe(0);
    expect(manager.output()).toContain('every shard stopped');
    expect(manager.output()).not.toContain(discord.fake.token);
  }, 90_000);

  test('WHEN TOTAL_SHARDS=4 and SHARD_IDS=2-3 THEN the count is not asked, and shards 2 and 3 of 4 connect, only them', async () => {
    const manager = startSharded({ TOTAL_SHARDS: '4', SHARD_IDS: '2-3' });
    const shards = await discord.fake.waitFor(shardsOnline(2), 60_000);
    expect(shards).toEqual([
      [2, 4],
      [3, 4],
    ]);
    expect(countRequests()).toBe(0);

    manager.signal('SIGTERM');
    expect(await manager.exited).toBe(0);
    expect(discord.fake.sessions()).toBe(0);
  }, 90_000);
});

describe('GIVEN the shards behind the REST proxy', () => {
  test("WHEN each shard's DISCORD_API_URL is the proxy THEN both connect, and every REST request reaches Discord through the proxy", async () => {
    const proxy = startScript('src/rest-proxy.ts', {
      DISCORD_API_URL: discord.fake.restUrl,
      REST_PROXY_PORT: '0',
      LOG_FORMAT: 'json',
    });
    cleanups.push(() => proxy.signal('SIGKILL'));
    const listening = await until(
      () => logLines(proxy.output()).find((line) => line.msg === 'REST proxy listening'),
      'the proxy to listen',
    );
    const manager = startSharded({ DISCORD_API_URL: String(listening.url) });
    expect(await discord.fake.waitFor(shardsOnline(2), 60_000)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // discord.js names itself in its User-Agent; the proxy's REST sends its own.
    const agents = new Set(discord.fake.requests.map((r) => r.headers['user-agent']));
    expect(discord.fake.requests.length).toBeGreaterThan(2);
    expect([...agents].filter((agent) => agent?.includes('discord.js/'))).toEqual([]);

    manager.signal('SIGTERM');
    expect(await manager.exited).toBe(0);
    proxy.signal('SIGTERM');
    expect(await proxy.exited).toBe(0);
  }, 90_000);
});

describe('GIVEN TOTAL_SHARDS unset and a DISCORD_API_URL nothing answers at', () => {
  test('WHEN start:sharded runs THEN it stops before any shard with one line naming DISCORD_API_URL and its host', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const run = await runScript('src/shard.ts', {
      env: {
        DISCORD_TOKEN: 'a-token-nobody-accepts',
        DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
        STATE_DIR: stateDir(),
        LOG_FORMAT: 'json',
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `DISCORD_API_URL: cannot reach Discord's API at http://127.0.0.1:${port} (connection refused); check that DISCORD_API_URL is right and that this machine can reach it (unset, Discord's own https://discord.com/api is used).`,
    );
    expect(run.stdout).not.toContain('shard starting');
  }, 60_000);
});
