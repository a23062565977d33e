import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { runConsole } from '../src/console/index.js';
import { createRateLimiter, type RateLimiter, slowDownMessage } from '../src/ratelimit.js';
import { fakeRegistry, makeContext } from './console/fake-commands.js';

describe('per-user rate limit', () => {
  // The library reads Date.now(): fake timers move its clock.
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-12-02T08:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const takeAll = async (limiter: RateLimiter, user: string, n: number) => {
    const out: boolean[] = [];
    for (let i = 0; i < n; i++) out.push((await limiter.take(user)).ok);
    return out;
  };

  test('GIVEN a burst of 3 at 6 a minute WHEN a user sends 4 at once THEN the 4th is refused with the wait until the window ends', async () => {
    const limiter = createRateLimiter({ perMinute: 6, burst: 3 });
    expect(await takeAll(limiter, 'u', 3)).toEqual([true, true, true]);
    expect(await limiter.take('u')).toEqual({ ok: false, retryAfterMs: 30_000 });
    vi.advanceTimersByTime(4_000);
    expect(await limiter.take('u')).toEqual({ ok: false, retryAfterMs: 26_000 });
  });

  test('GIVEN a user past the limit WHEN the window has passed THEN a full burst is allowed again, and no more', async () => {
    const limiter = createRateLimiter({ perMinute: 6, burst: 2 });
    await takeAll(limiter, 'u', 2);
    expect((await limiter.take('u')).ok).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(await takeAll(limiter, 'u', 3)).toEqual([true, true, false]);
  });

  test('GIVEN 30 a minute with a burst of 10 WHEN a user keeps sending for 3 minutes THEN at most 30 a minute get through after the burst', async () => {
    const limiter = createRateLimiter({ perMinute: 30, burst: 10 });
    let allowed = 0;
    for (let second = 0; second < 180; second++) {
      allowed += (await takeAll(limiter, 'u', 5)).filter(Boolean).length;
      vi.advanceTimersByTime(1_000);
    }
    expect(allowed).toBe(90);
  });

  test('GIVEN one user past the limit WHEN another user acts THEN the other is not affected', async () => {
    const limiter = createRateLimiter({ perMinute: 1, burst: 1 });
    expect((await limiter.take('a')).ok).toBe(true);
    expect((await limiter.take('a')).ok).toBe(false);
    expect((await limiter.take('b')).ok).toBe(true);
  });

  test('GIVEN perMinute 0 WHEN a user sends many THEN none is refused', async () => {
    const limiter = createRateLimiter({ perMinute: 0, burst: 1 });
    expect((await takeAll(limiter, 'u', 100)).every(Boolean)).toBe(true);
  });

  test.each([
    [400, 'Please wait 1 second and try again.'],
    [1000, 'Please wait 1 second and try again.'],
    [9500, 'Please wait 10 seconds and try again.'],
  ])('GIVEN a wait of %i ms WHEN told THEN the message says %j', (ms, end) => {
    expect(slowDownMessage(ms)).toMatch(new RegExp(`${end.replace(/\./g, '\\.')}$`));
  });
});

describe('the console with a rate limit', () => {
  test('GIVEN a burst of 2 WHEN a third command and a button press follow at once THEN both are refused with when to retry', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const result = await runConsole({
      registry: fakeRegistry(),
      makeContext: makeContext(),
      output,
      input: Readable.from(['/quote\n/quote\n/quote\nanother quote\n']),
      isTTY: false,
      env: {},
      locale: 'en-GB',
      timeZone: 'UTC',
      rateLimit: createRateLimiter({ perMinute: 1, burst: 2 }),
    });
    expect(result).toMatchObject({ commands: 4, errors: 2 });
    expect(text.match(/Quote number \d+/g)).toHaveLength(2);
    expect(text.match(/Please wait \d+ seconds and try again\./g)).toHaveLength(2);
  });
});
