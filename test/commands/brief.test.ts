import { ButtonStyle } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { context, emptyLibrary } from './fixtures.js';
import { buttonsOf, complete, run, texts } from './helpers.js';

describe('/brief', () => {
  test('GIVEN no option WHEN run THEN the newest published briefing is shown in full', async () => {
    const reply = await run('brief');
    const [main, quote, ahead] = reply.embeds ?? [];
    expect(main?.title).toBe('Brussels talks on security guarantees');
    expect(main?.url).toBe('https://example.org/brussels-talks');
    expect(main?.description).toContain('Officials met in Brussels');
    // Two of three sections are on security, so the briefing wears its colour.
    expect(main?.color).toBe(0xc0392b);
    expect(main?.fields?.find((f) => f.name === 'Published')?.value).toMatch(/^<t:\d+:D>$/);
    expect(main?.fields?.find((f) => f.name === 'Themes')?.value).toBe(
      'Security & defence · Political dialogue · Economy & reconstruction',
    );
    expect(quote?.description).toContain('We are not there yet');
    expect(quote?.description).toContain('**a senior transatlantic official**, speaking on background');
    expect(ahead?.title).toBe('Looking ahead');
    expect(ahead?.description).toMatch(/A follow-up meeting is expected\. — <t:\d+:D> \(<t:\d+:R>\)/);
    expect(ahead?.description).toMatch(/A reconstruction conference\. — Q2 2026, starts <t:\d+:R>/);
    expect(ahead?.description).toContain('• Talks continue.');
    expect(ahead?.footer?.text).toBe('Example Wire · 15 January 2026');
  });

  test('GIVEN a source with a URL WHEN shown THEN a link button opens it', async () => {
    const [link] = buttonsOf(await run('brief'));
    expect(link).toMatchObject({ style: ButtonStyle.Link, url: 'https://example.org/brussels-talks' });
  });

  test.each([
    ['its id', 'washington-readout-2025-12'],
    ['a word of its title', 'washington'],
    ['its title in other case', 'WASHINGTON READOUT ON SANCTIONS'],
  ])('GIVEN a briefing chosen by %s WHEN run THEN that briefing is shown', async (_how, typed) => {
    const reply = await run('brief', { briefing: typed });
    expect(reply.embeds?.[0]?.title).toBe('Washington readout on sanctions');
    // Its source has no URL, so there is no link button, and its month-only date stays a month.
    expect(buttonsOf(reply)).toEqual([]);
    expect(reply.embeds?.[0]?.fields?.[0]?.value).toBe('December 2025');
  });

  test.each(['draft-not-served', 'no such briefing'])(
    'GIVEN %j WHEN run THEN a user error on the briefing option',
    async (typed) => {
      const error = await run('brief', { briefing: typed }).catch((e: unknown) => e);
      expect(isUserError(error) && error.option).toBe('briefing');
    },
  );

  test('GIVEN no briefings WHEN run THEN a helpful sentence, only for the asker', async () => {
    const reply = await run('brief', {}, context({ library: emptyLibrary() }));
    expect(reply.ephemeral).toBe(true);
    expect(texts(reply)).toContain('No briefings are loaded yet');
  });

  test.each([
    ['', ['brussels-talks-2026-01', 'washington-readout-2025-12']],
    ['wash', ['washington-readout-2025-12']],
    ['sanctions', ['washington-readout-2025-12']],
    ['draft', []],
  ])(
    'GIVEN %j typed WHEN autocompleted THEN the published briefings that match, best first',
    async (typed, ids) => {
      const choices = await complete('brief', 'briefing', typed);
      expect(choices.map((c) => c.value)).toEqual(ids);
    },
  );
});
