/**
 * vitest glue: the default check after every test is that the bot broke no Discord rule and made
 * no call the fake does not know. Kept apart from index.ts so benchmarks can use the fake without
 * vitest.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from './index.js';

export const expectClean = (fake: FakeDiscord) => {
  expect(fake.violations, 'Discord rules broken (fake.violations)').toEqual([]);
  expect(
    fake.unexpected.map((r) => `${r.method} ${r.path}`),
    'requests the fake does not model (fake.unexpected)',
  ).toEqual([]);
};

/**
 * One fake per test file: started before the tests, checked and reset after each, closed at the
 * end. Read `.fake` inside tests and hooks (it is set once beforeAll has run).
 */
export const useFakeDiscord = (options: FakeDiscordOptions = {}) => {
  const holder: { fake: FakeDiscord } = {
    get fake(): FakeDiscord {
      throw new Error('fake-discord: use holder.fake inside tests or hooks, after beforeAll');
    },
  };
  let started: FakeDiscord | undefined;
  beforeAll(async () => {
    started = await startFakeDiscord(options);
    Object.defineProperty(holder, 'fake', { value: started });
  });
  afterEach(() => {
    if (!started) return;
    try {
      expectClean(started);
    } finally {
      started.reset();
    }
  });
  afterAll(async () => {
    await started?.close();
  });
  return holder;
};
