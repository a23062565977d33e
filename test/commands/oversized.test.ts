/**
 * Every command against a library whose every field is at its schema limit and full of markdown
 * and mentions: each reply, and each page behind its buttons, is one Discord accepts.
 */
import { describe, expect, test } from 'vitest';
import { SHORTENED_NOTE } from '../../src/render/limits.js';
import { context, oversizedLibrary } from './fixtures.js';
import { allPages, buttonsOf, press, run } from './helpers.js';

const ctx = context({ library: oversizedLibrary(8) });

describe('oversized data', () => {
  test.each([
    ['brief', {}],
    ['brief', { briefing: 'oversized-003' }],
    ['theme', { theme: 'security-defence' }],
    ['theme', { theme: 'outlook', briefing: 'oversized-001' }],
    ['quote', {}],
    ['quote', { theme: 'security-defence', speaker: 'Speaker 2' }],
    ['lookahead', {}],
    ['lookahead', { within: 'quarter' }],
    ['sources', {}],
    ['help', {}],
  ])('GIVEN /%s %j WHEN run THEN every page is within Discord limits', async (name, raw) => {
    // `run` and `press` check each payload against Discord's schema and limits.
    const pages = await allPages(await run(name, raw, ctx), ctx);
    expect(pages.length).toBeGreaterThan(0);
  });

  test('GIVEN hundreds of hits full of markdown and mentions WHEN searched THEN every page is within limits', async () => {
    const small = context({ library: oversizedLibrary(1) });
    const pages = await allPages(await run('search', { query: 'security everyone' }, small), small, 1000);
    expect(pages.length).toBeGreaterThan(10);
  });

  test('GIVEN an oversized briefing WHEN briefed THEN its looking-ahead list ends with where to find the rest', async () => {
    const reply = await run('brief', {}, ctx);
    const ahead = reply.embeds?.find((e) => e.title === 'Looking ahead');
    expect(ahead?.description).toMatch(/…and \d+ more — see \/lookahead$/);
    // It was cut on purpose, so the limits module had nothing left to cut.
    expect(JSON.stringify(reply)).not.toContain(SHORTENED_NOTE);
  });

  test('GIVEN an oversized quote WHEN pressed for another THEN the card still fits', async () => {
    const reply = await run('quote', {}, ctx);
    // The quotes' own sources have no URL, so "Another quote" is the only button.
    expect(buttonsOf(reply).map((b) => ('label' in b ? b.label : ''))).toEqual(['Another quote']);
    await press(reply, 'Another quote', ctx);
  });
});
