/**
 * Child: the scaled-out fan-out. `channels` digests due in the same minute, spread over `shards`
 * shard processes (one manager each, with TOTAL_SHARDS and SHARD_IDS, as on separate machines),
 * sharing one PostgreSQL schema, against the fake Discord enforcing one global 50 requests/s for
 * the token and Discord's 5 messages per channel per 5 s. With `proxy`, every process sends
 * through `npm run rest-proxy`; without, each keeps its own count of Discord's limit, as processes
 * with no proxy do. The digests fire for real at a whole minute (test/e2e/cluster.ts), so one run
 * waits up to a minute and a half for it.
 *
 * Figures: from the slot to the last digest posted, as a ratio to the floor (channels / 50 s);
 * requests answered 429; channels with more than one digest, or none.
 */
import { performance } from 'node:perf_hooks';
import {
  createCluster,
  dailyAt,
  firingMinute,
  guildIdsOnShard,
  guildSeed,
  seedSchedules,
} from '../test/e2e/cluster.js';
import { DISCORD_ROUTE_LIMITS, startFakeDiscord } from '../test/fake-discord/index.js';
import { postgresSchema } from '../test/services.js';
import { childInput, emit } from './child.js';
import { round } from './stats.js';

export interface ScaleInput {
  channels: number;
  shards: number;
  proxy: boolean;
}

export interface ScaleFigures {
  channels: number;
  shards: number;
  proxy: boolean;
  /** From the slot to the last digest posted. */
  totalMs: number;
  floorMs: number;
  ratio: number;
  requests: number;
  rateLimited: number;
  duplicates: number;
  missing: number;
  /** Seeding the schedules through the ScheduleService, and starting every process before the slot. */
  seedMs: number;
}

/** Channels per guild: under the default cap of 25 schedules per server. */
const PER_GUILD = 20;
/** Time from seeding to the slot, for the processes (and the proxy) to start. */
const LEAD_MS = 45_000;
/** How long after the slot the run may take before what arrived is counted as it is. */
const DEADLINE_MS = 180_000;
/** Quiet time after the last expected digest, for a duplicate to show. */
const SETTLE_MS = 5_000;

const { channels, shards, proxy } = childInput<ScaleInput>();

const perShard = Array.from(
  { length: shards },
  (_, s) => Math.floor(channels / shards) + (s < channels % shards ? 1 : 0),
);
const seeds = perShard.flatMap((count, shard) => {
  const guilds = guildIdsOnShard(shard, shards, Math.ceil(count / PER_GUILD));
  return guilds.map((id, i) => guildSeed(id, Math.min(PER_GUILD, count - i * PER_GUILD)));
});
const fake = await startFakeDiscord({
  shards,
  guilds: seeds,
  rateLimits: { global: 50, routes: DISCORD_ROUTE_LIMITS },
  requireSafeMentions: true,
});
const schema = await postgresSchema('attache_bench_scale');
const cluster = createCluster({ fake, storeUrl: schema.storeUrl(), total: shards });
try {
  const begun = performance.now();
  const slot = firingMinute(LEAD_MS);
  const targets = seeds.flatMap(({ id, channels: list = [] }) =>
    list.map((c) => ({ guildId: id ?? '', channelId: fake.channelId(c.name, id) })),
  );
  await seedSchedules(schema.storeUrl(), targets, dailyAt(slot));
  if (proxy) await cluster.startProxy();
  const instances = Array.from({ length: shards }, (_, s) => cluster.startShard(s));
  await Promise.all(instances.map((i) => i.started(LEAD_MS + 30_000)));
  const seedMs = performance.now() - begun;
  if (Date.now() > slot.getTime()) throw new Error('the processes started after the slot: raise LEAD_MS');
  process.stdout.write(
    `  ${targets.length} schedules on ${shards} shards seeded and started in ${round(seedMs / 1000, 1)} s; slot ${slot.toISOString()}\n`,
  );
  fake.stats.requests = 0;
  fake.stats.rateLimited = 0;

  const posted = () => targets.filter((t) => fake.messages(t.channelId).length > 0).length;
  await fake
    .waitFor(() => posted() === targets.length, slot.getTime() + DEADLINE_MS - Date.now())
    .catch(() => undefined);
  const last = Math.max(
    ...targets.flatMap((t) => fake.messages(t.channelId).map((m) => Date.parse(m.timestamp))),
  );
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  let duplicates = 0;
  let missing = 0;
  for (const t of targets) {
    const n = fake.messages(t.channelId).length;
    duplicates += Math.max(0, n - 1);
    missing += n === 0 ? 1 : 0;
  }
  const totalMs = last - slot.getTime();
  const floorMs = (targets.length / 50) * 1000;
  emit({
    channels: targets.length,
    shards,
    proxy,
    totalMs: round(totalMs, 0),
    floorMs,
    ratio: round(totalMs / floorMs, 3),
    requests: fake.stats.requests,
    rateLimited: fake.stats.rateLimited,
    duplicates,
    missing,
    seedMs: round(seedMs, 0),
  } satisfies ScaleFigures);
} finally {
  await cluster.stop();
  await fake.close();
  await schema.drop();
}
