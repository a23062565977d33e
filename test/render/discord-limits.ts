/**
 * A validator of what Discord would accept, independent of src/render/limits.ts: the request body
 * is checked with the schemas generated from Discord's OpenAPI spec (`discord-api-spec/zod`), and
 * the rules the spec does not carry are checked here (6,000 characters across embeds, non-empty
 * fields, unique custom ids, nothing that could ping).
 */
import type { APIEmbed } from 'discord.js';
import { expect } from 'vitest';
import type { Reply } from '../../src/render/index.js';

// The package ships no type declarations: a non-literal specifier keeps TypeScript from asking.
const SPEC_MODULE: string = 'discord-api-spec/zod';
const spec = (await import(SPEC_MODULE)) as Record<string, unknown>;
interface SpecSchema {
  safeParse(data: unknown): {
    success: boolean;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
}
const isSchema = (v: unknown): v is SpecSchema =>
  typeof v === 'object' && v !== null && typeof Reflect.get(v, 'safeParse') === 'function';
const callbackSchema = spec.CreateMessageInteractionCallbackRequestSchema;
if (!isSchema(callbackSchema)) throw new Error('discord-api-spec/zod lacks the callback schema');
const CreateMessageInteractionCallbackRequestSchema: SpecSchema = callbackSchema;

/** Mention syntax that Discord would resolve if allowed_mentions were missing. */
// Channel links (<#id>) notify nobody, so they are not live mentions.
const LIVE_MENTION = /@everyone|@here|<@!?\d|<@&\d/i;

const textsOf = (e: APIEmbed): string[] => [
  e.title ?? '',
  e.description ?? '',
  e.author?.name ?? '',
  e.footer?.text ?? '',
  ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
];

export function discordProblems(reply: Reply): string[] {
  const problems: string[] = [];
  const body = {
    type: 4,
    data: {
      ...(reply.content !== undefined && { content: reply.content }),
      ...(reply.embeds && { embeds: reply.embeds }),
      ...(reply.components && { components: reply.components }),
      ...(reply.ephemeral && { flags: 64 }),
      allowed_mentions: { parse: [] },
    },
  };
  const parsed = CreateMessageInteractionCallbackRequestSchema.safeParse(body);
  if (!parsed.success) {
    for (const i of parsed.error?.issues ?? [])
      problems.push(`schema: ${i.path.map(String).join('.')}: ${i.message}`);
  }
  const embeds = reply.embeds ?? [];
  if (!reply.content && embeds.length === 0) problems.push('a message needs content or an embed');
  if (embeds.length > 10) problems.push(`${embeds.length} embeds`);
  const total = embeds.reduce((n, e) => n + textsOf(e).reduce((m, t) => m + t.length, 0), 0);
  if (total > 6000) problems.push(`embeds total ${total} characters`);
  for (const [i, e] of embeds.entries()) {
    if (!e.title && !e.description && !e.fields?.length && !e.author?.name && !e.footer?.text) {
      problems.push(`embed ${i} is empty`);
    }
    if ((e.title?.length ?? 0) > 256) problems.push(`embed ${i} title`);
    if ((e.description?.length ?? 0) > 4096) problems.push(`embed ${i} description`);
    if ((e.footer?.text.length ?? 0) > 2048) problems.push(`embed ${i} footer`);
    if ((e.author?.name.length ?? 0) > 256) problems.push(`embed ${i} author`);
    if ((e.fields?.length ?? 0) > 25) problems.push(`embed ${i} has ${e.fields?.length} fields`);
    for (const [j, f] of (e.fields ?? []).entries()) {
      if (!f.name || f.name.length > 256) problems.push(`embed ${i} field ${j} name of ${f.name.length}`);
      if (!f.value || f.value.length > 1024)
        problems.push(`embed ${i} field ${j} value of ${f.value.length}`);
    }
  }
  if ((reply.content?.length ?? 0) > 2000) problems.push('content over 2000');
  const rows = reply.components ?? [];
  if (rows.length > 5) problems.push(`${rows.length} rows`);
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.components.length > 5) problems.push(`row of ${row.components.length}`);
    for (const b of row.components) {
      if ('custom_id' in b) {
        if (b.custom_id.length > 100) problems.push(`custom_id of ${b.custom_id.length}`);
        if (ids.has(b.custom_id)) problems.push(`duplicate custom_id ${b.custom_id}`);
        ids.add(b.custom_id);
      }
    }
  }
  const texts = [reply.content ?? '', ...embeds.flatMap(textsOf)];
  for (const t of texts) if (LIVE_MENTION.test(t)) problems.push(`live mention in: ${t.slice(0, 80)}`);
  return problems;
}

export function assertWithinDiscordLimits(reply: Reply): void {
  expect(discordProblems(reply)).toEqual([]);
}
