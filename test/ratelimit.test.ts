import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runConsole } from '../src/console/index.js';
import { createRateLimiter, slowDownMessage } from '../src/ratelimit.js';
import { fakeRegistry, makeContext } from './console/fake-commands.js';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('per-user rate limit', () => {
  test('GIVEN a burst of 3 WHEN a user sends 4 at once THEN the 4th is refused with the wait until the next', () => {
    const c = clock();
    const limiter = createRateLimiter({ perMinute: 6, burst: 3, now: c.now });
    expect([1, 2, 3].map(() => limiter.take('u').ok)).toEqual([true, true, true]);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 10_000 });
    c.advance(4_000);
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterMs: 6_000 });
  });

  test('GIVEN a user past the limit WHEN time passes THEN actions come back at the sustained rate, up to the burst', () => {
    const c = clock();
    const limiter = createRateLimiter({ perMinute: 6, burst: 2, now: c.now });
    limiter.take('u');
    limiter.take('u');
    c.advance(10_000);
    expect(limiter.take('u').ok).toBe(true);
    expect(limiter.take('u').ok).toBe(false);
    c.advance(10 * 60_000);
    expect([1, 2, 3].map(() => limiter.take('u').ok)).toEqual([true, true, false]);
  });

  test('GIVEN one user past the limit WHEN another user acts THEN the other is not affected', () => {
    const limiter = createRateLimiter({ perMinute: 1, burst: 1, now: clock().now });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('b').ok).toBe(true);
  });

  test('GIVEN perMinute 0 WHEN a user sends many THEN none is refused', () => {
    const limiter = createRateLimiter({ perMinute: 0, burst: 1 });
    expect(Array.from({ length: 100 }, () => limiter.take('u').ok).every(Boolean)).toBe(true);
  });

  test('GIVEN many users over time WHEN their buckets refill THEN they are forgotten and memory stays bounded', () => {
    const c = clock();
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, now: c.now });
    for (let i = 0; i < 25_000; i++) {
      limiter.take(`user-${i}`);
      c.advance(5);
    }
    expect(limiter.tracked).toBeLessThanOrEqual(10_001);
    // Pruning forgets only full buckets: the latest user is still limited.
    expect(limiter.take('user-24999').ok).toBe(false);
    expect(limiter.take('user-0').ok).toBe(true);
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
