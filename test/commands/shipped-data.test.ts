/**
 * Every command against the real loader and Library over the shipped `data/`: the answers a user
 * gets today, each within Discord's limits, with every button pressed.
 */
import { describe, expect, test } from 'vitest';
import { buildLibrary } from '../../src/briefings/library.js';
import { loadData } from '../../src/briefings/loader.js';
import { invokeButton } from '../../src/registry.js';
import { context } from './fixtures.js';
import { allPages, buttonsOf, complete, registry, run, texts } from './helpers.js';

const library = buildLibrary(await loadData('data'));
const ctx = context({ library, now: () => new Date('2026-02-01T09:00:00Z') });

describe('shipped data', () => {
  test.each([
    ['brief', {}],
    ['theme', { theme: 'security' }],
    ['quote', {}],
    ['lookahead', {}],
    ['lookahead', { within: 'year' }],
    ['search', { query: 'dialogue' }],
    ['sources', {}],
    ['help', {}],
  ])('GIVEN /%s %j WHEN run THEN a sensible answer within limits on every page', async (name, raw) => {
    const pages = await allPages(await run(name, raw, ctx), ctx);
    expect(texts(pages[0] ?? {}).length).toBeGreaterThan(50);
  });

  test('GIVEN each theme WHEN /theme runs THEN it answers in that theme’s colour', async () => {
    for (const theme of library.themes) {
      const reply = await run('theme', { theme: theme.id }, ctx);
      expect(reply.embeds?.[0]?.color).toBe(Number.parseInt(theme.colour.slice(1), 16));
    }
  });

  test('GIVEN the quotes of the shipped data WHEN "Another quote" is pressed THEN an attributed quote comes, never the same one silently', async () => {
    const first = await run('quote', {}, ctx);
    expect(first.embeds?.[0]?.description).toMatch(/\n— \*\*.+\*\*/);
    const [another] = buttonsOf(first).filter(
      (b) => 'custom_id' in b && b.custom_id.startsWith('quote:another:'),
    );
    if (!another || !('custom_id' in another)) throw new Error('no "another" button');
    const again = await invokeButton(registry, another.custom_id, ctx);
    expect(again.embeds?.[0]?.description).toMatch(/\n— \*\*.+\*\*/);
    const only = library.quotes({}).length === 1;
    expect(another.disabled === true).toBe(only);
    if (only) {
      expect(first.content).toMatch(/^The only quote in the briefings\./);
      expect(again.content).toMatch(/^Still the only quote in the briefings\./);
    } else expect(again.embeds?.[0]?.description).not.toBe(first.embeds?.[0]?.description);
  });

  test('GIVEN the briefing WHEN briefed THEN a link button opens its source', async () => {
    const links = buttonsOf(await run('brief', {}, ctx)).filter((b) => 'url' in b);
    expect(links).toHaveLength(1);
  });

  test.each([
    ['theme', 'theme', 'sec'],
    ['quote', 'speaker', 'official'],
    ['brief', 'briefing', 'brussels'],
  ])(
    'GIVEN /%s %s typed as %j WHEN autocompleted THEN the best match comes first',
    async (cmd, option, typed) => {
      const [best] = await complete(cmd, option, typed, {}, ctx);
      expect(best?.name.toLowerCase()).toContain(typed);
    },
  );
});
