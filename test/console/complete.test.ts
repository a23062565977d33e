import { describe, expect, test } from 'vitest';
import { type CompletionState, complete } from '../../src/console/complete.js';
import { invokeAutocomplete } from '../../src/registry.js';
import { fakeRegistry, makeContext } from './fake-commands.js';

const registry = fakeRegistry();
const state: CompletionState = {
  commands: registry.commands,
  channels: [{ id: 'briefings', name: 'briefings' }],
  buttons: ['Next ▶', 'Another quote'],
  autocomplete: (...args) => invokeAutocomplete(registry, ...args),
  context: () =>
    makeContext()({
      guildId: 'console',
      channelId: 'briefings',
      userId: 'console-user',
      memberPermissions: null,
      locale: 'en-GB',
    }),
};

describe('GIVEN a partly typed line and Tab', () => {
  test.each<[string, string[]]>([
    ['/s', ['/schedule ', '/search ']],
    ['/theme ', ['briefing:', 'theme:']],
    ['/theme theme:x b', ['briefing:']],
    ['/theme theme:sec', ['theme:security-defence ']],
    ['/theme theme:"str', ['theme:"strategic-communication" ']],
    ['/schedule ', ['add ', 'list ']],
    ['/schedule add channel:', ['channel:#briefings ']],
    ['/schedule add #briefings daily skip_if_empty:t', ['skip_if_empty:true ']],
    ['/lookahead within:m', ['within:month ']],
    ['/search query:', []],
    ['/nope ', []],
    ['help th', ['theme']],
    ['an', ['another quote']],
    [
      '',
      [
        '/boom ',
        '/lookahead ',
        '/quote ',
        '/schedule ',
        '/search ',
        '/theme ',
        'another quote',
        'exit',
        'help',
        'next ▶',
        'quit',
      ],
    ],
  ])('WHEN the line is "%s" THEN the suggestions are %j', async (line, expected) => {
    const [hits, word] = await complete(line, state);
    expect(hits).toEqual(expected);
    expect(line.endsWith(word)).toBe(true);
  });
});
