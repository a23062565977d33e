/**
 * Delivery rules of forum and announcement channels and digest threads (ledger.ts): a forum post
 * has no nonce, so a pending one is always looked for before a resend; an announcement is
 * published once, retried and reported when it fails, never reposted; a thread is started from
 * the digest with the post's title, archived after a day.
 */
import { describe, expect, test } from 'vitest';
import { postTitle } from '../../src/digest/compose.js';
import {
  type ChannelCheck,
  DeliveryError,
  type Poster,
  type PostOptions,
  StoreError,
} from '../../src/digest/index.js';
import { deliverOnce, FOLLOW_UP_ATTEMPTS, type RunRequest } from '../../src/digest/ledger.js';
import type { Store } from '../../src/digest/store.js';
import type { Reply } from '../../src/render/index.js';
import { postingText } from '../../src/render/views/schedules.js';
import { memoryStore } from './fixtures.js';

const SLOT = '2026-12-02T07:00:00.000Z';
const FORUM: ChannelCheck = {
  ok: true,
  kind: 'forum',
  forum: { tags: [{ id: 't1', name: 'digest' }], requireTag: true },
};

interface Posted {
  channelId: string;
  reply: Reply;
  post?: PostOptions;
  id: string;
}

/** Discord as the ledger sees it: no de-duplication in a forum, publish and thread counted. */
function targetPoster(check: ChannelCheck, opts: { find?: boolean } = {}) {
  const posted: Posted[] = [];
  const calls = { publish: 0, thread: [] as { messageId: string; name: string; minutes: number }[] };
  const faults = { publish: [] as Error[], thread: undefined as Error | undefined };
  const poster: Poster = {
    async check() {
      return check;
    },
    async send(_guildId, channelId, reply, _nonce, post) {
      const id = `p${posted.length + 1}`;
      posted.push({ channelId, reply, id, ...(post ? { post } : {}) });
      return id;
    },
    async publish() {
      calls.publish++;
      const fault = faults.publish.shift();
      if (fault) throw fault;
    },
    async startThread(_guildId, _channelId, messageId, thread) {
      calls.thread.push({ messageId, name: thread.name, minutes: thread.autoArchiveMinutes });
      if (faults.thread) throw faults.thread;
      return `thread-${messageId}`;
    },
  };
  if (opts.find) {
    poster.find = async (_guildId, channelId, marker) =>
      posted.find(
        (p) => p.channelId === channelId && p.reply.embeds?.some((e) => e.footer?.text.includes(marker)),
      )?.id ?? null;
  }
  return { poster, posted, calls, faults };
}

const request = (overrides: Partial<RunRequest> = {}): RunRequest => ({
  guildId: 'g1',
  channelId: 'c1',
  scheduleId: 's1',
  slot: SLOT,
  title: postTitle(new Date(SLOT), 'Europe/Brussels'),
  compose: (marker): Reply => ({ embeds: [{ title: 'Digest', footer: { text: `Attaché · ${marker}` } }] }),
  attempt: { number: 1, of: 3 },
  ...overrides,
});
const now = () => new Date('2026-12-02T07:00:05Z');

/** A store whose `sent` write fails once: the process died after the post, before recording it. */
const crashingOnSent = (store: Store): Store => {
  let crashed = false;
  return {
    ...store,
    async ledgerSet(entry) {
      if (entry.status === 'sent' && !crashed) {
        crashed = true;
        throw new StoreError('process killed before the ledger write');
      }
      return store.ledgerSet(entry);
    },
  };
};

describe('GIVEN a forum channel', () => {
  test('WHEN a digest is delivered THEN it is one post with the local date as title and the tags', async () => {
    const store = await memoryStore();
    const { poster, posted } = targetPoster(FORUM);
    const { entry } = await deliverOnce({ store, poster, now }, request({ tags: ['t1'] }));
    expect(entry).toMatchObject({ status: 'sent', messageId: 'p1', target: 'forum' });
    expect(posted.map((p) => p.post)).toEqual([
      { forum: { title: 'Looking ahead — Wed 2 Dec 2026', tags: ['t1'] } },
    ]);
  });

  test('WHEN the process dies after the post and before recording it THEN the rerun, seconds later, finds the post and posts nothing', async () => {
    const base = await memoryStore();
    const { poster, posted } = targetPoster(FORUM, { find: true });
    await expect(
      deliverOnce({ store: crashingOnSent(base), poster, now }, request({ tags: ['t1'] })),
    ).rejects.toBeInstanceOf(StoreError);
    // Well inside the nonce window: a message would be resent here, a forum post must not be.
    const { entry } = await deliverOnce({ store: base, poster, now }, request({ tags: ['t1'] }));
    expect(entry).toMatchObject({ status: 'sent', messageId: 'p1' });
    expect(posted).toHaveLength(1);
  });

  test('WHEN a pending post cannot be looked for THEN it is failed as outcome unknown and not posted again', async () => {
    const base = await memoryStore();
    const { poster, posted } = targetPoster(FORUM);
    await expect(
      deliverOnce({ store: crashingOnSent(base), poster, now }, request({ tags: ['t1'] })),
    ).rejects.toBeInstanceOf(StoreError);
    const { entry } = await deliverOnce({ store: base, poster, now }, request({ tags: ['t1'] }));
    expect(entry.status).toBe('failed');
    expect(entry.reason).toMatch(/outcome unknown: a forum post/);
    expect(posted).toHaveLength(1);
  });

  test.each([
    [[], /requires a tag/],
    [['gone'], /tag of this schedule was deleted/],
  ])(
    'WHEN the post would carry tags %o THEN nothing is posted and the run fails saying why',
    async (tags, reason) => {
      const store = await memoryStore();
      const { poster, posted } = targetPoster(FORUM);
      const { entry } = await deliverOnce({ store, poster, now }, request({ tags }));
      expect(entry.status).toBe('failed');
      expect(entry.reason).toMatch(reason);
      expect(posted).toHaveLength(0);
    },
  );
});

describe('GIVEN an announcement channel', () => {
  test('WHEN publishing fails twice THEN it is retried, published once, and the digest posted once', async () => {
    const store = await memoryStore();
    const { poster, posted, calls, faults } = targetPoster({ ok: true, kind: 'announcement' });
    faults.publish.push(new Error('503'), new Error('503'));
    const { entry } = await deliverOnce({ store, poster, now }, request());
    expect(entry).toMatchObject({ status: 'sent', published: true });
    expect(entry.followUp).toBeUndefined();
    expect(calls.publish).toBe(3);
    expect(posted).toHaveLength(1);
  });

  test('WHEN publishing keeps failing THEN the digest stays sent, unpublished, with the reason, and is not posted again', async () => {
    const store = await memoryStore();
    const { poster, posted, calls, faults } = targetPoster({ ok: true, kind: 'announcement' });
    faults.publish.push(
      ...Array.from({ length: FOLLOW_UP_ATTEMPTS }, () => new Error('503 Service Unavailable')),
    );
    const { entry } = await deliverOnce({ store, poster, now }, request());
    expect(entry).toMatchObject({ status: 'sent', published: false });
    expect(entry.followUp).toMatch(/not published to following servers \(503 Service Unavailable\)/);
    expect(calls.publish).toBe(FOLLOW_UP_ATTEMPTS);
    const again = await deliverOnce({ store, poster, now }, request());
    expect(again.replayed).toBe(true);
    expect(posted).toHaveLength(1);
  });

  test('WHEN Discord refuses to publish (a DeliveryError) THEN it is not retried', async () => {
    const store = await memoryStore();
    const { poster, calls, faults } = targetPoster({ ok: true, kind: 'announcement' });
    faults.publish.push(new DeliveryError(50013, 'Missing Permissions'));
    const { entry } = await deliverOnce({ store, poster, now }, request());
    expect(entry.published).toBe(false);
    expect(calls.publish).toBe(1);
  });
});

describe('GIVEN thread on', () => {
  test.each(['text', 'announcement'] as const)(
    'WHEN a digest is posted in a %s channel THEN a thread named like it starts from it, archived after a day',
    async (kind) => {
      const store = await memoryStore();
      const { poster, calls } = targetPoster({ ok: true, kind });
      const { entry } = await deliverOnce({ store, poster, now }, request({ thread: true }));
      expect(entry).toMatchObject({ status: 'sent', threadId: 'thread-p1' });
      expect(calls.thread).toEqual([
        { messageId: 'p1', name: 'Looking ahead — Wed 2 Dec 2026', minutes: 1440 },
      ]);
    },
  );

  test('WHEN the thread cannot be started THEN the digest stays sent and the entry says what failed', async () => {
    const store = await memoryStore();
    const { poster, posted, faults } = targetPoster({ ok: true, kind: 'text' });
    faults.thread = new DeliveryError(50013, 'missing permission: Create Public Threads', [
      'Create Public Threads',
    ]);
    const { entry } = await deliverOnce({ store, poster, now }, request({ thread: true }));
    expect(entry.status).toBe('sent');
    expect(entry.followUp).toMatch(/thread could not be started/);
    expect(posted).toHaveLength(1);
  });
});

/** A store whose first write after the `sent` one fails: the process died after recording the post. */
const crashingAfterSent = (store: Store): Store => {
  let sentSeen = false;
  let crashed = false;
  return {
    ...store,
    async ledgerSet(entry) {
      if (sentSeen && !crashed) {
        crashed = true;
        throw new StoreError('process killed after the sent write');
      }
      if (entry.status === 'sent') sentSeen = true;
      return store.ledgerSet(entry);
    },
  };
};

describe('GIVEN a process that stops between the post and what follows it', () => {
  test('WHEN it stops after the post and before recording it THEN the rerun publishes and starts the thread from the message it finds, posting nothing', async () => {
    const base = await memoryStore();
    const { poster, posted, calls } = targetPoster({ ok: true, kind: 'announcement' });
    await expect(
      deliverOnce({ store: crashingOnSent(base), poster, now }, request({ thread: true })),
    ).rejects.toBeInstanceOf(StoreError);
    expect(calls.publish).toBe(0);
    expect((await base.ledgerGet(`g1:s1:${SLOT}`))?.due).toEqual(['publish', 'thread']);
    // Seconds later: inside the nonce window the send is repeated, and Discord answers with the post.
    const resent = { ...poster, send: async () => 'p1' };
    const { entry } = await deliverOnce({ store: base, poster: resent, now }, request({ thread: true }));
    expect(entry).toMatchObject({ status: 'sent', messageId: 'p1', published: true, threadId: 'thread-p1' });
    expect(entry.due).toBeUndefined();
    expect(calls.publish).toBe(1);
    expect(calls.thread.map((t) => t.messageId)).toEqual(['p1']);
    expect(posted).toHaveLength(1);
  });

  test('WHEN it stops after recording the post and before publishing THEN the next run of the slot publishes it and starts its thread, in the channel it was posted to', async () => {
    const base = await memoryStore();
    const { poster, posted, calls } = targetPoster({ ok: true, kind: 'announcement' });
    const publishedIn: string[] = [];
    const publish = poster.publish?.bind(poster);
    poster.publish = async (guildId, channelId, messageId) => {
      publishedIn.push(channelId);
      return publish?.(guildId, channelId, messageId);
    };
    // The publish itself went through; recording it did not.
    await expect(
      deliverOnce({ store: crashingAfterSent(base), poster, now }, request({ thread: true })),
    ).rejects.toBeInstanceOf(StoreError);
    const stored = await base.ledgerGet(`g1:s1:${SLOT}`);
    expect(stored).toMatchObject({ status: 'sent', messageId: 'p1', due: ['publish', 'thread'] });

    // The schedule has moved since; what follows the post is done where the post is.
    const later = () => new Date('2026-12-02T09:00:00Z');
    const { entry, replayed } = await deliverOnce(
      { store: base, poster, now: later },
      request({ thread: true, channelId: 'c2' }),
    );
    expect(replayed).toBe(true);
    expect(entry).toMatchObject({ status: 'sent', published: true, threadId: 'thread-p1' });
    expect(entry.due).toBeUndefined();
    expect(publishedIn).toEqual(['c1', 'c1']);
    expect(posted).toHaveLength(1);

    // Done: a third run does nothing at all.
    await deliverOnce({ store: base, poster, now: later }, request({ thread: true }));
    expect(calls.publish).toBe(2);
    expect(calls.thread).toHaveLength(2);
  });
});

/** A store whose `sent` write lands, then the process dies: before anything that follows the post. */
const dyingAfterSentWrite = (store: Store): Store => {
  let died = false;
  return {
    ...store,
    async ledgerSet(entry) {
      await store.ledgerSet(entry);
      if (entry.status === 'sent' && !died) {
        died = true;
        throw new StoreError('process killed after the sent write');
      }
    },
  };
};

describe('GIVEN a post recorded sent, and the process gone before publishing it', () => {
  test('WHEN the slot runs again THEN it is published once and its thread started, and nothing is posted again', async () => {
    const base = await memoryStore();
    const { poster, posted, calls } = targetPoster({ ok: true, kind: 'announcement' });
    await expect(
      deliverOnce({ store: dyingAfterSentWrite(base), poster, now }, request({ thread: true })),
    ).rejects.toBeInstanceOf(StoreError);
    expect(calls.publish).toBe(0);
    expect(calls.thread).toHaveLength(0);
    const { entry } = await deliverOnce({ store: base, poster, now }, request({ thread: true }));
    expect(entry).toMatchObject({ status: 'sent', published: true, threadId: 'thread-p1' });
    expect(calls.publish).toBe(1);
    expect(calls.thread).toHaveLength(1);
    expect(posted).toHaveLength(1);
  });
});

describe('GIVEN a run left pending in one channel, and the schedule moved to another', () => {
  test('WHEN it is resumed past the nonce window THEN the post is looked for where it was sent, found, and not posted again', async () => {
    const base = await memoryStore();
    const { poster, posted } = targetPoster({ ok: true, kind: 'text' }, { find: true });
    await expect(
      deliverOnce({ store: crashingOnSent(base), poster, now }, request({ channelId: 'old' })),
    ).rejects.toBeInstanceOf(StoreError);
    const later = () => new Date('2026-12-02T07:30:00Z');
    const { entry } = await deliverOnce({ store: base, poster, now: later }, request({ channelId: 'new' }));
    expect(entry).toMatchObject({ status: 'sent', messageId: 'p1', channelId: 'old' });
    expect(posted.map((p) => p.channelId)).toEqual(['old']);
  });
});

describe('postTitle', () => {
  test.each([
    ['2026-12-02T07:00:00Z', 'Europe/Brussels', 'Looking ahead — Wed 2 Dec 2026'],
    ['2026-12-01T23:30:00Z', 'Europe/Brussels', 'Looking ahead — Wed 2 Dec 2026'],
    ['2026-12-01T23:30:00Z', 'America/New_York', 'Looking ahead — Tue 1 Dec 2026'],
  ])('GIVEN %s in %s THEN the title is %s', (at, zone, title) => {
    expect(postTitle(new Date(at), zone)).toBe(title);
  });
});

describe('postingText', () => {
  test('GIVEN forum tags and a thread THEN /schedule list and the saved reply say how digests are posted', () => {
    const base = { tags: [{ id: 't1', name: 'digest' }], thread: true } as Parameters<typeof postingText>[0];
    expect(postingText(base)).toBe('forum post tagged digest, with a discussion thread');
    expect(postingText({ ...base, tags: undefined, thread: undefined })).toBeUndefined();
  });
});
