import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test } from 'vitest';
import { makeAnsi } from '../../src/console/ansi.js';
import { renderReply, type TextOptions } from '../../src/console/render-text.js';

// A terminal gives emoji and CJK characters two columns each, whatever their code point count:
// 🟢 and 🆕 are one code point, a ZWJ family is five, a flag two, ⚠️ two (with its selector).
const plain: TextOptions = { ansi: makeAnsi(false), now: new Date('2026-03-01T09:00:00Z'), locale: 'en-GB' };
const styled: TextOptions = { ...plain, ansi: makeAnsi(true) };
const lines = (content: string, width: number, o: TextOptions = plain) =>
  renderReply({ content }, { ...o, width }).split('\n');

describe('GIVEN a reply line holding wide characters', () => {
  test.each([
    // 15 columns but 13 code points: counted by code point it stays whole and overflows.
    ['status emoji', '🟢 ok 🆕 new ⚠️ late', 14, ['🟢 ok 🆕 new', '⚠️ late']],
    ['CJK words', '发言人表示 外交部长会晤', 10, ['发言人表示', '外交部长会', '晤']],
    // Five code points, two columns: counted by code point it wraps too early.
    ['a ZWJ family', 'ab 👩‍👩‍👧 cd', 8, ['ab 👩‍👩‍👧 cd']],
    ['flags', '🇪🇺 and 🇺🇦 agree', 9, ['🇪🇺 and 🇺🇦', 'agree']],
  ])(
    'WHEN it holds %s and is wrapped THEN it breaks at the terminal column',
    (_case, content, width, expected) => {
      expect(lines(content, width)).toEqual(expected);
    },
  );

  test('WHEN a bullet with emoji wraps THEN its continuation lines up under the text', () => {
    expect(lines('- 🟢 Kyiv 🆕 talks resume', 11)).toEqual(['• 🟢 Kyiv', '  🆕 talks', '  resume']);
  });

  test('WHEN a styled quote wraps THEN its dim bar stays on the first line and the text lines up', () => {
    expect(lines('> 🆕 🟢 talks resume', 12, styled)).toEqual([
      '\x1b[2m▏ \x1b[22m🆕 🟢',
      '  talks',
      '  resume',
    ]);
  });

  test('WHEN styled text wraps THEN escape codes take no columns and every line closes its styles', () => {
    const out = lines('**🟢 ok 🆕 new ⚠️ late**', 14, styled);
    expect(out.map(stripVTControlCharacters)).toEqual(['🟢 ok 🆕 new', '⚠️ late']);
    expect(out).toEqual(['\x1b[1m🟢 ok 🆕 new\x1b[22m', '\x1b[1m⚠️ late\x1b[22m']);
  });

  test('WHEN an embed holds wide characters THEN no line passes the width, bar included', () => {
    const reply = { embeds: [{ description: '外交部发言人表示 '.repeat(6).trim(), color: 0x1f6feb }] };
    const out = renderReply(reply, { ...plain, width: 24 }).split('\n');
    expect(out[0]).toBe('│ 外交部发言人表示');
    expect(out.every((l) => l.startsWith('│ '))).toBe(true);
    expect(out.map((l) => l.slice(2)).join(' ')).toBe('外交部发言人表示 '.repeat(6).trim());
    // 22 columns inside the bar: two 16-column runs never share a line.
    expect(out).toHaveLength(6);
  });

  test('WHEN a link is longer than the width THEN it stays whole so the terminal can still open it', () => {
    const url = 'https://example.org/a/very/long/path/to/the/article';
    expect(lines(`read ${url} now`, 20)).toEqual(['read', url, 'now']);
  });
});
