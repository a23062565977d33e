import { describe, expect, test } from 'vitest';
import { isUserError } from '../../src/errors.js';
import { invokeButton } from '../../src/registry.js';
import { fakeLibrary } from './fake-library.js';
import { BRIEFINGS, briefing, context, emptyLibrary, THEMES } from './fixtures.js';
import { button, buttonsOf, complete, press, registry, run, texts } from './helpers.js';

/** A generator that always lands on the i-th of n. */
const pick = (i: number, n: number) => () => (i + 0.5) / n;

describe('/quote', () => {
  test('GIVEN no filter WHEN run THEN a full card: words, speaker, role, briefing, date, source', async () => {
    const reply = await run('quote', {}, context({ random: pick(0, 3) }));
    const [card] = reply.embeds ?? [];
    expect(card?.description).toBe(
      '> We are not there yet, but the direction is clear.\n— **a senior transatlantic official**, speaking on background',
    );
    const field = (name: string) => card?.fields?.find((f) => f.name === name)?.value;
    expect(field('From')).toMatch(
      /^Brussels talks on security guarantees\n<t:\d+:D> · `\/brief briefing:brussels-talks-2026-01`$/,
    );
    expect(field('Source')).toBe('[Example Wire](https://example.org/brussels-talks)');
    expect(field('Themes')).toBe('Political dialogue · Outlook');
    expect(card?.footer?.text).toBe('Example Wire · 15 January 2026');
    expect(card?.color).toBe(0x2980b9);
    expect(button(reply, 'Source')).toMatchObject({ url: 'https://example.org/brussels-talks' });
    expect(button(reply, 'Another quote')).toHaveProperty('custom_id');
  });

  test('GIVEN the same generator WHEN "Another quote" is pressed THEN a different quote comes', async () => {
    const ctx = context({ random: () => 0 });
    const first = await run('quote', {}, ctx);
    const second = await press(first, 'Another quote', ctx);
    expect(second.embeds?.[0]?.description).not.toBe(first.embeds?.[0]?.description);
  });

  test('GIVEN a speaker filter WHEN another is pressed repeatedly THEN every quote is from that speaker', async () => {
    let reply = await run('quote', { speaker: 'jane' });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      expect(reply.embeds?.[0]?.description).toMatch(/— \*\*Jane Doe\*\*/);
      seen.add(reply.embeds?.[0]?.description ?? '');
      reply = await press(reply, 'Another quote');
    }
    // Jane Doe has two quotes and "another" never repeats the one just shown.
    expect(seen.size).toBe(2);
  });

  test('GIVEN a filter only one quote matches WHEN run THEN the card says it is the only one and offers no “another”', async () => {
    const reply = await run('quote', { speaker: 'a senior transatlantic official' });
    expect(reply.content).toBe('The only quote from a senior transatlantic official in the briefings.');
    expect(buttonsOf(reply).some((b) => 'label' in b && b.label === 'Another quote')).toBe(false);
    expect(button(reply, 'No other quote')).toMatchObject({ disabled: true });
  });

  test('GIVEN an “Another quote” button from before WHEN only the quote shown is left THEN it says so instead of repeating it silently', async () => {
    // Jane Doe's quote in the Brussels briefing was shown; her other briefing has left the library since.
    const lib = fakeLibrary(
      THEMES,
      BRIEFINGS.filter((b) => b.id === 'brussels-talks-2026-01'),
    );
    const again = await invokeButton(
      registry,
      'quote:another:|Jane Doe|brussels-talks-2026-01|1',
      context({ library: lib }),
    );
    expect(again.embeds?.[0]?.description).toContain('Air defence comes first.');
    expect(again.content).toBe('Still the only quote from Jane Doe in the briefings.');
  });

  test.each([
    [{ theme: 'economy' }, 'Sanctions remain a tool of dialogue.'],
    [{ theme: 'security-defence', speaker: 'Jane Doe' }, 'Air defence comes first.'],
  ])('GIVEN filters %j WHEN run THEN only matching quotes', async (raw, text) => {
    const reply = await run('quote', raw);
    expect(reply.embeds?.[0]?.description).toContain(text);
  });

  test.each([
    [{ theme: 'economy', speaker: 'a senior transatlantic official' }, 'only the speaker or only the theme'],
    [{ theme: 'outlook', speaker: 'Jane Doe' }, 'There are no quotes on Outlook from Jane Doe'],
  ])('GIVEN filters %j that match nothing WHEN run THEN a helpful sentence', async (raw, sentence) => {
    const reply = await run('quote', raw);
    expect(reply.ephemeral).toBe(true);
    expect(texts(reply)).toContain(sentence);
  });

  test('GIVEN no quotes at all WHEN run THEN it says curators add them', async () => {
    expect(texts(await run('quote', {}, context({ library: emptyLibrary() })))).toContain(
      'Curators add quotes',
    );
  });

  test('GIVEN an unknown speaker WHEN run THEN the error is on the speaker option', async () => {
    const error = await run('quote', { speaker: 'Nobody' }).catch((e: unknown) => e);
    expect(isUserError(error) && error.option).toBe('speaker');
  });

  test.each([
    [{}, '', ['Jane Doe', 'a senior transatlantic official']],
    [{}, 'sen', ['a senior transatlantic official']],
    [{ theme: 'security-defence' }, '', ['Jane Doe']],
    [{ theme: 'outlook' }, '', ['a senior transatlantic official']],
  ])(
    'GIVEN options %j and %j typed WHEN the speaker autocompletes THEN most quoted first',
    async (raw, typed, names) => {
      expect((await complete('quote', 'speaker', typed, raw)).map((c) => c.name)).toEqual(names);
    },
  );

  describe('a speaker named at length', () => {
    const long = `${'Senior official of the ministry of foreign affairs '.repeat(2)}speaking`.slice(0, 120);
    const lib = fakeLibrary(THEMES, [
      ...BRIEFINGS,
      briefing({
        id: 'long-speaker',
        title: 'Long speaker',
        source: { name: 'Desk' },
        published: '2026-01-01',
        summary: 's',
        sections: [{ heading: 'h', themes: ['outlook'], summary: 's' }],
        quotes: [{ text: 'Words.', speaker: long, themes: ['outlook'] }],
      }),
    ]);
    const ctx = context({ library: lib });

    test('GIVEN a speaker over 100 characters WHEN picked from autocomplete THEN the choice resolves to them', async () => {
      const [choice] = await complete('quote', 'speaker', 'senior official', {}, ctx);
      expect(String(choice?.value).length).toBeLessThanOrEqual(100);
      const reply = await run('quote', { speaker: String(choice?.value) }, ctx);
      expect(reply.embeds?.[0]?.description).toContain('Words.');
      // And the "another" button (disabled: this is their only quote) still carries the speaker
      // within 100 characters, should a stale one be pressed.
      const another = button(reply, 'No other quote');
      if (!('custom_id' in another)) throw new Error('the button is a link');
      expect(another.custom_id.length).toBeLessThanOrEqual(100);
      const again = await invokeButton(registry, another.custom_id, ctx);
      expect(again.embeds?.[0]?.description).toContain('Words.');
      expect(again.content).toMatch(/^Still the only quote from Senior official/);
    });
  });
});
