import type { APIEmbed } from 'discord.js';
import { describe, expect, test } from 'vitest';
import type { ButtonRow, Reply } from '../../src/render/index.js';
import {
  DISCORD_LIMITS,
  embedLength,
  fitEmbed,
  fitReply,
  SHORTENED_NOTE,
  splitText,
  totalEmbedLength,
  truncate,
} from '../../src/render/limits.js';
import { assertWithinDiscordLimits } from './discord-limits.js';

const words = (n: number, word = 'word'): string =>
  Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

describe('truncate', () => {
  test('GIVEN text within the limit WHEN truncated THEN it is unchanged', () => {
    expect(truncate('short text', 10)).toBe('short text');
  });

  test.each([20, 50, 101, 256])(
    'GIVEN long text WHEN cut to %i THEN it ends at a word with an ellipsis',
    (max) => {
      const text = words(200);
      const out = truncate(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      const kept = out.slice(0, -1);
      expect(text.startsWith(kept)).toBe(true);
      // The cut falls between words: what follows the kept text in the original is a space.
      expect(text[kept.length]).toBe(' ');
    },
  );

  test('GIVEN one very long word WHEN cut THEN it is cut mid-word rather than emptied', () => {
    const out = truncate('x'.repeat(500), 100);
    expect(out).toHaveLength(100);
    expect(out.endsWith('…')).toBe(true);
  });

  test('GIVEN an open bold match at the cut WHEN truncated THEN the bold is closed', () => {
    const out = truncate(`intro **${'match '.repeat(40)}** after`, 60);
    expect(out.length).toBeLessThanOrEqual(60);
    expect((out.match(/\*\*/g) ?? []).length % 2).toBe(0);
  });

  test('GIVEN an escape right at the cut WHEN truncated THEN no lone backslash escapes the ellipsis', () => {
    const out = truncate(`${'a'.repeat(56)}\\*\\*more text here`, 60);
    expect(out).not.toMatch(/(?<!\\)\\…$/);
  });

  test('GIVEN emoji at the cut WHEN truncated THEN no surrogate pair is split', () => {
    const out = truncate('😀'.repeat(100), 51);
    expect(out.length).toBeLessThanOrEqual(51);
    expect(() => encodeURIComponent(out)).not.toThrow();
  });
});

describe('splitText', () => {
  test('GIVEN paragraphs WHEN split THEN chunks break at paragraph ends and lose nothing', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => words(30, `p${i}w`));
    const text = paragraphs.join('\n\n');
    const chunks = splitText(text, 1024);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1024);
    expect(chunks.join('\n\n').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  test('GIVEN text with no spaces WHEN split THEN it is cut hard within the limit', () => {
    const chunks = splitText('y'.repeat(2500), 1000);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 500]);
  });
});

describe('fitEmbed', () => {
  test('GIVEN a field value over 1024 WHEN fitted THEN it continues in further fields', () => {
    const value = words(400);
    const [embed] = fitEmbed({ title: 't', fields: [{ name: 'Long', value }] });
    const fields = embed?.fields ?? [];
    expect(fields.length).toBeGreaterThan(1);
    expect(fields[0]?.name).toBe('Long');
    for (const f of fields) expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    expect(fields.map((f) => f.value).join(' ')).toBe(value);
  });

  test('GIVEN 60 fields WHEN fitted THEN they continue in embeds of 25 with the same colour', () => {
    const fields = Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    const out = fitEmbed({ title: 't', color: 0x123456, fields, footer: { text: 'foot' } });
    expect(out.map((e) => e.fields?.length)).toEqual([25, 25, 10]);
    expect(out.every((e) => e.color === 0x123456)).toBe(true);
    expect(out.at(-1)?.footer?.text).toBe('foot');
    expect(out[0]?.footer).toBeUndefined();
  });

  test('GIVEN a description over 4096 WHEN fitted THEN it continues in further embeds, losing nothing', () => {
    const description = words(1500);
    const out = fitEmbed({ title: 't', description });
    expect(out.length).toBe(Math.ceil(description.length / DISCORD_LIMITS.description));
    for (const e of out) expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(out.map((e) => e.description).join(' ')).toBe(description);
  });

  test.each([
    ['title', { title: 'T'.repeat(300) }, (e: APIEmbed) => e.title?.length ?? 0, 256],
    ['author', { author: { name: 'A'.repeat(300) } }, (e: APIEmbed) => e.author?.name.length ?? 0, 256],
    [
      'footer',
      { description: 'd', footer: { text: 'F'.repeat(3000) } },
      (e: APIEmbed) => e.footer?.text.length ?? 0,
      2048,
    ],
  ])('GIVEN an oversized %s WHEN fitted THEN it is cut to its limit', (_part, embed, measure, max) => {
    const [out] = fitEmbed(embed as APIEmbed);
    expect(measure(out as APIEmbed)).toBe(max);
  });
});

describe('fitReply', () => {
  test('GIVEN embeds over 6000 characters in total WHEN fitted THEN they fit and say they were shortened', () => {
    const embeds = Array.from({ length: 8 }, (_, i) => ({ title: `e${i}`, description: words(300) }));
    expect(totalEmbedLength(embeds)).toBeGreaterThan(6000);
    const out = fitReply({ embeds });
    assertWithinDiscordLimits(out);
    expect(totalEmbedLength(out.embeds ?? [])).toBeLessThanOrEqual(6000);
    expect(out.embeds?.at(-1)?.footer?.text).toContain(SHORTENED_NOTE);
  });

  test('GIVEN 14 embeds WHEN fitted THEN at most 10 remain, with the note', () => {
    const out = fitReply({ embeds: Array.from({ length: 14 }, (_, i) => ({ description: `embed ${i}` })) });
    expect(out.embeds).toHaveLength(10);
    expect(out.embeds?.at(-1)?.footer?.text).toContain(SHORTENED_NOTE);
  });

  test('GIVEN a reply that fits WHEN fitted THEN nothing changes', () => {
    const reply: Reply = {
      embeds: [{ title: 'A', description: 'b', fields: [{ name: 'c', value: 'd' }], footer: { text: 'e' } }],
    };
    expect(fitReply(reply)).toEqual(reply);
  });

  test('GIVEN content over 2000 with a mention WHEN fitted THEN it is cut and nobody is pinged', () => {
    const out = fitReply({ content: `@everyone ${words(600)}` });
    assertWithinDiscordLimits(out);
    expect(out.content?.length).toBeLessThanOrEqual(2000);
  });

  test('GIVEN mentions in every embed part WHEN fitted THEN none is live', () => {
    const m = '@here <@123> <@&4> <#5> <@!6>';
    const out = fitReply({
      embeds: [
        {
          title: m,
          description: m,
          author: { name: m },
          footer: { text: m },
          fields: [{ name: m, value: m }],
        },
      ],
    });
    assertWithinDiscordLimits(out);
  });

  test('GIVEN seven buttons in one row WHEN fitted THEN they wrap into rows of five', () => {
    const row: ButtonRow = {
      type: 1,
      components: Array.from({ length: 7 }, (_, i) => ({
        type: 2,
        style: 2,
        label: `b${i}`,
        custom_id: `x:y:${i}`,
      })),
    };
    const out = fitReply({ content: 'x', components: [row] });
    expect(out.components?.map((r) => r.components.length)).toEqual([5, 2]);
  });

  test.each([
    ['a custom id over 100 characters', [`x:y:${'s'.repeat(100)}`]],
    ['two buttons with one custom id', ['x:y:1', 'x:y:1']],
  ])('GIVEN %s WHEN fitted THEN it is refused as a bug', (_what, ids) => {
    const row: ButtonRow = {
      type: 1,
      components: ids.map((custom_id) => ({ type: 2, style: 2, label: 'b', custom_id })),
    };
    expect(() => fitReply({ content: 'x', components: [row] })).toThrow(/custom id/);
  });

  test('GIVEN an empty reply WHEN fitted THEN it still says something', () => {
    assertWithinDiscordLimits(fitReply({}));
  });

  test('GIVEN one huge embed of every kind of excess WHEN fitted THEN Discord would accept it', () => {
    const huge: APIEmbed = {
      title: words(100),
      description: words(2000),
      author: { name: words(100) },
      footer: { text: words(500) },
      fields: Array.from({ length: 40 }, (_, i) => ({ name: words(60, `n${i}`), value: words(300) })),
    };
    const out = fitReply({ embeds: [huge, huge, huge] });
    assertWithinDiscordLimits(out);
    // Transports may fit a reply again: nothing more changes.
    expect(fitReply(out)).toEqual(out);
    expect(out.embeds?.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
  });
});
