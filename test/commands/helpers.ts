/** Running commands through the real registry, and pressing the buttons they return. */
import type { APIButtonComponent } from 'discord.js';
import type { CommandContext, RawOptions } from '../../commands/index.js';
import { invokeAutocomplete, invokeButton, invokeCommand, loadCommands } from '../../src/registry.js';
import type { Reply } from '../../src/render/index.js';
import { assertWithinDiscordLimits } from '../render/discord-limits.js';
import { context } from './fixtures.js';

export const registry = await loadCommands();

/** Runs a command and checks its reply is one Discord would accept. */
export async function run(
  name: string,
  raw: RawOptions = {},
  ctx: CommandContext = context(),
): Promise<Reply> {
  const reply = await invokeCommand(registry, name, raw, ctx);
  assertWithinDiscordLimits(reply);
  return reply;
}

export const complete = (
  name: string,
  option: string,
  value: string,
  raw: RawOptions = {},
  ctx = context(),
) => invokeAutocomplete(registry, name, { name: option, value }, raw, ctx);

export const buttonsOf = (reply: Reply): APIButtonComponent[] =>
  (reply.components ?? []).flatMap((r) => r.components);

export function button(reply: Reply, label: string): APIButtonComponent {
  const found = buttonsOf(reply).find((b) => 'label' in b && b.label === label);
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(buttonsOf(reply))}`);
  return found;
}

/** Presses a button by label, as Discord would send its custom id back. */
export async function press(reply: Reply, label: string, ctx: CommandContext = context()): Promise<Reply> {
  const b = button(reply, label);
  if (!('custom_id' in b)) throw new Error(`button "${label}" is a link`);
  if (b.disabled) throw new Error(`button "${label}" is disabled`);
  const next = await invokeButton(registry, b.custom_id, ctx);
  assertWithinDiscordLimits(next);
  return next;
}

/** Every page of a paginated reply, following Next until it is disabled. */
export async function allPages(first: Reply, ctx: CommandContext = context(), max = 200): Promise<Reply[]> {
  const pages = [first];
  let current = first;
  while (buttonsOf(current).some((b) => 'label' in b && b.label === 'Next ▶' && !b.disabled)) {
    current = await press(current, 'Next ▶', ctx);
    pages.push(current);
    if (pages.length > max) throw new Error('pagination does not end');
  }
  return pages;
}

export const texts = (reply: Reply): string =>
  [
    reply.content ?? '',
    ...(reply.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.author?.name ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ].join('\n');
