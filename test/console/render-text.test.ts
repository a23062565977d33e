import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { ButtonStyle } from 'discord.js';
import stringWidth from 'string-width';
import { describe, expect, test } from 'vitest';
import { makeAnsi } from '../../src/console/ansi.js';
import { renderReply, type TextOptions } from '../../src/console/render-text.js';
import type { Reply } from '../../src/render/index.js';

const NOW = new Date('2026-03-01T09:00:00Z');
const plain: TextOptions = { ansi: makeAnsi(false), now: NOW, locale: 'en-GB', timeZone: 'UTC' };
const styled: TextOptions = { ...plain, ansi: makeAnsi(true) };
const at = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

const briefing: Reply = {
  embeds: [
    {
      author: { name: 'Attaché' },
      title: 'Talks in **Brussels**',
      url: 'https://example.org/article',
      description: 'The sides met on *Friday*.\n- first point\n- second `point`',
      color: 0x1f6feb,
      fields: [
        { name: 'Themes', value: 'Security & defence', inline: true },
        { name: 'Date', value: `<t:${at('2026-01-16T00:00:00Z')}:D>`, inline: true },
        { name: 'Looking ahead', value: `Summit <t:${at('2026-03-04T09:00:00Z')}:R>\nReview in 2026` },
      ],
      footer: { text: 'Source: Example News' },
      timestamp: '2026-01-16T10:30:00.000Z',
    },
  ],
  components: [
    {
      type: 1,
      components: [
        { type: 2, style: ButtonStyle.Secondary, label: '◀ Prev', custom_id: 'x:prev:1', disabled: true },
        { type: 2, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: 'x:next:1' },
        { type: 2, style: ButtonStyle.Link, label: 'Read the source', url: 'https://example.org/article' },
      ],
    },
  ],
};

describe('GIVEN a reply with an embed, fields, a footer and buttons', () => {
  test('WHEN rendered for a pipe THEN no escape code appears and markdown markers are gone', () => {
    const text = renderReply(briefing, plain);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('│ Talks in Brussels');
    expect(text).toContain('│ The sides met on Friday.');
    expect(text).not.toContain('**');
  });

  test('WHEN rendered THEN every part is there in reading order', () => {
    const lines = renderReply(briefing, plain).split('\n');
    const order = [
      '│ Attaché',
      '│ Talks in Brussels',
      '│ https://example.org/article',
      '│ • first point',
      '│ • second point',
      '│ Themes: Security & defence',
      '│ Date: 16 January 2026',
      '│ Looking ahead',
      '│ Summit in 3 days (4 Mar 2026)',
      '│ Review in 2026',
      '│ Source: Example News · 16 Jan 2026, 10:30',
    ].map((l) => lines.indexOf(l));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('WHEN rendered THEN buttons are listed by label, a disabled one marked, a link with its URL', () => {
    const text = renderReply(briefing, { ...plain, buttonHint: true });
    expect(text).toContain(
      '[ ◀ Prev ] (disabled)  [ Next ▶ ]  [ Read the source ] https://example.org/article',
    );
    expect(text).toContain("Type a button's label to press it.");
  });

  test('WHEN rendered for a terminal THEN bold is bold and the bar takes the embed colour', () => {
    const text = renderReply(briefing, styled);
    expect(text).toContain('\x1b[1mBrussels\x1b[22m');
    expect(text).toContain('\x1b[38;2;31;111;235m▌\x1b[39m');
    expect(text).toContain('\x1b[3mFriday\x1b[23m');
    expect(stripAnsi(text)).toContain('▌ Talks in Brussels');
  });

  test('WHEN wrapped to a width THEN no line is wider and no word is lost', () => {
    const long: Reply = { embeds: [{ description: 'word '.repeat(60).trim(), color: 0x123456 }] };
    const lines = renderReply(long, { ...styled, width: 40 }).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => stringWidth(l) <= 40)).toBe(true);
    expect(lines.map((l) => stripAnsi(l).replace(/^▌ /, '')).join(' ')).toBe('word '.repeat(60).trim());
  });
});

describe('GIVEN Discord markup in text', () => {
  const seconds = at('2026-04-20T16:20:30Z');
  test.each([
    ['t', /^16:20 UTC$/],
    ['T', /^16:20:30 UTC$/],
    ['d', /^20\/04\/2026$/],
    ['D', /^20 April 2026$/],
    ['f', /^20 April 2026(,| at) 16:20 UTC$/],
    // ICU versions differ on the comma after the weekday.
    ['F', /^Monday,? 20 April 2026(,| at) 16:20 UTC$/],
    ['R', /^in 2 months \(20 Apr 2026\)$/],
  ])('WHEN a timestamp has style %s THEN it reads %s in the local zone', (style, expected) => {
    expect(renderReply({ content: `<t:${seconds}:${style}>` }, plain)).toMatch(expected);
  });

  test('WHEN a timestamp has no style THEN it reads as date and time', () => {
    expect(renderReply({ content: `<t:${seconds}>` }, plain)).toBe('20 April 2026 at 16:20 UTC');
  });

  test('WHEN a relative timestamp follows the same instant as a date THEN the date is not repeated', () => {
    expect(renderReply({ content: `<t:${seconds}:D> (<t:${seconds}:R>)` }, plain)).toBe(
      '20 April 2026 (in 2 months)',
    );
  });

  test('WHEN a past timestamp is relative THEN it says ago', () => {
    expect(renderReply({ content: `<t:${at('2026-02-28T09:00:00Z')}:R>` }, plain)).toBe(
      'yesterday (28 Feb 2026)',
    );
  });

  test('WHEN the time zone differs THEN the local time is shown', () => {
    expect(renderReply({ content: `<t:${seconds}:t>` }, { ...plain, timeZone: 'Europe/Brussels' })).toBe(
      '18:20 CEST',
    );
  });

  test.each([
    ['escaped markdown', 'a \\*not bold\\* \\_x\\_ 1\\. y', 'a *not bold* _x_ 1. y'],
    ['a masked link', '[the article](https://example.org/a_b_c)', 'the article (https://example.org/a_b_c)'],
    ['underscores in a bare URL', 'see https://example.org/a_b_c.', 'see https://example.org/a_b_c.'],
    ['inline code with stars', 'run `a*b*c`', 'run a*b*c'],
    ['the console user mentioned', 'hi <@console-user>', 'hi @console-user'],
    ['a mention neutralised with a zero-width space', 'hi <@\u200b123>', 'hi <@\u200b123>'],
    ['a numeric user mention', 'hi <@123456789012345678>', 'hi @123456789012345678'],
    ['a role mention', '<@&123>', '@role:123'],
    ['a channel mention', 'in <#briefings>', 'in #briefings'],
    ['a custom emoji', '<:flag_eu:123> EU', ':flag_eu: EU'],
    ['strike and underline', '~~old~~ __new__', 'old new'],
    ['a heading and subtext', '## Heading\n-# small print', 'Heading\nsmall print'],
    ['a block quote', '> quoted line', '▏ quoted line'],
    ['a code block', '```ts\nconst a = 1;\n```', '  const a = 1;'],
    ['snake_case words', 'skip_if_empty stays', 'skip_if_empty stays'],
  ])('WHEN it holds %s THEN it reads naturally', (_case, content, expected) => {
    expect(renderReply({ content }, plain)).toBe(expected);
  });

  test('WHEN search snippets bold matched terms THEN a terminal shows them bold and a pipe plainly', () => {
    const content = 'the **strategic** **patience** of \\*allies\\*';
    expect(renderReply({ content }, plain)).toBe('the strategic patience of *allies*');
    expect(renderReply({ content }, styled)).toBe(
      'the \x1b[1mstrategic\x1b[22m \x1b[1mpatience\x1b[22m of *allies*',
    );
  });
});

describe('GIVEN an empty reply', () => {
  test('WHEN rendered THEN it says so rather than printing nothing', () => {
    expect(renderReply({}, plain)).toBe('(empty reply)');
  });
});
