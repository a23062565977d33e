/**
 * Shard leases with the real bot against the fake Discord: two bots of one shard on one state
 * folder (a second instance started by mistake, or a restart that overlapped) run its schedules one
 * at a time, and /status says which.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, describe, expect, test } from 'vitest';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type Harness, startHarness } from './harness.js';

const MANAGE_GUILD = 1n << 5n;
const discord = useFakeDiscord({ requireSafeMentions: true });
const harnesses: Harness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0).reverse()) await harness.stop({ keepState: true });
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const start = async (stateDir: string) => {
  const harness = await startHarness(discord.fake, {}, stateDir, { watch: false });
  harnesses.push(harness);
  return harness;
};

describe('GIVEN the bot on one shard', () => {
  test('WHEN an admin runs /status THEN it says this instance runs the shard’s schedules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-e2e-lease-'));
    dirs.push(dir);
    const harness = await start(dir);
    expect(harness.logs.some((l) => l.msg.includes('took the lease of shard 0'))).toBe(true);
    const i = await discord.fake.interact({
      type: 'command',
      name: 'status',
      options: {},
      user: 'admin',
      memberPermissions: MANAGE_GUILD,
    });
    const embeds = (i.callback.data as { embeds?: APIEmbed[] }).embeds ?? [];
    expect(embeds[0]?.description).toContain('Shard 0 of 1 (this instance runs its schedules)');
  });

  test('WHEN a second bot of the same shard starts on the same store THEN it runs nothing until the first stops, then takes the shard over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-e2e-lease-'));
    dirs.push(dir);
    const first = await start(dir);
    const second = await start(dir);
    const guild = discord.fake.guildId;
    expect(first.bot.app.digests.shardStatus(guild)?.running).toBe(true);
    expect(second.bot.app.digests.shardStatus(guild)).toMatchObject({ running: false });
    expect(second.logs.some((l) => l.msg.includes('shard 0 is held by another instance'))).toBe(true);

    harnesses.splice(harnesses.indexOf(first), 1);
    await first.stop({ keepState: true });
    await second.bot.app.digests.heartbeat();
    expect(second.bot.app.digests.shardStatus(guild)?.running).toBe(true);
    expect(second.logs.some((l) => l.msg.includes('gained the lease of shard 0'))).toBe(true);
  });
});
