/** /schedule history's lines: each outcome in words, with a link to what was posted. */
import { describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../../src/digest/index.js';
import { messageUrl, outcomeText, renderHistory, runLine } from '../../../src/render/views/history.js';
import { scheduleRecord } from '../../digest/fixtures.js';

const G = '111111111111111111';
const C = '222222222222222222';
const M = '333333333333333333';
const SLOT = '2026-03-02T08:00:00.000Z';
const at = `<t:${Date.parse(SLOT) / 1000}:f>`;

const entry = (patch: Partial<LedgerEntry>): LedgerEntry => ({
  key: `${G}:abcd12:${SLOT}`,
  guildId: G,
  scheduleId: 'abcd12',
  slot: SLOT,
  status: 'sent',
  nonce: 'n',
  attempts: 1,
  createdAt: SLOT,
  updatedAt: SLOT,
  ...patch,
});

describe('runLine', () => {
  test.each<[string, Partial<LedgerEntry>, string]>([
    [
      'a digest sent',
      { messageId: M },
      `${at} · ✅ sent · [message](https://discord.com/channels/${G}/${C}/${M})`,
    ],
    [
      'a late one',
      { messageId: M, late: true },
      `${at} · ✅ sent (late) · [message](https://discord.com/channels/${G}/${C}/${M})`,
    ],
    [
      'one run by hand',
      { slot: `manual-${SLOT}`, manual: true, messageId: M },
      `${at} · ✅ sent (by hand) · [message](https://discord.com/channels/${G}/${C}/${M})`,
    ],
    [
      'a forum post',
      { messageId: M, target: 'forum' },
      `${at} · ✅ sent · [post](https://discord.com/channels/${G}/${M})`,
    ],
    [
      'one published, its thread not started',
      { messageId: M, published: true, followUp: 'could not start the thread (Discord 50013)' },
      `${at} · ✅ sent and published ⚠️ could not start the thread (Discord 50013) · [message](https://discord.com/channels/${G}/${C}/${M})`,
    ],
    [
      'one with its thread',
      { messageId: M, threadId: '444444444444444444' },
      `${at} · ✅ sent · [message](https://discord.com/channels/${G}/${C}/${M}) · [thread](https://discord.com/channels/${G}/444444444444444444)`,
    ],
    ['nothing to post', { status: 'empty' }, `${at} · ⏭️ nothing to post`],
    [
      'a skip',
      { status: 'skipped', reason: 'missed while the bot was offline' },
      `${at} · ⏭️ skipped: missed while the bot was offline`,
    ],
    [
      'a failure',
      { status: 'failed', reason: 'missing permission: Embed Links' },
      `${at} · ❌ failed: missing permission: Embed Links`,
    ],
    [
      'a failure whose reason holds a network error',
      { status: 'failed', reason: 'could not send (connect ECONNREFUSED 10.0.0.7:443)' },
      `${at} · ❌ failed: could not send (details in the bot's log)`,
    ],
    [
      'an unknown outcome',
      { status: 'failed', reason: "outcome unknown: pending since 08:00, past Discord's nonce window" },
      `${at} · ❔ outcome unknown: pending since 08:00, past Discord's nonce window`,
    ],
    ['a run in progress', { status: 'pending' }, `${at} · ⏳ in progress`],
  ])('GIVEN %s THEN its line says so', (_what, patch, line) => {
    expect(runLine(entry(patch), G, C)).toBe(line);
  });

  test('GIVEN the console (no Discord ids) THEN the message id shows, with no link', () => {
    expect(runLine(entry({ messageId: 'console-1' }), 'console', 'briefings')).toBe(
      `${at} · ✅ sent · message console-1`,
    );
    expect(messageUrl('console', 'briefings', 'console-1')).toBeUndefined();
  });

  test("GIVEN the operator's server THEN a failure's reason shows whole", () => {
    const failed = entry({ status: 'failed', reason: 'could not send (connect ECONNREFUSED 10.0.0.7:443)' });
    expect(outcomeText(failed, { operator: true })).toBe(
      '❌ failed: could not send (connect ECONNREFUSED 10.0.0.7:443)',
    );
  });
});

describe('renderHistory', () => {
  test('GIVEN a schedule moved to another channel THEN each run links into the channel it was posted to', () => {
    const moved = '555555555555555555';
    const reply = renderHistory({
      history: {
        schedule: scheduleRecord({ id: 'abcd12', guildId: G, channelId: moved }),
        runs: [
          entry({ messageId: M, channelId: C }),
          entry({ slot: '2026-03-03T08:00:00.000Z', messageId: '666666666666666666', channelId: moved }),
        ],
      },
      page: 0,
      reader: {},
      pageId: (page) => `history:${page}`,
    });
    const text = reply.embeds?.[0]?.description ?? '';
    expect(text).toContain(`https://discord.com/channels/${G}/${C}/${M}`);
    expect(text).toContain(`https://discord.com/channels/${G}/${moved}/666666666666666666`);
  });
});
