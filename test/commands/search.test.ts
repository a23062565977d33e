import { describe, expect, test } from 'vitest';
import { MAX_CARRIED_QUERY } from '../../commands/search.js';
import { SEARCH_PAGE_SIZE } from '../../src/render/views/search.js';
import { briefing, useLibraries } from '../briefings/library-fixtures.js';
import { context, oversizedLibrary } from './fixtures.js';
import { allPages, button, buttonsOf, press, run, texts } from './helpers.js';

describe('/search', () => {
  const build = useLibraries();

  test('GIVEN a word in the briefings WHEN searched THEN ranked hits with highlighted snippets', async () => {
    const reply = await run('search', { query: 'dialogue' });
    const [embed] = reply.embeds ?? [];
    expect(embed?.title).toBe('Search: “dialogue”');
    expect(embed?.description).toBe('3 results, best first.');
    const fields = embed?.fields ?? [];
    expect(fields.map((f) => f.name)).toEqual([
      '1. Brussels talks on security guarantees',
      '2. Brussels talks on security guarantees',
      '3. Washington readout on sanctions',
    ]);
    expect(fields[0]?.value).toMatch(
      /^\*Summary\*\n.*\*\*dialogue\*\*.*\n<t:\d+:D> · `\/brief briefing:brussels-talks-2026-01`$/s,
    );
    expect(fields[2]?.value).toMatch(/^\*Quote by Jane Doe\*\nSanctions remain a tool of \*\*dialogue\*\*/);
    expect(buttonsOf(reply)).toEqual([]);
  });

  test('GIVEN no match WHEN searched THEN a helpful sentence echoing the query safely', async () => {
    const reply = await run('search', { query: '@everyone **zebra** <@&123>' });
    expect(reply.ephemeral).toBe(true);
    expect(texts(reply)).toContain(
      'Nothing in the briefings matches “@\u200beveryone \\*\\*zebra\\*\\* <@&\u200b123>”',
    );
  });

  test('GIVEN words too common to afford WHEN searched THEN the answer names the words left out', async () => {
    const words = ['alpha', 'bravo', 'charlie', 'delta'];
    const library = build(
      Array.from({ length: 6 }, (_, i) => briefing(`b${i}`, { summary: `${words.join(' ')} ${i}.` })),
      { search: { frequentDocs: 3 } },
    );
    const reply = await run('search', { query: words.join(' ') }, context({ library }));
    expect(reply.embeds?.[0]?.description).toMatch(
      /^6 results, best first\.\nLeft out as too common to narrow the search: “charlie”, “delta”\.$/,
    );
  });

  describe('pages', () => {
    const ctx = context({ library: oversizedLibrary(1) });

    test('GIVEN many hits WHEN paged through THEN numbering continues and Next stops at the end', async () => {
      const pages = await allPages(await run('search', { query: 'security' }, ctx), ctx);
      const total = Number(/^(\d+) results/.exec(pages[0]?.embeds?.[0]?.description ?? '')?.[1]);
      expect(pages).toHaveLength(Math.ceil(total / SEARCH_PAGE_SIZE));
      const ranks = pages.flatMap((p) =>
        (p.embeds?.[0]?.fields ?? []).map((f) => Number(f.name.split('.')[0])),
      );
      expect(ranks).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(button(pages.at(-1) ?? {}, 'Next ▶').disabled).toBe(true);
      expect(button(pages[0] ?? {}, '◀ Previous').disabled).toBe(true);
    });

    test('GIVEN a query too long to carry in a button WHEN searched THEN one page, and the footer says how to page', async () => {
      const query = `security ${'x'.repeat(MAX_CARRIED_QUERY)}`;
      const reply = await run('search', { query }, ctx);
      expect(buttonsOf(reply)).toEqual([]);
      expect(reply.embeds?.[0]?.footer?.text).toContain(
        `Shorten the query to ${MAX_CARRIED_QUERY} characters`,
      );
    });

    test('GIVEN the longest query a button can carry WHEN paged THEN the next page answers the same query', async () => {
      const query = `security ${'y'.repeat(MAX_CARRIED_QUERY - 9)}`;
      const first = await run('search', { query }, ctx);
      const second = await press(first, 'Next ▶', ctx);
      expect(second.embeds?.[0]?.title).toBe(first.embeds?.[0]?.title);
      expect(second.embeds?.[0]?.fields?.[0]?.name).toMatch(new RegExp(`^${SEARCH_PAGE_SIZE + 1}\\. `));
    });
  });
});
