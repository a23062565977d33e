import { describe, expect, test } from 'vitest';
import { buildLibrary } from '../../src/briefings/library.js';
import { ahead, briefing, loadOf } from '../briefings/library-fixtures.js';
import { context, longPlainLibrary, oversizedLibrary } from './fixtures.js';
import { allPages, button, complete, press, run, texts } from './helpers.js';

const names = (reply: Awaited<ReturnType<typeof run>>) => reply.embeds?.[0]?.fields?.map((f) => f.name);

describe('/lookahead', () => {
  test('GIVEN no option WHEN run THEN every item, dated soonest first with timestamps, then undated', async () => {
    const reply = await run('lookahead');
    expect(names(reply)).toEqual(['2026', '25 January 2026', '10 February 2026', 'Q2 2026', 'No date given']);
    const values = reply.embeds?.[0]?.fields?.map((f) => f.value) ?? [];
    expect(values[0]).toMatch(
      new RegExp(
        `^Under way until <t:${Date.UTC(2026, 11, 31, 12) / 1000}:D>\\nGuarantees to be finalised\\.`,
      ),
    );
    expect(values[1]).toMatch(
      /^<t:\d+:D> \(<t:\d+:R>\)\nSanctions review\.\n\*Washington readout on sanctions\* · Economy & reconstruction$/,
    );
    expect(values[3]).toMatch(/^Starts <t:\d+:R>\nA reconstruction conference\./);
    expect(reply.embeds?.[0]?.description).toBe(
      '5 items, all items, dated and undated; 4 dated, soonest first.',
    );
  });

  test.each([
    ['week', ['25 January 2026']],
    ['month', ['25 January 2026', '10 February 2026']],
    ['quarter', ['25 January 2026', '10 February 2026', 'Q2 2026']],
    ['year', ['2026', '25 January 2026', '10 February 2026', 'Q2 2026']],
  ])(
    'GIVEN 20 January 2026 and within:%s WHEN run THEN only items expected in that window (not "2026", which may be any day of the year)',
    async (within, expected) => {
      expect(names(await run('lookahead', { within }))).toEqual(expected);
    },
  );

  test('GIVEN a theme WHEN run THEN only its items, in its colour, without repeating the theme', async () => {
    const reply = await run('lookahead', { theme: 'economy' });
    expect(names(reply)).toEqual(['25 January 2026', 'Q2 2026']);
    expect(reply.embeds?.[0]?.color).toBe(0x27ae60);
    expect(reply.embeds?.[0]?.title).toBe('Looking ahead: Economy & reconstruction');
    expect(texts(reply)).not.toContain('· Economy');
  });

  test('GIVEN nothing in the window WHEN run THEN it suggests a longer one', async () => {
    const reply = await run('lookahead', { theme: 'outlook', within: 'week' });
    expect(reply.ephemeral).toBe(true);
    expect(texts(reply)).toContain('Nothing is expected on Outlook in the next week. Try a longer window');
  });

  test('GIVEN a typed theme WHEN autocompleted THEN it ranks themes', async () => {
    expect((await complete('lookahead', 'theme', 'out')).map((c) => c.value)).toEqual(['outlook']);
  });

  test('GIVEN hundreds of items WHEN paged through THEN each appears once, in order, and pages work after a restart', async () => {
    const lib = longPlainLibrary(10);
    const ctx = context({ library: lib });
    const first = await run('lookahead', { within: 'all' }, ctx);
    const pages = await allPages(first, ctx);
    const seen = pages.flatMap((p) => p.embeds?.[0]?.fields ?? []);
    const expected = lib.lookahead({ within: 'all', now: ctx.now() });
    expect(seen).toHaveLength(expected.length);
    for (const [i, f] of seen.entries()) expect(f.value).toContain(expected[i]?.item.text.split(' ').at(-1));
    expect(button(pages.at(-1) ?? {}, 'Next ▶').disabled).toBe(true);
    const restarted = context({ library: longPlainLibrary(10) });
    expect(await press(first, 'Next ▶', restarted)).toEqual(pages[1]);
  });

  test('GIVEN items full of markdown and mentions WHEN paged through THEN every page is within limits', async () => {
    const ctx = context({ library: oversizedLibrary(5) });
    const pages = await allPages(
      await run('lookahead', { theme: 'security-defence', within: 'year' }, ctx),
      ctx,
    );
    expect(pages.length).toBeGreaterThan(2);
  });

  test('GIVEN the real library on 10 June 2026 WHEN within:week THEN an item dated only "2026" is not listed, one due this week is', async () => {
    const library = buildLibrary(
      loadOf([
        briefing('b', {
          looking_ahead: [
            ahead({ text: 'Elections some time this year.', horizon: '2026' }),
            ahead({ text: 'A vote on Friday.', horizon: '2026-06-12' }),
          ],
        }),
      ]),
    );
    try {
      const ctx = context({ library, now: () => new Date('2026-06-10T09:00:00Z') });
      const reply = await run('lookahead', { within: 'week' }, ctx);
      expect(texts(reply)).toContain('A vote on Friday.');
      expect(texts(reply)).not.toContain('Elections some time this year.');
    } finally {
      library.dispose?.();
    }
  });
});
