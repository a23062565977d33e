import { describe, expect, test } from 'vitest';
import { type ChannelCheck, DeliveryError, StoreError } from '../../src/digest/index.js';
import {
  deliverOnce,
  NONCE_WINDOW_MS,
  nonceFor,
  type RunRequest,
  runKey,
  TransientDeliveryError,
} from '../../src/digest/ledger.js';
import type { Store } from '../../src/digest/store.js';
import type { Reply } from '../../src/render/index.js';
import { fakePoster, memoryStore } from './fixtures.js';

const SLOT = '2026-03-02T07:00:00.000Z';
const request = (overrides: Partial<RunRequest> = {}): RunRequest => ({
  guildId: 'g1',
  channelId: 'c1',
  scheduleId: 's1',
  slot: SLOT,
  compose: (marker): Reply => ({ embeds: [{ title: 'Digest', footer: { text: `Attaché · ${marker}` } }] }),
  ...overrides,
});
const clock = (start: string) => {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
};

/** A store whose ledger write of the given status fails, as a crash at that point would leave it. */
const failingOn = (store: Store, status: string): Store => ({
  ...store,
  async ledgerSet(entry) {
    if (entry.status === status) throw new StoreError(`disk full while writing ${status}`);
    return store.ledgerSet(entry);
  },
});

describe('nonce', () => {
  test('GIVEN a run key THEN the nonce is stable, base36 and at most 25 characters', () => {
    const key = runKey('123456789012345678', 'abc123', SLOT);
    expect(nonceFor(key)).toBe(nonceFor(key));
    expect(nonceFor(key)).toMatch(/^[0-9a-z]{1,25}$/);
  });

  test('GIVEN two slots of the same schedule THEN their nonces differ', () => {
    expect(nonceFor(runKey('g', 's', SLOT))).not.toBe(nonceFor(runKey('g', 's', '2026-03-03T07:00:00.000Z')));
  });
});

describe('exactly once', () => {
  test('GIVEN a run WHEN it is delivered twice THEN one message is posted and the second call replays the ledger', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const { now } = clock('2026-03-02T07:00:01Z');
    const first = await deliverOnce({ store, poster, now }, request());
    const second = await deliverOnce({ store, poster, now }, request());
    expect(first.entry).toMatchObject({ status: 'sent', messageId: 'm1', attempts: 1 });
    expect(second.replayed).toBe(true);
    expect(poster.sends).toBe(1);
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN the pending write fails THEN nothing is sent', async () => {
    const store = failingOn(await memoryStore(), 'pending');
    const poster = fakePoster();
    const { now } = clock('2026-03-02T07:00:01Z');
    await expect(deliverOnce({ store, poster, now }, request())).rejects.toBeInstanceOf(StoreError);
    expect(poster.sends).toBe(0);
  });

  test('GIVEN a crash between pending and send WHEN the run is retried THEN it is sent once with the same nonce', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    poster.failNext(1, new Error('process died'));
    await expect(deliverOnce({ store, poster, now }, request())).rejects.toBeInstanceOf(
      TransientDeliveryError,
    );
    const pending = await store.ledgerGet(runKey('g1', 's1', SLOT));
    expect(pending?.status).toBe('pending');
    advance(30_000);
    const retried = await deliverOnce({ store, poster, now }, request());
    expect(retried.entry).toMatchObject({ status: 'sent', nonce: pending?.nonce, attempts: 2 });
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a crash between send and the ledger write WHEN restarted within the nonce window THEN Discord de-duplicates the resend', async () => {
    const base = await memoryStore();
    const poster = fakePoster();
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    await expect(
      deliverOnce({ store: failingOn(base, 'sent'), poster, now }, request()),
    ).rejects.toBeInstanceOf(StoreError);
    expect(poster.sent).toHaveLength(1);
    advance(NONCE_WINDOW_MS - 1000);
    const after = await deliverOnce({ store: base, poster, now }, request());
    expect(after.entry).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(poster.sends).toBe(2);
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a pending run older than the nonce window and a Poster that can look WHEN the message is there THEN it is recorded sent, not resent', async () => {
    const base = await memoryStore();
    const poster = fakePoster({ find: true });
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    await expect(deliverOnce({ store: failingOn(base, 'sent'), poster, now }, request())).rejects.toThrow();
    advance(NONCE_WINDOW_MS + 60_000);
    const after = await deliverOnce({ store: base, poster, now }, request());
    expect(after.entry).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(poster.sends).toBe(1);
  });

  test('GIVEN a pending run older than the nonce window and a Poster that can look WHEN the message is not there THEN it is sent now', async () => {
    const store = await memoryStore();
    const poster = fakePoster({ find: true });
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    poster.failNext(1);
    await expect(deliverOnce({ store, poster, now }, request())).rejects.toThrow();
    advance(NONCE_WINDOW_MS + 60_000);
    const after = await deliverOnce({ store, poster, now }, request());
    expect(after.entry.status).toBe('sent');
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a pending run older than the nonce window and a Poster that cannot look THEN it is failed as unknown and not resent', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    poster.failNext(1);
    await expect(deliverOnce({ store, poster, now }, request())).rejects.toThrow();
    advance(NONCE_WINDOW_MS + 1);
    const after = await deliverOnce({ store, poster, now }, request());
    expect(after.entry.status).toBe('failed');
    expect(after.entry.reason).toMatch(/outcome unknown/);
    expect(poster.sends).toBe(1);
  });
});

describe('channel problems', () => {
  test.each<[ChannelCheck, RegExp, string[]]>([
    [
      { ok: false, reason: 'missing-permissions', missing: ['Embed Links'] },
      /missing permission: Embed Links/,
      ['Embed Links'],
    ],
    [{ ok: false, reason: 'channel-gone' }, /channel not found/, []],
  ])(
    'GIVEN the check fails (%o) THEN nothing is sent and the run is failed with the reason',
    async (check, reason, missing) => {
      const store = await memoryStore();
      const poster = fakePoster();
      poster.broken.set('c1', check);
      const result = await deliverOnce({ store, poster, now: () => new Date(SLOT) }, request());
      expect(result.entry.status).toBe('failed');
      expect(result.entry.reason).toMatch(reason);
      expect(result.missing).toEqual(missing);
      expect(poster.sends).toBe(0);
    },
  );

  test.each([
    [new DeliveryError(50013, 'Missing Permissions', ['Send Messages']), /missing permission: Send Messages/],
    [new DeliveryError(50001, 'Missing Access'), /missing access \(Discord 50001\)/],
    [new DeliveryError(10003, 'Unknown Channel'), /channel not found/],
  ])('GIVEN Discord refuses with %s THEN the run is failed with a reason', async (error, reason) => {
    const store = await memoryStore();
    const poster = fakePoster();
    poster.refuse.set('c1', error);
    const result = await deliverOnce({ store, poster, now: () => new Date(SLOT) }, request());
    expect(result.entry.status).toBe('failed');
    expect(result.entry.reason).toMatch(reason);
    expect(result.missing).toEqual(error.missing);
  });

  test('GIVEN an empty digest THEN the run is recorded empty and nothing is sent', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const result = await deliverOnce(
      { store, poster, now: () => new Date(SLOT) },
      request({ compose: () => null }),
    );
    expect(result.entry.status).toBe('empty');
    expect(poster.sends).toBe(0);
  });
});
