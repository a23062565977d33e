import { describe, expect, test } from 'vitest';
import {
  escapeInline,
  escapeText,
  maskedLink,
  neutralizeMentions,
  safeSnippet,
} from '../../src/render/escape.js';

const LIVE_MENTION = /@everyone|@here|<@!?\d|<@&\d|<#\d|<\/\w/i;

describe('neutralizeMentions', () => {
  test.each(['@everyone', '@here', '@EVERYONE', '<@123>', '<@!123>', '<@&123>'])(
    'GIVEN %s WHEN neutralised THEN it no longer mentions anyone',
    (mention) => {
      const out = neutralizeMentions(`hi ${mention} there`);
      expect(out).not.toMatch(LIVE_MENTION);
      // Still readable: only invisible characters were added.
      expect(out.replace(/\u200b/g, '')).toBe(`hi ${mention} there`);
    },
  );

  test('GIVEN a channel link written by the bot WHEN neutralised THEN it still links (it notifies nobody)', () => {
    expect(neutralizeMentions('posts to <#123>')).toBe('posts to <#123>');
  });

  test.each(['<#1>', '</brief:123>', '<@&123>', '@everyone'])(
    'GIVEN %s in text the bot did not write WHEN escaped THEN it is shown as text, not a mention',
    (mention) => {
      const out = escapeText(`hi ${mention} there`);
      expect(out).not.toMatch(LIVE_MENTION);
    },
  );

  test('GIVEN already neutralised text WHEN neutralised again THEN it is unchanged', () => {
    const once = neutralizeMentions('<@123> <@&4> <@!5> <#6> @here');
    expect(neutralizeMentions(once)).toBe(once);
  });
});

describe('escapeText', () => {
  test.each([
    ['**bold**', /\\\*\\\*bold\\\*\\\*/],
    ['_italic_', /\\_italic\\_/],
    ['`code`', /\\`code\\`/],
    ['~~strike~~', /\\~\\~strike\\~\\~/],
    ['||spoiler||', /\\\|\\\|spoiler\\\|\\\|/],
    ['# heading', /^\\# heading/],
    ['> quote', /^\\> quote/],
    ['>>> quote', /^\\>>> quote/],
    ['- item', /^\\- item/],
    ['1. item', /^1\\\. item/],
    ['-# small', /^\\-# small/],
    ['[label](https://evil.example)', /\\\[label\\\]/],
  ])('GIVEN markdown %s WHEN escaped THEN it shows as typed', (input, expected) => {
    expect(escapeText(input)).toMatch(expected);
  });

  test('GIVEN a mention inside markdown WHEN escaped THEN it is escaped and neutralised', () => {
    expect(escapeText('**@everyone** <@&5>')).not.toMatch(LIVE_MENTION);
  });

  test('GIVEN plain words WHEN escaped THEN they are unchanged', () => {
    expect(escapeText('Talks in Brussels, 15 January.')).toBe('Talks in Brussels, 15 January.');
  });
});

test('GIVEN multi-line text WHEN escaped inline THEN it is one line', () => {
  expect(escapeInline('a\n\n  b\tc')).toBe('a b c');
});

test('GIVEN a library snippet WHEN made safe THEN its highlights stay and its mentions go', () => {
  const out = safeSnippet('talks with **dialogue** <@123>\nnext');
  expect(out).toContain('**dialogue**');
  expect(out).not.toMatch(LIVE_MENTION);
  expect(out).not.toContain('\n');
});

test('GIVEN a label and URL with brackets WHEN linked THEN neither breaks out of the link', () => {
  expect(maskedLink('a] [b', 'https://e.x/a)(b c')).toBe('[a\\] \\[b](https://e.x/a%29%28b%20c)');
});
