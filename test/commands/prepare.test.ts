/**
 * Command.prepare: what the answers derive from a snapshot is built when the snapshot goes live, so
 * the first /theme, /lookahead or speaker autocomplete after a start or reload finds it ready.
 */
import { describe, expect, test } from 'vitest';
import type { Library } from '../../src/briefings/index.js';
import { context, library as fixtureLibrary, THEMES } from './fixtures.js';
import { complete, registry, run } from './helpers.js';

/** The fixture library, counting the derived values built after `settle()` is called. */
function counting(): { library: Library; settle: () => void; builtAfter: () => number } {
  const inner = fixtureLibrary();
  let settled = false;
  let after = 0;
  // One counting wrapper per build function: `derived` is keyed by the function.
  const wrappers = new Map<(l: Library) => unknown, (l: Library) => unknown>();
  const library: Library = {
    ...inner,
    derived: <T>(build: (l: Library) => T): T => {
      let wrapped = wrappers.get(build);
      if (!wrapped) {
        wrapped = (l: Library) => {
          if (settled) after++;
          return build(l);
        };
        wrappers.set(build, wrapped);
      }
      return inner.derived(wrapped) as T;
    },
  };
  return { library, settle: () => (settled = true), builtAfter: () => after };
}

describe('GIVEN every command prepared on a snapshot', () => {
  test('WHEN /theme, /lookahead and the speaker autocomplete answer THEN nothing derived is built while answering', async () => {
    const { library, settle, builtAfter } = counting();
    const prepared = [...registry.commands.values()].filter((c) => c.prepare);
    expect(prepared.map((c) => c.definition.name).sort()).toEqual(['lookahead', 'quote', 'theme']);
    for (const command of prepared) command.prepare?.(library);
    settle();
    const ctx = context({ library });
    for (const theme of THEMES) await run('theme', { theme: theme.id }, ctx);
    await run('lookahead', { within: 'all' }, ctx);
    for (const theme of THEMES) await run('lookahead', { within: 'all', theme: theme.id }, ctx);
    await complete('quote', 'speaker', 'ka', {}, ctx);
    await complete('brief', 'briefing', 'br', {}, ctx);
    expect(builtAfter()).toBe(0);
  });

  test('WHEN nothing was prepared THEN the same answers build them (the test can see a build)', async () => {
    const { library, settle, builtAfter } = counting();
    settle();
    const ctx = context({ library });
    await run('theme', { theme: THEMES[0]?.id ?? '' }, ctx);
    await complete('quote', 'speaker', 'ka', {}, ctx);
    expect(builtAfter()).toBeGreaterThan(0);
  });
});
