/**
 * Pagination through Discord: a library large enough for several pages (the shipped briefing and
 * twelve dated variants of it), browsed with the buttons, including after a restart of the bot:
 * custom ids carry their own state.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIButtonComponent, APIEmbed } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import type { CallbackBody, FakeMessage } from '../fake-discord/index.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type Harness, startHarness } from './harness.js';

const discord = useFakeDiscord({ requireSafeMentions: true });
const dataDir = mkdtempSync(join(tmpdir(), 'attache-pages-'));
let harness: Harness;

beforeAll(async () => {
  cpSync('data', dataDir, { recursive: true });
  const seed = parse(readFileSync('data/briefings/brussels-us-ukraine-talks-2026-01.yaml', 'utf8'));
  for (let n = 1; n <= 12; n++) {
    const id = `follow-up-round-${n}`;
    const month = String(n).padStart(2, '0');
    const briefing = {
      ...seed,
      id,
      title: `Follow-up round ${n}: ${seed.title}`.slice(0, 200),
      published: `2025-${month}`,
    };
    writeFileSync(join(dataDir, 'briefings', `${id}.yaml`), stringify(briefing));
  }
  harness = await startHarness(discord.fake, { DATA_DIR: dataDir });
});
afterAll(async () => {
  await harness?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const buttons = (callback: CallbackBody): APIButtonComponent[] =>
  ((callback.data?.components ?? []) as { components: APIButtonComponent[] }[]).flatMap((r) => r.components);
const text = (callback: CallbackBody): string =>
  ((callback.data?.embeds ?? []) as APIEmbed[])
    .flatMap((e) => [
      e.title,
      e.description,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text,
    ])
    .join('\n');
const pageButton = (callback: CallbackBody, label: RegExp) => {
  const button = buttons(callback).find(
    (b) => label.test('label' in b ? (b.label ?? '') : '') && 'custom_id' in b,
  );
  if (!button || !('custom_id' in button))
    throw new Error(`no ${label} button in ${JSON.stringify(buttons(callback))}`);
  return button;
};

async function press(customId: string, message: FakeMessage | undefined) {
  if (!message) throw new Error('no message to press a button on');
  return discord.fake.interact({ type: 'button', customId, message });
}

describe('GIVEN thirteen briefings', () => {
  test.each([
    ['theme', { theme: 'outlook' }],
    ['search', { query: 'engagement' }],
    ['sources', {}],
    ['lookahead', { within: 'all' }],
  ])(
    'WHEN /%s spans several pages THEN Next and Previous move through them and the ends are disabled',
    async (name, options) => {
      const first = await discord.fake.interact({ type: 'command', name, options });
      expect(text(first.callback)).toMatch(/Page 1 of (\d+)/);
      expect(pageButton(first.callback, /prev/i).disabled).toBe(true);
      const next = pageButton(first.callback, /next/i);
      expect(next.disabled).toBeFalsy();

      const second = await press('custom_id' in next ? next.custom_id : '', first.reply);
      expect(second.callback.type).toBe(7);
      expect(text(second.callback)).toMatch(/Page 2 of/);
      expect(text(second.callback)).not.toEqual(text(first.callback));

      const prev = pageButton(second.callback, /prev/i);
      const back = await press('custom_id' in prev ? prev.custom_id : '', second.reply ?? first.reply);
      expect(text(back.callback)).toEqual(text(first.callback));
    },
  );

  test('WHEN the bot restarts between two presses THEN the page buttons still work', async () => {
    const first = await discord.fake.interact({
      type: 'command',
      name: 'theme',
      options: { theme: 'outlook' },
    });
    const next = pageButton(first.callback, /next/i);
    await harness.stop();
    harness = await startHarness(discord.fake, { DATA_DIR: dataDir });
    const second = await press('custom_id' in next ? next.custom_id : '', first.reply);
    expect(text(second.callback)).toMatch(/Page 2 of/);
  });
});
