/**
 * Alerts (alerts.ts, run.ts): one per schedule per change of state, even when two processes
 * record failures of the same schedule at once on one store; each names the schedule, its channel
 * and the fix; the recovery is announced once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type AlertTransition,
  alertNonce,
  alertReply,
  alertTransition,
  fixFor,
} from '../../src/digest/alerts.js';
import { DeliveryError, type Schedule } from '../../src/digest/index.js';
import { createSlotRunner } from '../../src/digest/run.js';
import { openStore, type Store } from '../../src/digest/store.js';
import { defaultLibrary, fakePoster, scheduleRecord } from './fixtures.js';

const library = defaultLibrary();
const T0 = '2026-03-02T09:00:00.000Z';
const failing = (over: Partial<Schedule> = {}): Schedule =>
  scheduleRecord({
    id: 'abc123',
    channelId: '42',
    alerts: { channelId: 'alerts' },
    health: { status: 'failing', reason: 'missing permission: Send Messages', missing: ['Send Messages'] },
    ...over,
  });

describe('alertTransition', () => {
  test('GIVEN no alert channel THEN nothing is announced', () => {
    expect(alertTransition(failing({ alerts: undefined }), T0)).toBeUndefined();
  });

  const posted = (s: Schedule | undefined): Schedule => {
    const { alertPending: _, ...rest } = s as Schedule;
    return rest;
  };

  test('GIVEN a failure already announced THEN nothing more; a recovery after it is announced once', () => {
    const first = alertTransition(failing(), T0);
    expect(first?.transition?.to).toBe('failing');
    expect(first?.schedule.alertPending).toBe(T0);
    expect(alertTransition(posted(first?.schedule), T0)).toBeUndefined();
    const recovered = alertTransition({ ...posted(first?.schedule), health: { status: 'ok' } }, T0);
    expect(recovered?.transition?.to).toBe('ok');
    expect(alertTransition(posted(recovered?.schedule), T0)).toBeUndefined();
  });

  test('GIVEN an alert claimed and never posted THEN a run recorded a minute later while the state holds tries it again, with the same nonce', () => {
    const first = alertTransition(failing(), T0);
    const claimed = first?.schedule as Schedule;
    // Its poster may still be sending it.
    expect(alertTransition(claimed, '2026-03-02T09:00:30.000Z')).toBeUndefined();
    const retry = alertTransition(claimed, '2026-03-02T09:05:00.000Z');
    expect(retry?.transition?.to).toBe('failing');
    expect(alertNonce('g', retry?.transition as AlertTransition)).toBe(
      alertNonce('g', first?.transition as AlertTransition),
    );
  });

  test('GIVEN a failure alert not known to be posted WHEN the schedule recovers THEN the recovery is announced, but not while the claim is young', () => {
    const claimed = alertTransition(failing(), T0)?.schedule as Schedule;
    const recovered = { ...claimed, health: { status: 'ok' as const } };
    expect(alertTransition(recovered, '2026-03-02T09:00:30.000Z')).toBeUndefined();
    const after = alertTransition(recovered, '2026-03-02T10:00:00.000Z');
    expect(after?.transition?.to).toBe('ok');
    expect(after?.schedule).toMatchObject({ alerted: 'ok', alertPending: '2026-03-02T10:00:00.000Z' });
  });

  test.each([
    [
      { missing: ['Send Messages'], reason: 'missing permission: Send Messages' },
      /Grant the bot Send Messages in <#42>/,
    ],
    [
      { reason: 'channel not found: it was deleted or the bot cannot see it' },
      /schedule edit id:abc123 channel:/,
    ],
    [
      { reason: 'the role this schedule pings was deleted: pick another' },
      /mention:@…`, or stop the ping with `no_mention:true/,
    ],
    [{ reason: 'the forum requires a tag: pick one with /schedule edit tags' }, /tags:…/],
    [{ reason: 'gave up after 3 attempts: Discord did not accept it (503)' }, /failed on every retry/],
  ])('GIVEN a failure %o THEN the fix is said', (health, fix) => {
    expect(fixFor(failing({ health: { status: 'failing', ...health } }))).toMatch(fix);
  });

  test('GIVEN a failure THEN the alert names the schedule, its channel and the reason, and pings nobody', () => {
    const reply = alertReply({ to: 'failing', schedule: failing() });
    expect(reply.content).toBeUndefined();
    expect(JSON.stringify(reply.embeds)).toMatch(
      /Schedule abc123 .* is failing.*<#42>.*missing permission: Send Messages/,
    );
  });
});

/**
 * Guild g1 with schedule abc123, whose channel c1 is gone, and alerts to "alerts", on `count`
 * stores of one SQLite file (processes). `asked` counts sends to the alert channel: sends asked
 * for, not messages kept, since the alert's nonce alone would also hide a second send.
 */
async function alertWorld(count = 1) {
  const dir = mkdtempSync(join(tmpdir(), 'attache-alerts-'));
  const url = `sqlite://${join(dir, 'a.sqlite')}`;
  const stores: Store[] = [];
  for (let i = 0; i < count; i++) stores.push(await openStore(url));
  const [first] = stores;
  if (!first) throw new Error('no store');
  const schedule = scheduleRecord({
    id: 'abc123',
    guildId: 'g1',
    channelId: 'c1',
    alerts: { channelId: 'alerts' },
  });
  await first.updateGuild('g1', () => ({ schedules: [schedule], result: undefined }));
  const poster = fakePoster();
  poster.broken.set('c1', { ok: false, reason: 'channel-gone' });
  let asked = 0;
  const send = poster.send.bind(poster);
  poster.send = (guildId, channelId, ...rest) => {
    if (channelId === 'alerts') asked++;
    return send(guildId, channelId, ...rest);
  };
  return {
    store: first,
    stores,
    poster,
    asked: () => asked,
    alerts: () => poster.sent.filter((m) => m.channelId === 'alerts'),
    async close() {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true });
    },
  };
}

describe('GIVEN two processes on one store', () => {
  test('WHEN both record failures of one schedule at once THEN one alert is posted, and one when it recovers', async () => {
    const world = await alertWorld(2);
    const { poster, alerts } = world;
    try {
      const now = () => new Date('2026-03-02T09:00:00Z');
      const runners = world.stores.map((store) =>
        createSlotRunner({ store, poster, now, library: () => library }),
      );
      const slots = ['2026-03-02T07:00:00Z', '2026-03-02T08:00:00Z'].map((s) => new Date(s));
      await Promise.all(runners.map((run, i) => run('g1', 'abc123', slots[i] as Date)));
      expect(world.asked()).toBe(1);
      expect(JSON.stringify(alerts()[0]?.reply.embeds)).toMatch(/is failing/);

      poster.broken.delete('c1');
      const later = [new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T11:00:00Z')];
      await Promise.all(runners.map((run, i) => run('g1', 'abc123', later[i] as Date)));
      expect(world.asked()).toBe(2);
      expect(alerts()).toHaveLength(2);
      expect(JSON.stringify(alerts()[1]?.reply.embeds)).toMatch(/has recovered/);
    } finally {
      await world.close();
    }
  });
});

describe('GIVEN an alert channel that fails to take the alert', () => {
  test('WHEN the first alert cannot be posted THEN the next run posts it, once, and the recovery after it once', async () => {
    const world = await alertWorld();
    const { store, poster, alerts } = world;
    try {
      // The next send is the alert's (the digest's channel is gone): it fails as a 503 would.
      poster.failNext(1, new Error('503 Service Unavailable'));
      let now = new Date('2026-03-02T08:00:00Z');
      const run = createSlotRunner({ store, poster, now: () => now, library: () => library });

      await run('g1', 'abc123', now);
      expect(alerts()).toHaveLength(0);
      expect((await store.readGuild('g1'))[0]?.alertPending).toBeDefined();

      now = new Date('2026-03-02T09:00:00Z');
      await run('g1', 'abc123', now);
      expect(alerts()).toHaveLength(1);
      expect(JSON.stringify(alerts()[0]?.reply.embeds)).toMatch(/is failing/);
      expect((await store.readGuild('g1'))[0]?.alertPending).toBeUndefined();

      now = new Date('2026-03-02T10:00:00Z');
      await run('g1', 'abc123', now);
      expect(alerts()).toHaveLength(1);

      poster.broken.delete('c1');
      now = new Date('2026-03-02T11:00:00Z');
      await run('g1', 'abc123', now);
      expect(alerts()).toHaveLength(2);
      expect(JSON.stringify(alerts()[1]?.reply.embeds)).toMatch(/has recovered/);
    } finally {
      await world.close();
    }
  });
});

describe('GIVEN an alert channel that refuses the bot', () => {
  test('WHEN the alert is refused THEN the claim comes off, and the next runs do not try again', async () => {
    const world = await alertWorld();
    const { store, poster } = world;
    try {
      poster.refuse.set('alerts', new DeliveryError(50013, 'Missing Permissions', ['Send Messages']));
      let now = new Date('2026-03-02T08:00:00Z');
      const run = createSlotRunner({ store, poster, now: () => now, library: () => library });
      await run('g1', 'abc123', now);
      expect(world.asked()).toBe(1);
      expect((await store.readGuild('g1'))[0]).toMatchObject({ alerted: 'failing' });
      expect((await store.readGuild('g1'))[0]?.alertPending).toBeUndefined();
      now = new Date('2026-03-02T09:00:00Z');
      await run('g1', 'abc123', now);
      expect(world.asked()).toBe(1);
    } finally {
      await world.close();
    }
  });
});
