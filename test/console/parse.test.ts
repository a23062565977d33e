import { describe, expect, test } from 'vitest';
import type { RawOptions } from '../../commands/index.js';
import { parseCommandLine } from '../../src/console/parse.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { fakeRegistry } from './fake-commands.js';

const env = {
  commands: fakeRegistry().commands,
  channels: [{ id: 'briefings', name: 'briefings' }],
  userId: 'console-user',
};

const raw = (line: string): RawOptions => parseCommandLine(line, env).raw;

const errorOf = (line: string): UserError => {
  try {
    parseCommandLine(line, env);
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error(`expected "${line}" to be refused`);
};

describe('GIVEN a line typed at the console', () => {
  test.each<[string, string, RawOptions]>([
    ['name:value', '/theme theme:security-defence', { theme: 'security-defence' }],
    ['a positional value', '/theme security', { theme: 'security' }],
    ['positional values in definition order', '/theme security b-1', { theme: 'security', briefing: 'b-1' }],
    ['a named number then a positional text', '/search page:2 war', { query: 'war', page: 2 }],
    ['words continuing a named text option', '/theme briefing:b 1 theme:x', { theme: 'x', briefing: 'b 1' }],
    [
      'surplus words before a number',
      '/search strategic patience 2',
      { query: 'strategic patience', page: 2 },
    ],
    ['an upper-case command and option name', '/THEME Theme:x', { theme: 'x' }],
    ['a double-quoted value', '/search query:"strategic patience"', { query: 'strategic patience' }],
    ['a single-quoted value', "/search 'strategic patience'", { query: 'strategic patience' }],
    ['typographic quotes', '/search query:“strategic patience”', { query: 'strategic patience' }],
    ['an escaped quote inside quotes', '/search "say \\"no\\""', { query: 'say "no"' }],
    ['an escaped space', '/search strategic\\ patience', { query: 'strategic patience' }],
    ['an apostrophe inside a word', "/search don't", { query: "don't" }],
    [
      'unquoted words after a named text option',
      '/search query:strategic patience',
      { query: 'strategic patience' },
    ],
    [
      'surplus words joining the last text option',
      '/search strategic patience',
      { query: 'strategic patience' },
    ],
    ['a quoted colon (not an option name)', '/search "page:2"', { query: 'page:2' }],
    [
      'a URL (a colon that names no option)',
      '/search https://example.org/x',
      { query: 'https://example.org/x' },
    ],
    ['an integer', '/search war page:3', { query: 'war', page: 3 }],
    ['a choice by its value', '/lookahead within:month', { within: 'month' }],
    ['a choice in another case', '/lookahead MONTH', { within: 'month' }],
    ['extra spaces and tabs', '  /theme \t  security  ', { theme: 'security' }],
  ])('WHEN it has %s THEN the raw options are as Discord would send them', (_case, line, expected) => {
    expect(raw(line)).toEqual(expected);
  });

  test.each<[string, string, RawOptions]>([
    [
      'a subcommand with a #channel and a quoted value',
      '/schedule add channel:#briefings when:"daily 08:00"',
      { subcommand: 'add', channel: { id: 'briefings', name: 'briefings' }, when: 'daily 08:00' },
    ],
    [
      'a subcommand with positional values',
      '/schedule add #briefings "weekdays 07:30" full no',
      {
        subcommand: 'add',
        channel: { id: 'briefings', name: 'briefings' },
        when: 'weekdays 07:30',
        format: 'full',
        skip_if_empty: false,
      },
    ],
    [
      'a bare channel name and an unquoted when',
      '/schedule add channel:briefings when:daily 08:00 skip_if_empty:yes',
      {
        subcommand: 'add',
        channel: { id: 'briefings', name: 'briefings' },
        when: 'daily 08:00',
        skip_if_empty: true,
      },
    ],
    [
      'a choice by its display name',
      '/schedule add #briefings daily format:Full',
      {
        subcommand: 'add',
        channel: { id: 'briefings', name: 'briefings' },
        when: 'daily',
        format: 'full',
      },
    ],
    ['a subcommand without options', '/schedule list', { subcommand: 'list' }],
  ])('WHEN it has %s THEN the subcommand and options are resolved', (_case, line, expected) => {
    expect(raw(line)).toEqual(expected);
  });

  test.each([
    ['true', true],
    ['yes', true],
    ['On', true],
    ['false', false],
    ['NO', false],
    ['0', false],
  ])('WHEN a boolean is given as %s THEN it reads as %s', (text, expected) => {
    expect(raw(`/schedule add #briefings daily skip_if_empty:${text}`).skip_if_empty).toBe(expected);
  });

  test('WHEN a required option with autocomplete is missing THEN it is left for autocomplete to list choices', () => {
    const parsed = parseCommandLine('/theme', env);
    expect(parsed.missing).toEqual(['theme']);
    expect(parsed.usage).toBe('/theme <theme> [briefing]');
  });

  test('WHEN a text option offers autocomplete THEN it is marked for lookup, in definition order', () => {
    expect(parseCommandLine('/theme security b-1', env).autocompletable).toEqual(['theme', 'briefing']);
    expect(parseCommandLine('/search war', env).autocompletable).toEqual([]);
  });
});

describe('GIVEN a refused line that holds markdown or a mention', () => {
  test.each([
    ['/search war page:**x**', '\\*\\*x\\*\\*'],
    ['/@everyone', '/@\u200beveryone'],
    [`/search war page:${'9'.repeat(80)}`, `${'9'.repeat(59)}…`],
  ])('WHEN %s is refused THEN the echo is escaped and short', (line, echoed) => {
    expect(errorOf(line).message).toContain(echoed);
  });
});

describe('GIVEN a line the console must refuse', () => {
  test.each<[string, string, string | undefined, RegExp]>([
    ['an unknown command', '/nope', undefined, /Unknown command \/nope\..*\/theme/],
    ['a mistyped command', '/thme security', undefined, /Did you mean theme\?/],
    [
      'a command with two letters swapped',
      '/qoute',
      undefined,
      /Unknown command \/qoute\. Did you mean quote\?/,
    ],
    ['a subcommand with two letters swapped', '/schedule lsit', 'subcommand', /Did you mean list\?/],
    [
      'a missing required option',
      '/search',
      'query',
      /`query` is required\. Usage: \/search <query> \[page\]/,
    ],
    ['an empty required option', '/search query:""', 'query', /`query` is required/],
    ['a mistyped option name', '/theme thme:security', undefined, /no option "thme"\. Did you mean theme\?/],
    ['an option given twice', '/theme theme:a theme:b', 'theme', /given twice/],
    ['a value left over', '/lookahead month extra', undefined, /Too many values: "extra"/],
    ['a value for a command without options', '/quote hello', undefined, /takes no options/],
    ['an unterminated quote', '/search "strategic patience', undefined, /unterminated quote/],
    [
      'a word where a number belongs',
      '/search war page:three',
      'page',
      /`page` must be a whole number, not "three"/,
    ],
    ['a fraction where a whole number belongs', '/search war page:2.5', 'page', /whole number/],
    ['a number below the minimum', '/search war page:0', 'page', /`page` must be at least 1/],
    ['a number above the maximum', '/search war page:51', 'page', /`page` must be at most 50/],
    [
      'a value that is not a choice',
      '/lookahead within:soon',
      'within',
      /choose one of: week, month, quarter, year, all/,
    ],
    [
      'a boolean that is neither',
      '/schedule add #briefings daily skip_if_empty:maybe',
      'skip_if_empty',
      /true or false/,
    ],
    [
      'an unknown channel',
      '/schedule add channel:#general when:daily',
      'channel',
      /no such channel; use #briefings/,
    ],
    ['a missing subcommand', '/schedule', 'subcommand', /needs a subcommand: add, list/],
    ['an unknown subcommand', '/schedule ad', 'subcommand', /no subcommand "ad"\. Did you mean add\?/],
    ['a missing option of a subcommand', '/schedule add #briefings', 'when', /`when` is required/],
    ['an over-long text', `/search ${'x'.repeat(201)}`, 'query', /at most 200 characters/],
  ])(
    'WHEN it has %s THEN the error says what is wrong and names the option',
    (_case, line, option, message) => {
      const error = errorOf(line);
      expect(error.message).toMatch(message);
      expect(error.option).toBe(option);
    },
  );
});
