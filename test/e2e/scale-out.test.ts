/**
 * The scale-out profile end to end, with real processes (cluster.ts): shard managers and their bot
 * processes, the REST proxy, the fake Discord routing each guild to its shard under Discord's
 * limits (50 requests/s, 5 messages per channel per 5 s), and one PostgreSQL schema as the store.
 * Digests fire for real at a whole minute: each scenario waits for it (up to a minute and a half),
 * so the scenarios run side by side, each with its own fake, schema and processes, all of them
 * killed when its test finishes (onTestFinished: afterEach, per test, as concurrent tests need).
 *
 * A run within a minute of its slot is on time (scheduler.ts); a digest is labelled late only when
 * it is posted later than that. A shard restarted by its manager at once takes its lease over only
 * when the dead process's lease runs out (30 s after its last renewal, seen at the next heartbeat),
 * so its digests would still be on time by that rule; the restart scenario starts the shard again
 * more than a minute after the slot instead.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, type ExpectStatic, type TestContext, test, vi } from 'vitest';
import type { LedgerEntry } from '../../src/digest/index.js';
import { runKey } from '../../src/digest/ledger.js';
import { openStore, type Store } from '../../src/digest/store.js';
import { escapeInline } from '../../src/render/escape.js';
import {
  DISCORD_ROUTE_LIMITS,
  type FakeDiscord,
  type FakeMessage,
  type GuildSeed,
  startFakeDiscord,
} from '../fake-discord/index.js';
import { expectClean } from '../fake-discord/vitest.js';
import { checkPostgres, postgresQuery, postgresSchema, TEST_POSTGRES_URL, uniqueName } from '../services.js';
import { until } from './background.js';
import {
  type Cluster,
  createCluster,
  dailyAt,
  deployGlobally,
  firingMinute,
  guildIdsOnShard,
  guildSeed,
  jsonLines,
  lateSlot,
  type Seeded,
  type ShardInstance,
  seedSchedules,
} from './cluster.js';

const pgMissing = await checkPostgres();

/** Time from seeding to the slot: the processes start within it, under the load of every scenario. */
const LEAD_MS = 40_000;
/**
 * The minute every scenario's digests fire at, but the 200-digest one's: that one has the next
 * minute to itself, so the 429s it counts are the proxy's, not the load of the other fan-outs on
 * this process, which hosts every fake Discord.
 */
const SHARED_MINUTE = firingMinute(LEAD_MS);
const QUIET_MINUTE = new Date(SHARED_MINUTE.getTime() + 60_000);
/** The slowest scenarios wait for a minute each: run them all at once. */
vi.setConfig({ maxConcurrency: 8 });

/** The shared minute while enough of it is left to start the processes; else the next but the quiet one. */
function slotFor(minute: 'shared' | 'quiet'): Date {
  if (minute === 'quiet') return QUIET_MINUTE;
  if (SHARED_MINUTE.getTime() - Date.now() >= 20_000) return SHARED_MINUTE;
  const next = firingMinute(LEAD_MS);
  return next.getTime() === QUIET_MINUTE.getTime() ? new Date(next.getTime() + 60_000) : next;
}
/** Runs later than this after their slot are late (scheduler.ts ON_TIME_MS). */
const ON_TIME_MS = 60_000;
const CATCH_UP_WINDOW_MS = 6 * 3_600_000;

interface ScenarioOptions {
  /** Guilds on shard 0 and on shard 1, and channels in each of them (one schedule per channel). */
  guilds: [number, number];
  channels: [number, number];
  proxy?: boolean;
  /** The schedules' rule; default a daily run at the firing minute. */
  when?: string;
  seed?: (seed: GuildSeed) => GuildSeed;
  /** The quiet minute, which no other scenario's digests share. */
  quiet?: boolean;
}

interface Scenario {
  fake: FakeDiscord;
  cluster: Cluster;
  schema: Awaited<ReturnType<typeof postgresSchema>>;
  /** A store of the test's own, to read what the bots recorded. */
  store: Store;
  slot: Date;
  seeded: Seeded[];
  onShard: (shard: number) => Seeded[];
}

/** A fake Discord with the guilds, the schedules seeded in a fresh schema, and an empty cluster. */
async function scenario({ onTestFinished }: TestContext, options: ScenarioOptions): Promise<Scenario> {
  const ids = [0, 1].map((shard) => guildIdsOnShard(shard, 2, options.guilds[shard] ?? 0));
  const seeds = ids.flatMap((list, shard) =>
    list.map((id) => (options.seed ?? ((s) => s))(guildSeed(id, options.channels[shard] ?? 0))),
  );
  const fake = await startFakeDiscord({
    shards: 2,
    guilds: seeds,
    rateLimits: { global: 50, routes: DISCORD_ROUTE_LIMITS },
    requireSafeMentions: true,
  });
  const schema = await postgresSchema('attache_scale');
  let cluster: Cluster | undefined;
  let store: Store | undefined;
  onTestFinished(async () => {
    await cluster?.stop();
    await store?.close();
    await fake.close();
    await schema.drop();
  });
  const slot = slotFor(options.quiet ? 'quiet' : 'shared');
  const channels = ids.flat().flatMap((guildId) =>
    (seeds.find((s) => s.id === guildId)?.channels ?? []).map((c) => ({
      guildId,
      channelId: fake.channelId(c.name, guildId),
    })),
  );
  const seeded = await seedSchedules(schema.storeUrl(), channels, options.when ?? dailyAt(slot));
  store = await openStore(schema.storeUrl());
  cluster = createCluster({ fake, storeUrl: schema.storeUrl() });
  if (options.proxy) await cluster.startProxy();
  const zero = new Set(ids[0]);
  return {
    fake,
    cluster,
    schema,
    store,
    slot,
    seeded,
    onShard: (shard) => seeded.filter((s) => zero.has(s.guildId) === (shard === 0)),
  };
}

const ofBot = (fake: FakeDiscord, channelId: string): FakeMessage[] =>
  fake.messages(channelId).filter((m) => m.author.id === fake.bot.id);

/** How the digests of these schedules stand in their channels. */
function delivery(fake: FakeDiscord, seeded: readonly Seeded[]) {
  const perChannel = seeded.map((s) => ofBot(fake, s.channelId));
  const messages = perChannel.flat();
  const nonces = messages.map((m) => String(m.nonce));
  // A resend with the same nonce is answered with the message already there: count those too.
  const posted = new Set(seeded.map((s) => `/channels/${s.channelId}/messages`));
  const accepted = fake.requests.filter((r) => r.method === 'POST' && posted.has(r.path) && r.status === 200);
  return {
    messages,
    delivered: perChannel.filter((list) => list.length > 0).length,
    missing: perChannel.filter((list) => list.length === 0).length,
    duplicated: perChannel.filter((list) => list.length > 1).length,
    nonceRepeats: nonces.length - new Set(nonces).size,
    replayedByNonce: accepted.length - messages.length,
  };
}

/** Waits until every schedule's run of the slot is recorded with a final outcome; returns the records. */
async function recorded(store: Store, seeded: readonly Seeded[], slot: Date, timeoutMs: number) {
  const guilds = [...new Set(seeded.map((s) => s.guildId))];
  const wanted = new Set(seeded.map((s) => `${s.guildId}:${s.scheduleId}`));
  const started = Date.now();
  for (;;) {
    const mine = (await Promise.all(guilds.map((g) => store.readGuild(g))))
      .flat()
      .filter((s) => wanted.has(`${s.guildId}:${s.id}`));
    const open = mine.filter((s) => s.lastRun?.slot !== slot.toISOString());
    if (mine.length === wanted.size && open.length === 0) return mine;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `runs not recorded after ${timeoutMs} ms: ${open.length}, e.g. ${JSON.stringify(open[0])}`,
      );
    }
    await sleep(250);
  }
}

/**
 * Waits until the run ledger holds a final outcome (not pending) for every schedule's run of the
 * slot: the record a run leaves whatever happened to the process that ran it.
 */
async function settled(store: Store, seeded: readonly Seeded[], slot: Date, timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const entries = await Promise.all(
      seeded.map((s) => store.ledgerGet(runKey(s.guildId, s.scheduleId, slot.toISOString()))),
    );
    const open = entries.filter((e) => e === undefined || e.status === 'pending').length;
    if (open === 0) return entries.filter((e) => e !== undefined);
    if (Date.now() - started > timeoutMs) {
      throw new Error(`runs without a final outcome in the ledger after ${timeoutMs} ms: ${open}`);
    }
    await sleep(250);
  }
}

/** Every run sent, each with the message its channel holds. */
function expectSent(
  expect: ExpectStatic,
  entries: LedgerEntry[],
  seeded: readonly Seeded[],
  messages: FakeMessage[],
) {
  const messageOf = new Map(messages.map((m) => [m.channel_id, m.id]));
  const byKey = new Map(entries.map((e) => [`${e.guildId}:${e.scheduleId}`, e]));
  expect(
    seeded.map((x) => [
      byKey.get(`${x.guildId}:${x.scheduleId}`)?.status,
      byKey.get(`${x.guildId}:${x.scheduleId}`)?.messageId,
    ]),
  ).toEqual(seeded.map((x) => ['sent', messageOf.get(x.channelId)]));
}

/** Each instance's schedules started (leases taken, tasks armed) before the slot, so the digests fire for real. */
async function startedBefore(expect: ExpectStatic, slot: Date, instances: ShardInstance[]) {
  const lines = await Promise.all(instances.map((i) => i.started(slot.getTime() - Date.now() + 30_000)));
  for (const line of lines)
    expect(Number(line.time), 'schedules started before the slot').toBeLessThan(slot.getTime());
}

const msUntil = (at: number) => Math.max(at - Date.now(), 0);

const textOf = (m: FakeMessage): string =>
  [m.content, ...m.embeds.flatMap((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => f.value)])]
    .filter(Boolean)
    .join('\n');

const messagesPattern = (seeded: readonly Seeded[]) =>
  new RegExp(`^/channels/(${seeded.map((s) => s.channelId).join('|')})/messages$`);

describe
  .skipIf(pgMissing)
  .concurrent('GIVEN the bot scaled out: shard processes, the REST proxy, one PostgreSQL store', () => {
    test('WHEN two admins edit the same schedule through two instances of its shard at the same moment, six times THEN each is answered "updated" or "changed meanwhile, try again", and every change answered "updated" is kept', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, {
        guilds: [1, 0],
        channels: [1, 0],
        when: 'daily 08:00',
        seed: (seed) => ({
          ...seed,
          members: [...(seed.members ?? []), { user: { username: 'admin2' }, roles: ['Admin'] }],
        }),
      });
      await deployGlobally(s.fake);
      const [schedule] = s.seeded;
      if (!schedule) throw new Error('nothing seeded');
      const first = s.cluster.startShard(0);
      await first.started();
      const [one] = s.fake.liveSessions();
      const second = s.cluster.startShard(0);
      await second.started();
      const other = s.fake.liveSessions().find((x) => x.id !== one?.id);
      if (!one || !other) throw new Error('expected two sessions of shard 0');

      const themes = [
        'security-defence',
        'humanitarian',
        'outlook',
        'economy-reconstruction',
        'process-expectations',
        'political-dialogue',
      ];
      const answers: string[] = [];
      for (const [round, theme] of themes.entries()) {
        const when = `daily 09:${String(round * 5).padStart(2, '0')}`;
        const edit = (session: string, user: string, change: Record<string, string>) =>
          s.fake
            .interact({
              type: 'command',
              name: 'schedule',
              subcommand: 'edit',
              options: { id: schedule.scheduleId, ...change },
              guildId: schedule.guildId,
              user,
              session,
              timeoutMs: 10_000,
            })
            .then((i) => i.waitForReply(10_000));
        const replies = await Promise.all([
          edit(one.id, 'admin', { when }),
          edit(other.id, 'admin2', { themes: theme }),
        ]);
        const verdicts = replies.map((reply) => {
          if (reply.embeds[0]?.title === `Schedule ${schedule.scheduleId} updated`) return 'updated';
          if (/changed meanwhile .*try again/.test(textOf(reply))) return 'changed meanwhile';
          throw new Error(`an answer that is neither: ${textOf(reply)}`);
        });
        answers.push(...verdicts);
        const [stored] = await s.store.readGuild(schedule.guildId);
        if (verdicts[0] === 'updated') expect(stored?.when).toBe(when);
        else expect(stored?.when).not.toBe(when);
        if (verdicts[1] === 'updated') expect(stored?.themes).toEqual([theme]);
        else expect(stored?.themes).not.toEqual([theme]);
      }
      expect(answers).toHaveLength(12);
      console.info(
        `[scale-out] concurrent edits: ${answers.filter((a) => a === 'updated').length} updated, ${answers.filter((a) => a !== 'updated').length} changed meanwhile`,
      );
      expectClean(s.fake);
    }, 120_000);

    // A crash between the ledger's `sent` and the schedule's record: the restart records the run
    // from the ledger (scheduler.ts catch-up, run.ts), and a resend answered by the nonce with the
    // digest posted on time is recorded on time (its message id's time, not the restart's).
    test('WHEN a shard dies with one digest sent but not yet recorded on its schedule, and another under way, and is started again more than a minute later THEN each schedule records the run as its channel shows it', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [2, 0], channels: [1, 0] });
      const [held, slow] = s.seeded;
      if (!held || !slow) throw new Error('expected two schedules');
      const app = uniqueName('attache_crash');
      // Discord is slow to answer the second digest: it posts it, on time, after the process died.
      s.fake.inject({ method: 'POST', path: messagesPattern([slow]), delayMs: 10_000 });
      // The first schedule's record cannot be written while the test holds its row: its digest is
      // posted and the ledger says sent, and the write of the schedule's last run waits.
      const lock = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      lock.on('error', () => undefined);
      await lock.connect();
      ctx.onTestFinished(() => lock.end().catch(() => undefined));
      await lock.query('BEGIN');
      await lock.query(`SELECT key FROM ${s.schema.schema}.schedules WHERE key = $1 FOR UPDATE`, [
        `schedules:${held.guildId}`,
      ]);
      const first = s.cluster.startShard(0, { storeUrl: s.schema.storeUrl({ application_name: app }) });
      await startedBefore(expect, s.slot, [first]);

      const underWay = messagesPattern([slow]);
      await s.fake.waitFor(
        (fake) =>
          ofBot(fake, held.channelId).length === 1 &&
          fake.requests.some((r) => r.method === 'POST' && underWay.test(r.path) && r.status === undefined),
        msUntil(s.slot.getTime()) + 30_000,
      );
      await settled(s.store, [held], s.slot, 5_000);
      await first.kill();
      // The write the dead process left waiting is never made, as if it had died a moment earlier.
      await postgresQuery(
        'SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      await lock.query('ROLLBACK');
      await s.fake.waitFor((fake) => ofBot(fake, slow.channelId).length === 1, 15_000);

      await sleep(msUntil(s.slot.getTime() + ON_TIME_MS + 10_000));
      const again = s.cluster.startShard(0);
      await again.started(60_000);
      await settled(s.store, s.seeded, s.slot, 30_000);
      const result = delivery(s.fake, s.seeded);
      expect(result).toMatchObject({ missing: 0, duplicated: 0, nonceRepeats: 0, replayedByNonce: 1 });
      const [heldMessage, slowMessage] = [held, slow].map((x) => ofBot(s.fake, x.channelId)[0]);
      expect(slowMessage && lateSlot(slowMessage)).toBeUndefined();
      const recordOf = async (x: Seeded) =>
        (await s.store.readGuild(x.guildId)).find((r) => r.id === x.scheduleId)?.lastRun;
      const [heldRun, slowRun] = [await recordOf(held), await recordOf(slow)];
      console.info(
        `[scale-out] records after the crash: ${JSON.stringify({ held: heldRun ?? null, slow: slowRun ?? null })}`,
      );
      expect(heldRun, "the run sent before the crash is the schedule's last run").toMatchObject({
        slot: s.slot.toISOString(),
        outcome: 'sent',
        messageId: heldMessage?.id,
      });
      expect(slowRun?.late, 'a digest posted on time is not recorded late').toBeUndefined();
      expectClean(s.fake);
    }, 240_000);

    test('WHEN 200 digests are due in the same minute, 100 on each of two shards behind the REST proxy THEN every channel gets exactly one, no nonce twice, and at most 1% of requests meet a 429', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [10, 10], channels: [10, 10], proxy: true, quiet: true });
      expect(s.onShard(0)).toHaveLength(100);
      expect(s.onShard(1)).toHaveLength(100);
      const shards = [s.cluster.startShard(0), s.cluster.startShard(1)];
      await startedBefore(expect, s.slot, shards);

      await s.fake.waitFor(
        (fake) => delivery(fake, s.seeded).delivered === 200,
        msUntil(s.slot.getTime()) + 60_000,
      );
      const records = await recorded(s.store, s.seeded, s.slot, 30_000);
      const result = delivery(s.fake, s.seeded);
      expect(result).toMatchObject({ missing: 0, duplicated: 0, nonceRepeats: 0, replayedByNonce: 0 });
      expectSent(expect, await settled(s.store, s.seeded, s.slot, 10_000), s.seeded, result.messages);
      expect(records.every((r) => r.lastRun?.outcome === 'sent' && !r.lastRun.late)).toBe(true);
      const posts = s.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
      const limited = s.fake.stats.rateLimited;
      console.info(
        `[scale-out] 200 digests: ${posts.length} POSTs, ${s.fake.stats.requests} requests, ${limited} answered 429, first post ${(posts[0]?.time ?? 0) - s.slot.getTime()} ms after the slot, last ${(posts.at(-1)?.time ?? 0) - s.slot.getTime()} ms`,
      );
      expect(limited).toBeLessThanOrEqual(s.fake.stats.requests / 100);
      expectClean(s.fake);
    }, 180_000);

    test('WHEN a shard process is killed with kill -9 halfway through its fan-out and started again more than a minute after the slot THEN none of its digests is lost or posted twice, and those posted after the restart are labelled late', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [6, 2], channels: [10, 10], proxy: true });
      const zero = s.onShard(0);
      // Slower answers stretch the fan-out to a few seconds, so the kill lands in the middle of it.
      s.fake.inject({ method: 'POST', path: messagesPattern(zero), delayMs: 250, times: 100_000 });
      const first = s.cluster.startShard(0);
      const one = s.cluster.startShard(1);
      await startedBefore(expect, s.slot, [first, one]);

      await s.fake.waitFor(
        (fake) => delivery(fake, zero).delivered >= 10,
        msUntil(s.slot.getTime()) + 30_000,
      );
      await first.kill();
      const killedAt = Date.now();
      s.fake.clearInjections();
      const atKill = delivery(s.fake, zero).delivered;
      expect(atKill).toBeLessThan(zero.length);

      // Shard 1 carries on meanwhile.
      await recorded(s.store, s.onShard(1), s.slot, 30_000);
      await sleep(msUntil(s.slot.getTime() + ON_TIME_MS + 10_000));
      const restartedAt = Date.now();
      const again = s.cluster.startShard(0);
      await again.started(60_000);
      const entries = await settled(s.store, zero, s.slot, 60_000);

      const result = delivery(s.fake, s.seeded);
      expect(result).toMatchObject({ missing: 0, duplicated: 0, nonceRepeats: 0 });
      const zeroMessages = delivery(s.fake, zero).messages;
      const before = zeroMessages.filter((m) => Date.parse(m.timestamp) < restartedAt);
      const after = zeroMessages.filter((m) => Date.parse(m.timestamp) >= restartedAt);
      console.info(
        `[scale-out] kill -9: ${atKill} of ${zero.length} posted at the kill, ${before.length} before the restart (in flight at the kill included), ${after.length} after it, ${result.replayedByNonce} resends answered by their nonce`,
      );
      expect(after.length).toBeGreaterThan(0);
      expect(after.map(lateSlot)).toEqual(after.map(() => s.slot.getTime() / 1000));
      expect(before.map(lateSlot)).toEqual(before.map(() => undefined));
      for (const m of after)
        expect(Date.parse(m.timestamp) - s.slot.getTime()).toBeLessThan(CATCH_UP_WINDOW_MS);
      // The ledger has every run sent, with the message its channel holds.
      expectSent(expect, entries, zero, zeroMessages);
      // Every schedule records the run as its channel shows it: those posted after the restart late,
      // those posted before the kill on time, including the ones whose record the killed process
      // never wrote and those whose resend the nonce answered with the digest already there.
      const records = (
        await Promise.all([...new Set(zero.map((x) => x.guildId))].map((g) => s.store.readGuild(g)))
      ).flat();
      const recordOf = new Map(records.map((r) => [r.channelId, r]));
      const recordedAs = (m: FakeMessage) => {
        const run = recordOf.get(m.channel_id)?.lastRun;
        return [run?.slot, run?.outcome, run?.messageId, run?.late === true];
      };
      expect(zeroMessages.map(recordedAs)).toEqual(
        zeroMessages.map((m) => [s.slot.toISOString(), 'sent', m.id, after.includes(m)]),
      );
      expect(killedAt).toBeLessThan(restartedAt);
      expectClean(s.fake);
    }, 240_000);

    test('WHEN a second instance of shard 0 starts while the first runs THEN its log and its /status say another instance holds the lease, and it posts no digest when the minute comes', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [3, 0], channels: [5, 0] });
      await deployGlobally(s.fake);
      const first = s.cluster.startShard(0);
      await startedBefore(expect, s.slot, [first]);
      const holder = await first.holder();
      const [firstSession] = s.fake.liveSessions();
      const second = s.cluster.startShard(0);
      const refused = await until(
        () => second.logs().find((l) => String(l.msg).startsWith('shard 0 is held by another instance')),
        'the second instance to say the lease is held',
        // A whole process start (tsx, the data, the gateway) beside every other scenario's: on a
        // busy two-core machine that has taken over 30 s.
        90_000,
      );
      expect(refused).toMatchObject({ level: 40, shard: 0, total: 2, heldBy: holder });
      // Whether it started before the slot or after, it must post nothing: the deliveries below
      // count one digest per channel, from the first instance.
      // Which schedules each armed (one report per schedule it took on at start): the first all, the second none.
      const armed = async (instance: ShardInstance) =>
        ((await instance.started()).reports as unknown[]).length;
      expect([await armed(first), await armed(second)]).toEqual([s.seeded.length, 0]);
      const secondSession = s.fake.liveSessions().find((x) => x.id !== firstSession?.id);
      if (!firstSession || !secondSession) throw new Error('expected two sessions of shard 0');

      const guildId = s.seeded[0]?.guildId ?? '';
      const status = async (session: string) => {
        const i = await s.fake.interact({
          type: 'command',
          name: 'status',
          guildId,
          user: 'admin',
          session,
          timeoutMs: 10_000,
        });
        return textOf(await i.waitForReply(10_000));
      };
      expect(await status(secondSession.id)).toContain(
        `Shard 0 of 2: **schedules paused here** — another instance (${escapeInline(holder)}) holds this shard until <t:`,
      );
      expect(await status(firstSession.id)).toContain('Shard 0 of 2 (this instance runs its schedules)');

      await s.fake.waitFor(
        (fake) => delivery(fake, s.seeded).delivered === s.seeded.length,
        msUntil(s.slot.getTime()) + 60_000,
      );
      await recorded(s.store, s.seeded, s.slot, 30_000);
      expect(delivery(s.fake, s.seeded)).toMatchObject({
        missing: 0,
        duplicated: 0,
        nonceRepeats: 0,
        replayedByNonce: 0,
      });
      const runs = (instance: ShardInstance) => instance.logs().filter((l) => l.msg === 'digest run').length;
      expect([runs(first), runs(second)]).toEqual([s.seeded.length, 0]);
      expect(second.logs().filter((l) => String(l.msg).startsWith('a task fired'))).toEqual([]);
      expectClean(s.fake);
    }, 180_000);

    test('WHEN the PostgreSQL connections of both shards are terminated again and again while they post 80 digests THEN no process crashes, each says so in a structured log line and reconnects, and every run is recorded sent, once', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [4, 4], channels: [10, 10], proxy: true });
      const app = uniqueName('attache_drop');
      const storeUrl = s.schema.storeUrl({ application_name: app });
      s.fake.inject({ method: 'POST', path: messagesPattern(s.seeded), delayMs: 100, times: 100_000 });
      const shards = [s.cluster.startShard(0, { storeUrl }), s.cluster.startShard(1, { storeUrl })];
      await startedBefore(expect, s.slot, shards);
      const pids = await Promise.all(shards.map((x) => x.botPid()));

      await s.fake.waitFor(
        (fake) => delivery(fake, s.seeded).delivered > 0,
        msUntil(s.slot.getTime()) + 30_000,
      );
      let terminated = 0;
      for (let i = 0; i < 10 && delivery(s.fake, s.seeded).delivered < s.seeded.length; i++) {
        const rows = await postgresQuery(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
          [app],
        );
        terminated += rows.length;
        await sleep(250);
      }
      await s.fake.waitFor((fake) => delivery(fake, s.seeded).delivered === s.seeded.length, 60_000);
      const records = await recorded(s.store, s.seeded, s.slot, 60_000);
      const entries = await settled(s.store, s.seeded, s.slot, 10_000);
      const result = delivery(s.fake, s.seeded);
      console.info(
        `[scale-out] PostgreSQL: ${terminated} connections terminated during the fan-out; ${result.replayedByNonce} resends answered by their nonce`,
      );
      expect(terminated).toBeGreaterThan(0);
      expect(result).toMatchObject({ missing: 0, duplicated: 0, nonceRepeats: 0 });
      expectSent(expect, entries, s.seeded, result.messages);
      expect(records.every((r) => r.lastRun?.outcome === 'sent')).toBe(true);

      for (const [i, shard] of shards.entries()) {
        const said = shard
          .logs()
          .filter((l) => /PostgreSQL connection|closed by PostgreSQL/.test(String(l.msg)));
        expect(said.length, `shard ${i} says its connection went`).toBeGreaterThan(0);
        for (const line of said) expect(line).toMatchObject({ level: 40, err: expect.any(Object) });
        expect(shard.logs().map((l) => l.msg)).not.toContain('shard process exited; starting it again');
        expect(await shard.botPid(), `shard ${i}'s bot process still the first`).toBe(pids[i]);
      }
      expectClean(s.fake);
    }, 180_000);

    test('WHEN shard 0 is killed with kill -9 while its requests wait on a slow Discord inside the REST proxy THEN the proxy lives on and keeps serving shard 1, whose 100 digests all arrive, once', async (ctx) => {
      const { expect } = ctx;
      const s = await scenario(ctx, { guilds: [2, 10], channels: [5, 10], proxy: true });
      const [zero, one] = [s.onShard(0), s.onShard(1)];
      s.fake.inject({ method: 'POST', path: messagesPattern(zero), delayMs: 3_000, times: 100_000 });
      const shards = [s.cluster.startShard(0), s.cluster.startShard(1)];
      await startedBefore(expect, s.slot, shards);
      const zeroPosts = messagesPattern(zero);

      await s.fake.waitFor(
        (fake) =>
          fake.requests.some((r) => r.method === 'POST' && zeroPosts.test(r.path) && r.status === undefined),
        msUntil(s.slot.getTime()) + 30_000,
      );
      await shards[0]?.kill();
      const killedAt = Date.now();

      await s.fake.waitFor((fake) => delivery(fake, one).delivered === one.length, 60_000);
      await recorded(s.store, one, s.slot, 30_000);
      const result = delivery(s.fake, one);
      expect(result).toMatchObject({ missing: 0, duplicated: 0, nonceRepeats: 0, replayedByNonce: 0 });
      expectSent(expect, await settled(s.store, one, s.slot, 10_000), one, result.messages);
      const afterKill = result.messages.filter((m) => Date.parse(m.timestamp) > killedAt).length;
      const proxyLog = jsonLines(s.cluster.proxy?.output() ?? '');
      const dropped = proxyLog.filter((l) => String(l.msg).startsWith('client went away')).length;
      console.info(
        `[scale-out] proxy: ${afterKill} of shard 1's ${one.length} digests sent after the kill; ${dropped} requests of the killed shard dropped`,
      );
      expect(afterKill).toBeGreaterThan(0);
      expect(dropped).toBeGreaterThan(0);
      expect(s.cluster.proxy?.child.exitCode).toBeNull();
      expect(proxyLog.filter((l) => Number(l.level) >= 50)).toEqual([]);
      expect(delivery(s.fake, zero)).toMatchObject({ duplicated: 0, nonceRepeats: 0 });
      expectClean(s.fake);
    }, 180_000);
  });
