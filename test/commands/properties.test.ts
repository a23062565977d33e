/**
 * Whatever a user types into /search and /quote (markdown, mentions, unicode, very long text),
 * the handlers either answer with a payload Discord accepts or refuse with a UserError.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RawOptions } from '../../commands/index.js';
import { isUserError } from '../../src/errors.js';
import { invokeButton, invokeCommand } from '../../src/registry.js';
import { discordProblems } from '../render/discord-limits.js';
import { context, library, oversizedLibrary } from './fixtures.js';
import { buttonsOf, complete, registry } from './helpers.js';

const hostileBits = [
  '@everyone',
  '@here',
  '<@123456789012345678>',
  '<@!1>',
  '<@&987>',
  '<#42>',
  '</brief:1>',
  '**',
  '__',
  '`',
  '```',
  '||',
  '> ',
  '# ',
  '-# ',
  '[x](https://evil.example)',
  '\\',
  '|',
  ':',
  '~',
  '\n',
  '😀',
  '\u200b',
  'é',
  'security',
  'dialogue',
  'Jane',
];

/** Strings built from everything awkward, plus arbitrary unicode, up to well past every limit. */
const input = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.array(fc.constantFrom(...hostileBits), { maxLength: 60 }).map((parts) => parts.join('')),
  fc.string({ unit: fc.constantFrom(...hostileBits), maxLength: 80 }),
  fc.nat({ max: 5000 }).map((n) => 'security '.repeat(n).slice(0, n)),
);

const ctxs = [context(), context({ library: oversizedLibrary(2) })];

async function check(name: string, raw: RawOptions, ctxIndex: number): Promise<void> {
  const ctx = ctxs[ctxIndex] ?? context();
  try {
    const reply = await invokeCommand(registry, name, raw, ctx);
    expect(discordProblems(reply)).toEqual([]);
    for (const b of buttonsOf(reply)) {
      if (!('custom_id' in b) || b.disabled) continue;
      expect(discordProblems(await invokeButton(registry, b.custom_id, ctx))).toEqual([]);
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toMatch(/@everyone|@here|<@!?\d|<@&\d|<#\d/);
  }
}

describe('properties', () => {
  test('GIVEN any query WHEN /search runs (and its buttons are pressed) THEN a valid payload or a UserError', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.nat({ max: 1 }), (query, i) => check('search', { query }, i)),
      { numRuns: 150 },
    );
  });

  test('GIVEN any theme and speaker WHEN /quote runs (and "another" is pressed) THEN a valid payload or a UserError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(input, { nil: undefined }),
        fc.option(input, { nil: undefined }),
        fc.nat({ max: 1 }),
        (theme, speaker, i) => check('quote', { theme, speaker }, i),
      ),
      { numRuns: 150 },
    );
  });

  test('GIVEN any typed text WHEN options autocomplete THEN at most 25 choices within 100 characters', async () => {
    await fc.assert(
      fc.asyncProperty(
        input,
        fc.constantFrom(['quote', 'speaker'], ['quote', 'theme'], ['brief', 'briefing']),
        async (typed, [cmd, opt]) => {
          const choices = await complete(
            cmd as string,
            opt as string,
            typed,
            {},
            context({ library: library() }),
          );
          expect(choices.length).toBeLessThanOrEqual(25);
          for (const c of choices) {
            expect(c.name.length).toBeGreaterThan(0);
            expect(c.name.length).toBeLessThanOrEqual(100);
            expect(String(c.value).length).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
