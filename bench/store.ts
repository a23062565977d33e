/**
 * Child: the bot restarting with many schedules. A real sqlite store in a temporary folder holds
 * the schedules (25 per guild, the default cap) and, as after normal operation, a ledger entry
 * for each schedule's latest slot. Timed: opening the store, and `scheduler.start()` reading every
 * schedule, checking catch-up against the ledger and registering a real node-cron task for each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Schedule, ScheduleSchema } from '../src/digest/index.js';
import { runKey } from '../src/digest/ledger.js';
import { createScheduler } from '../src/digest/scheduler.js';
import { openStore } from '../src/digest/store.js';
import { compileRule, parseWhen } from '../src/digest/when.js';
import { childInput, emit } from './child.js';
import { round } from './stats.js';

export interface StoreInput {
  schedules: number;
  /** Default: a SQLite file in a temporary folder. */
  storeUrl?: string;
}

export interface StoreFigures {
  schedules: number;
  guilds: number;
  seedMs: number;
  openMs: number;
  startMs: number;
  stopMs: number;
  /** Schedules with a live cron task after start. */
  active: number;
  /** Runs start() triggered (there are none due: every latest slot is in the ledger). */
  runs: number;
  peakRssMb: number;
}

const PER_GUILD = 25;
const WHEN = ['daily 08:00', 'weekdays 07:30', 'weekly mon 09:00', '30 17 * * 1-5', 'daily 18:15'];
const ZONES = ['Europe/Brussels', 'UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Kyiv', 'Australia/Sydney'];

const { schedules: count, storeUrl } = childInput<StoreInput>();
const dir = mkdtempSync(join(tmpdir(), 'attache-bench-store-'));
const url = storeUrl ?? `sqlite://${join(dir, 'attache.sqlite')}`;
const now = new Date();
const longAgo = new Date(now.getTime() - 30 * 86_400_000).toISOString();

const schedule = (i: number): Schedule => {
  const guild = Math.floor(i / PER_GUILD);
  const timing = parseWhen(WHEN[i % WHEN.length] as string);
  return ScheduleSchema.parse({
    id: `s${i.toString(36).padStart(5, '0')}`,
    guildId: String(300000000000000000n + BigInt(guild)),
    channelId: String(310000000000000000n + BigInt(i)),
    channelName: `digest-${i % PER_GUILD}`,
    when: timing.label,
    cron: timing.cron,
    timezone: ZONES[i % ZONES.length],
    themes: [],
    format: i % 2 ? 'full' : 'brief',
    skipIfEmpty: i % 3 === 0,
    paused: false,
    createdBy: '320000000000000000',
    createdAt: longAgo,
    updatedAt: longAgo,
    activeSince: longAgo,
  });
};

const all = Array.from({ length: count }, (_, i) => schedule(i));
// As after normal operation: each schedule's latest slot was posted and recorded on it.
const latestSlot = (s: Schedule) => compileRule(s.cron, s.timezone).prev(now)?.toISOString();
for (const s of all) {
  const slot = latestSlot(s);
  if (slot) s.lastRun = { slot, outcome: 'sent', at: slot, messageId: '1' };
}
const byGuild = new Map<string, Schedule[]>();
for (const s of all) byGuild.set(s.guildId, [...(byGuild.get(s.guildId) ?? []), s]);

let started = performance.now();
{
  const store = await openStore(url);
  for (const [guildId, list] of byGuild) {
    await store.updateGuild(guildId, () => ({ schedules: list, result: undefined }));
  }
  for (const s of all) {
    const slot = latestSlot(s);
    if (!slot) continue;
    const stamp = now.toISOString();
    await store.ledgerSet({
      key: runKey(s.guildId, s.id, slot),
      guildId: s.guildId,
      scheduleId: s.id,
      slot,
      status: 'sent',
      nonce: 'bench',
      messageId: '1',
      attempts: 1,
      createdAt: stamp,
      updatedAt: stamp,
    });
  }
  await store.close();
}
const seedMs = performance.now() - started;

started = performance.now();
const store = await openStore(url);
const openMs = performance.now() - started;
let runs = 0;
const scheduler = createScheduler({
  store,
  now: () => new Date(),
  catchUpWindowMs: 6 * 3_600_000,
  run: async () => {
    runs++;
  },
});
started = performance.now();
await scheduler.start();
const startMs = performance.now() - started;
const active = scheduler.active().length;
started = performance.now();
await scheduler.stop();
const stopMs = performance.now() - started;
await store.close();
rmSync(dir, { recursive: true, force: true });

emit({
  schedules: count,
  guilds: byGuild.size,
  seedMs: round(seedMs, 0),
  openMs: round(openMs, 1),
  startMs: round(startMs, 1),
  stopMs: round(stopMs, 1),
  active,
  runs,
  peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
} satisfies StoreFigures);
