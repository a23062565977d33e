/**
 * Discord and the console answer whatever a command throws the same way (src/errors.ts,
 * `answerError`): one registry, one command, run through the real dispatcher against the fake
 * Discord and through a console session.
 */
import { Readable, Writable } from 'node:stream';
import { type Client, Events } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { Command } from '../../commands/index.js';
import { makeAnsi } from '../../src/console/ansi.js';
import { renderReply, runConsole } from '../../src/console/index.js';
import { createDispatcher } from '../../src/discord/dispatcher.js';
import { answerError, UserError } from '../../src/errors.js';
import { buildRegistry } from '../../src/registry.js';
import { apologyReply, errorReply } from '../../src/render/errors.js';
import { makeContext as contextAt } from '../console/fake-commands.js';
import { loginClient } from '../fake-discord/client.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type LogLine, memoryLogger } from './harness.js';

const EPHEMERAL = 64;

const refusal = new UserError('there is no such theme; pick one from the list', 'theme');

const failing = (name: string, error: Error): Command => ({
  definition: { name, description: `Throws: ${error.message}` },
  options: z.object({}),
  execute: () => {
    throw error;
  },
});

const registry = buildRegistry([
  { file: 'boom.ts', command: failing('boom', new Error('disk on fire')) },
  { file: 'refuse.ts', command: failing('refuse', refusal) },
]);
const makeContext = contextAt();

const discord = useFakeDiscord({ requireSafeMentions: true });
let client: Client;
const discordLogs: LogLine[] = [];

beforeAll(async () => {
  client = await loginClient(discord.fake);
  const definitions = [...registry.commands.values()].map((c) => c.definition);
  await client.application?.commands.set(definitions, discord.fake.guildId);
  const dispatch = createDispatcher({ registry, log: memoryLogger(discordLogs), makeContext });
  client.on(Events.InteractionCreate, (interaction) => void dispatch(interaction));
});
afterAll(async () => {
  await client?.destroy();
});

async function onDiscord(name: string) {
  const before = discordLogs.length;
  const i = await discord.fake.interact({ type: 'command', name });
  return { data: i.callback.data ?? {}, logs: discordLogs.slice(before) };
}

async function inConsole(name: string) {
  let text = '';
  const output = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  const logs: { details: Record<string, unknown>; message: string }[] = [];
  await runConsole({
    registry,
    makeContext,
    input: Readable.from([`/${name}\n`]),
    output,
    isTTY: false,
    env: {},
    log: { error: (details, message) => logs.push({ details, message }) },
  });
  // The echoed line, then the answer.
  const answer = text.split('\n').slice(1).join('\n').trim();
  return { answer, logs };
}

const asText = (reply: Parameters<typeof renderReply>[0]) =>
  renderReply(reply, { ansi: makeAnsi(false), now: new Date() });

describe('GIVEN a command that fails unexpectedly', () => {
  test('WHEN it runs on Discord and in the console THEN both answer with the same apology, quoting the id each logged with the context', async () => {
    const discordSide = await onDiscord('boom');
    const consoleSide = await inConsole('boom');

    const discordFault = discordSide.logs.find((l) => l.msg === 'interaction failed');
    const discordId = String(discordFault?.errorId);
    expect(discordFault).toMatchObject({ command: 'boom', err: { message: 'disk on fire' } });
    expect(discordSide.data.flags).toBe(EPHEMERAL);
    expect(discordSide.data.embeds).toEqual(apologyReply(discordId).embeds);
    expect(discordSide.data.embeds?.[0]?.description).toBe(
      `Sorry, something went wrong on our side. If it keeps happening, give an administrator this error id: \`${discordId}\`.`,
    );

    expect(consoleSide.logs).toHaveLength(1);
    const [consoleFault] = consoleSide.logs;
    const consoleId = String(consoleFault?.details.errorId);
    expect(consoleFault).toMatchObject({
      message: 'console command failed',
      details: { command: 'boom', err: expect.objectContaining({ message: 'disk on fire' }) },
    });
    expect(consoleSide.answer).toBe(asText(apologyReply(consoleId)));

    expect(consoleId).toMatch(/^[0-9a-f]{8}$/);
    expect(discordId).toMatch(/^[0-9a-f]{8}$/);
    expect(consoleId).not.toBe(discordId);
  });
});

describe('GIVEN a command that refuses what the user asked', () => {
  test('WHEN it runs on Discord and in the console THEN both answer with its message and neither logs a fault', async () => {
    const discordSide = await onDiscord('refuse');
    const consoleSide = await inConsole('refuse');

    expect(discordSide.data.flags).toBe(EPHEMERAL);
    expect(discordSide.data.embeds).toEqual(errorReply(refusal).embeds);
    expect(discordSide.logs.filter((l) => l.level >= 50)).toEqual([]);

    expect(consoleSide.answer).toBe(asText(errorReply(refusal)));
    expect(consoleSide.logs).toEqual([]);
  });
});

describe('GIVEN answerError', () => {
  test('WHEN given a fault without a log THEN it still answers with an apology and an id', () => {
    const { reply, errorId } = answerError(new Error('x'), { log: undefined, message: 'm', context: {} });
    expect(errorId).toMatch(/^[0-9a-f]{8}$/);
    expect(reply).toEqual(apologyReply(errorId ?? ''));
  });
});
