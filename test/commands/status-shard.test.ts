/**
 * /status's shard line: whether this instance runs the asking server's schedules, or which other
 * instance holds its shard, and until when. Two runtimes of one shard on one SQLite file stand for
 * two processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CommandContext } from '../../commands/index.js';
import status from '../../commands/status.js';
import type { StatusProvider } from '../../src/digest/index.js';
import { createDigestRuntime, type DigestRuntime } from '../../src/digest/runtime.js';
import { admitAdmin } from '../../src/permissions.js';
import { discordTimestamp } from '../../src/render/timestamps.js';
import { defaultLibrary, digestOptions, fakePoster } from '../digest/fixtures.js';

const ADMIN = 0x20n;
const GUILD = '167772160004194303';
const at = Date.parse('2026-03-02T06:00:00Z');
const library = defaultLibrary();

const dirs: string[] = [];
const running: DigestRuntime[] = [];
afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((r) => r.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function instance(url: string, holder: string, ids = [0]) {
  const app = await createDigestRuntime(
    digestOptions({
      storeUrl: url,
      poster: fakePoster(),
      now: () => new Date(at),
      shards: () => ({ ids, total: 2 }),
      lease: { holder, ttlMs: 30_000 },
    }),
  );
  running.push(app);
  await app.start();
  return app;
}

/** /status as an admin of GUILD sees it, from the instance `app`. */
async function statusFrom(app: DigestRuntime): Promise<string> {
  const provider: StatusProvider = {
    uptimeMs: () => 60_000,
    data: () => ({ loadedAt: library.loadedAt, problems: [] }),
    shard: (guildId) => app.shardStatus(guildId),
  };
  const ctx: CommandContext = {
    library,
    now: () => new Date(at),
    random: () => 0.5,
    guildId: GUILD,
    channelId: 'c0',
    userId: 'u1',
    memberPermissions: ADMIN,
    locale: 'en-GB',
    services: { schedules: app.schedules, status: provider },
  };
  const reply = await status.execute(admitAdmin('status', ctx));
  return reply.embeds?.[0]?.description ?? '';
}

describe('/status on a sharded bot', () => {
  test('GIVEN two instances of the shard WHEN each is asked THEN the holder says it runs the schedules and the other names the holder and until when', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-status-shard-'));
    dirs.push(dir);
    const url = `sqlite://${join(dir, 'a.sqlite')}`;
    const holder = await instance(url, 'machine-1 pid 41 #a1b2c3');
    const other = await instance(url, 'machine-2 pid 42 #d4e5f6');

    expect(await statusFrom(holder)).toContain('Shard 0 of 2 (this instance runs its schedules)');
    const until = discordTimestamp(new Date(at + 30_000), 'T');
    expect(await statusFrom(other)).toContain(
      `Shard 0 of 2: **schedules paused here** — another instance (machine-1 pid 41 #a1b2c3) holds this shard until ${until}`,
    );
  });

  test('GIVEN an instance that runs the other shard only WHEN asked about this one THEN it says the schedules are paused here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-status-shard-'));
    dirs.push(dir);
    const app = await instance(`sqlite://${join(dir, 'a.sqlite')}`, 'machine-1 pid 41 #a1b2c3', [1]);
    expect(await statusFrom(app)).toContain(
      "Shard 0 of 2: **schedules paused here** — this instance does not hold this shard's lease",
    );
  });

  test('GIVEN no shards (the console) THEN there is no shard line', async () => {
    const app = await createDigestRuntime(digestOptions({ poster: fakePoster() }));
    running.push(app);
    await app.start();
    expect(await statusFrom(app)).not.toMatch(/Shard/);
  });
});
