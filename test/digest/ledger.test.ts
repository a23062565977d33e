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
  // The scheduler's first of three attempts: a transient failure is thrown for it to retry.
  attempt: { number: 1, of: 3 },
  ...overrides,
});
const LAST = { attempt: { number: 3, of: 3 } };
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

  test('GIVEN a pending run older than the nonce window WHEN the Poster cannot tell whether it was posted THEN it is failed as unknown, with why, and not resent', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    poster.find = async () => {
      throw new Error(
        'no digest marked "run x" among the first 1000 messages since …, and the channel holds more',
      );
    };
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    poster.failNext(1);
    await expect(deliverOnce({ store, poster, now }, request())).rejects.toThrow();
    advance(NONCE_WINDOW_MS + 1);
    const after = await deliverOnce({ store, poster, now }, request());
    expect(after.entry.status).toBe('failed');
    expect(after.entry.reason).toMatch(
      /^outcome unknown: could not check the channel for it \(no digest marked .* the channel holds more\); not resent/,
    );
    expect(poster.sends).toBe(1);
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

describe('transient failures', () => {
  const timeout = () => new Error('connect ETIMEDOUT (GET /channels/c1)');
  const failures: [string, (p: ReturnType<typeof fakePoster>) => Partial<RunRequest>, RegExp][] = [
    [
      'the channel check times out',
      (p) => {
        p.check = async () => {
          throw timeout();
        };
        return {};
      },
      /could not check the channel \(connect ETIMEDOUT/,
    ],
    [
      'composing the digest throws',
      () => ({
        compose: () => {
          throw new Error('library snapshot unreadable');
        },
      }),
      /could not compose the digest \(library snapshot unreadable\)/,
    ],
    [
      'Discord answers 503 after its own retries',
      (p) => {
        p.failNext(1, new Error('Service Unavailable'));
        return {};
      },
      /Discord did not accept it \(Service Unavailable\)/,
    ],
  ];

  test.each(failures)(
    'GIVEN %s WHEN it is not the last attempt THEN it is thrown as transient for a retry with the same nonce',
    async (_what, arrange, reason) => {
      const store = await memoryStore();
      const poster = fakePoster();
      const overrides = arrange(poster);
      const error = await deliverOnce({ store, poster, now: () => new Date(SLOT) }, request(overrides)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransientDeliveryError);
      expect((error as Error).message).toMatch(reason);
      expect(poster.sent).toHaveLength(0);
    },
  );

  test.each(failures)(
    'GIVEN %s WHEN it is the last attempt THEN the run is recorded failed with the reason, not left pending or unrecorded',
    async (_what, arrange, reason) => {
      const store = await memoryStore();
      const poster = fakePoster();
      const overrides = arrange(poster);
      const result = await deliverOnce(
        { store, poster, now: () => new Date(SLOT) },
        request({ ...overrides, ...LAST }),
      );
      expect(result.transient).toBe(true);
      expect(result.entry.status).toBe('failed');
      expect(result.entry.reason).toMatch(/^gave up after 3 attempts: /);
      expect(result.entry.reason).toMatch(reason);
      expect(await store.ledgerGet(runKey('g1', 's1', SLOT))).toMatchObject({ status: 'failed' });
    },
  );

  test('GIVEN a check that timed out twice WHEN the third attempt succeeds THEN one digest is posted and the entry is sent', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const check = poster.check;
    let timeouts = 2;
    poster.check = async (g, c) => {
      if (timeouts-- > 0) throw timeout();
      return check(g, c);
    };
    const deps = { store, poster, now: () => new Date(SLOT) };
    for (const number of [1, 2]) {
      await expect(deliverOnce(deps, request({ attempt: { number, of: 3 } }))).rejects.toBeInstanceOf(
        TransientDeliveryError,
      );
    }
    const third = await deliverOnce(deps, request(LAST));
    expect(third.entry).toMatchObject({ status: 'sent', messageId: 'm1' });
    expect(third.entry.reason).toBeUndefined();
    expect(poster.sent).toHaveLength(1);
  });

  test('GIVEN a run by hand (no retries) WHEN Discord fails THEN it is failed at once with the plain reason', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    poster.failNext(1, new Error('Service Unavailable'));
    const result = await deliverOnce(
      { store, poster, now: () => new Date(SLOT) },
      request({ slot: 'manual-2026-03-02T07:00:00.000Z', manual: true, attempt: undefined }),
    );
    expect(result).toMatchObject({ transient: true, entry: { status: 'failed' } });
    expect(result.entry.reason).toBe('Discord did not accept it (Service Unavailable)');
  });

  test('GIVEN a failed run by hand WHEN the admin runs it again THEN it is retried with the same nonce; a scheduled failure is not', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const deps = { store, poster, now: () => new Date(SLOT) };
    const manual = request({ slot: 'manual-2026-03-02T07:00:00.000Z', manual: true, attempt: undefined });
    poster.failNext(1, new Error('Service Unavailable'));
    const first = await deliverOnce(deps, manual);
    const again = await deliverOnce(deps, manual);
    expect(again.entry).toMatchObject({ status: 'sent', nonce: first.entry.nonce });
    expect(poster.sent).toHaveLength(1);

    poster.failNext(1, new Error('Service Unavailable'));
    await deliverOnce(deps, request(LAST));
    const replay = await deliverOnce(deps, request(LAST));
    expect(replay.replayed).toBe(true);
    expect(poster.sent).toHaveLength(1);
  });
});

describe('two processes on one store', () => {
  test('GIVEN two stores on one SQLite file WHEN both deliver the same slot at once THEN Discord is asked once, not saved by the nonce', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('../../src/digest/store.js');
    const dir = mkdtempSync(join(tmpdir(), 'attache-ledger-'));
    const url = `sqlite://${join(dir, 'a.sqlite')}`;
    const [a, b] = [await openStore(url), await openStore(url)];
    try {
      const poster = fakePoster();
      const { now } = clock('2026-03-02T07:00:01Z');
      const results = await Promise.all([
        deliverOnce({ store: a, poster, now }, request()),
        deliverOnce({ store: b, poster, now }, request()),
      ]);
      expect(poster.sends).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect((await b.ledgerGet(runKey('g1', 's1', SLOT)))?.status).toBe('sent');
    } finally {
      await Promise.all([a.close(), b.close()]);
      rmSync(dir, { recursive: true });
    }
  });

  test('GIVEN a claim that was never sent (the process died before sending) WHEN it is resumed past the nonce window THEN it is sent, not given up as unknown', async () => {
    const store = await memoryStore();
    const poster = fakePoster();
    const { now, advance } = clock('2026-03-02T07:00:01Z');
    const key = runKey('g1', 's1', SLOT);
    await store.ledgerClaim({
      key,
      guildId: 'g1',
      scheduleId: 's1',
      slot: SLOT,
      status: 'pending',
      nonce: nonceFor(key),
      attempts: 0,
      createdAt: now().toISOString(),
      updatedAt: now().toISOString(),
    });
    advance(NONCE_WINDOW_MS + 60_000);
    const result = await deliverOnce({ store, poster, now }, request());
    expect(result.entry.status).toBe('sent');
    expect(poster.sends).toBe(1);
  });
});
