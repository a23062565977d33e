import { describe, expect, test } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { fakeLibrary } from './fake-library.js';
import { BRIEFINGS, context, longPlainLibrary, oversizedLibrary, THEMES } from './fixtures.js';
import { allPages, button, buttonsOf, complete, press, run, texts } from './helpers.js';

const sectionTitles = (reply: Awaited<ReturnType<typeof run>>) =>
  (reply.embeds ?? []).slice(1).map((e) => e.title);

describe('/theme', () => {
  test.each(['security-defence', 'security', 'Security & defence', 'defence'])(
    'GIVEN the theme typed as %j WHEN run THEN its sections come newest briefing first, in its colour',
    async (typed) => {
      const reply = await run('theme', { theme: typed });
      const [header] = reply.embeds ?? [];
      expect(header?.title).toBe('Theme: Security & defence');
      expect(header?.description).toContain('3 sections from 2 briefings, newest first.');
      expect(sectionTitles(reply)).toEqual([
        'Security guarantees',
        'Reconstruction finance',
        'Defence posture',
      ]);
      expect(reply.embeds?.every((e) => e.color === 0xc0392b)).toBe(true);
      expect(reply.embeds?.[1]?.author?.name).toBe('Brussels talks on security guarantees');
      expect(reply.embeds?.[1]?.description).toContain('• Air defence is the priority.');
      expect(reply.embeds?.[1]?.footer?.text).toBe('Example Wire · 15 January 2026');
      expect(reply.embeds?.[3]?.footer?.text).toBe('Other Desk · December 2025');
      expect(buttonsOf(reply)).toEqual([]);
    },
  );

  test('GIVEN a briefing WHEN run THEN only its sections on the theme', async () => {
    const reply = await run('theme', { theme: 'security', briefing: 'washington' });
    expect(sectionTitles(reply)).toEqual(['Defence posture']);
  });

  test('GIVEN a theme no published briefing covers WHEN run THEN it says so and what to try', async () => {
    const reply = await run('theme', { theme: 'outlook' });
    expect(reply.ephemeral).toBe(true);
    expect(texts(reply)).toContain('No briefing covers Outlook yet');
  });

  test('GIVEN a briefing without the theme WHEN run THEN it suggests dropping the briefing', async () => {
    const reply = await run('theme', { theme: 'political-dialogue', briefing: 'washington-readout-2025-12' });
    expect(texts(reply)).toContain('/theme theme:political-dialogue');
  });

  test('GIVEN an unknown theme WHEN run THEN the error names the option and suggests themes', async () => {
    const error = await run('theme', { theme: 'weather' }).catch((e: unknown) => e);
    expect(isUserError(error) && error.option).toBe('theme');
    expect(error instanceof Error && error.message).toMatch(
      /No theme matches “weather”\. Themes: `security-defence`, `political-dialogue`, `economy-reconstruction`, `outlook`\.$/,
    );
  });

  test.each([
    ['', THEMES.map((t) => t.id)],
    ['sec', ['security-defence']],
    ['recon', ['economy-reconstruction']],
    ['o', ['outlook', 'political-dialogue', 'economy-reconstruction']],
  ])('GIVEN %j typed WHEN the theme autocompletes THEN matches come best first', async (typed, ids) => {
    expect((await complete('theme', 'theme', typed)).map((c) => c.value)).toEqual(ids);
  });

  describe('pages', () => {
    const big = oversizedLibrary(12);
    const ctx = context({ library: big });

    test('GIVEN many long sections WHEN paged through THEN every section appears once, whole, in order', async () => {
      const plain = longPlainLibrary(12);
      const plainCtx = context({ library: plain });
      const pages = await allPages(await run('theme', { theme: 'security-defence' }, plainCtx), plainCtx);
      expect(pages.length).toBeGreaterThan(3);
      const seen = pages.flatMap((p) => (p.embeds ?? []).slice(1));
      const expected = plain.byTheme('security-defence');
      expect(seen.map((e) => `${e.author?.name}|${e.title}`)).toEqual(
        expected.map((e) => `${e.briefing.title}|${e.section.heading}`),
      );
      for (const [i, e] of seen.entries())
        expect(e.description).toContain(expected[i]?.section.points.at(-1));
      expect(pages.map((p) => p.embeds?.[0]?.footer?.text)).toEqual(
        pages.map((_, i) => `Page ${i + 1} of ${pages.length}`),
      );
    });

    test('GIVEN sections full of markdown and mentions WHEN paged through THEN every page is within limits', async () => {
      const pages = await allPages(await run('theme', { theme: 'security-defence' }, ctx), ctx);
      expect(pages.length).toBeGreaterThan(3);
    });

    test('GIVEN the first and last pages THEN Previous and Next are disabled at the ends', async () => {
      const pages = await allPages(await run('theme', { theme: 'security-defence' }, ctx), ctx);
      expect(button(pages[0] ?? {}, '◀ Previous').disabled).toBe(true);
      expect(button(pages[0] ?? {}, 'Next ▶').disabled).toBe(false);
      expect(button(pages.at(-1) ?? {}, 'Next ▶').disabled).toBe(true);
      const back = await press(pages[1] ?? {}, '◀ Previous', ctx);
      expect(back).toEqual(pages[0]);
    });

    test('GIVEN a page button WHEN pressed after a restart (a fresh library from the same data) THEN it finds the same page', async () => {
      const first = await run('theme', { theme: 'security-defence' }, ctx);
      const second = await press(first, 'Next ▶', ctx);
      const restarted = context({ library: oversizedLibrary(12) });
      expect(await press(first, 'Next ▶', restarted)).toEqual(second);
    });

    test('GIVEN a page button whose theme was removed WHEN pressed THEN the user is told to run /theme again', async () => {
      const first = await run('theme', { theme: 'security-defence' }, ctx);
      const without = context({
        library: fakeLibrary(
          THEMES.filter((t) => t.id !== 'security-defence'),
          BRIEFINGS,
        ),
      });
      await expect(press(first, 'Next ▶', without)).rejects.toThrow(/Run \/theme again/);
    });
  });
});

describe('/theme with the longest ids the schema allows', () => {
  const themeId = `t${'-x'.repeat(31)}`.slice(0, 64);
  const briefingId = `b${'-y'.repeat(31)}`.slice(0, 64);
  const lib = fakeLibrary(
    [{ ...(THEMES[0] as (typeof THEMES)[number]), id: themeId }],
    longPlainLibrary(1)
      .latest()
      .map((b) => ({ ...b, id: briefingId, sections: b.sections.map((s) => ({ ...s, themes: [themeId] })) })),
  );
  const ctx = context({ library: lib });

  test('GIVEN 64-character theme and briefing ids WHEN paged THEN custom ids stay within 100 and still resolve', async () => {
    const first = await run('theme', { theme: themeId, briefing: briefingId }, ctx);
    for (const b of buttonsOf(first)) expect('custom_id' in b && b.custom_id.length).toBeLessThanOrEqual(100);
    const pages = await allPages(first, ctx);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((p) => (p.embeds ?? []).slice(1))).toHaveLength(15);
  });
});
