/**
 * Schedules made at the console land in the console guild and channel, in the same store as the
 * bot's, and are still there after a restart. Runs the real app wiring, commands and data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { type ConsoleSession, createConsolePoster, startConsole } from '../../src/console/index.js';

const state = mkdtempSync(join(tmpdir(), 'attache-console-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

/** One process lifetime: boot the app on the shared store, run a script, shut down. */
async function session(script: string): Promise<string> {
  const config = parseConfig({ DATA_DIR: 'data', STATE_DIR: state, DEFAULT_TIMEZONE: 'Europe/Brussels' });
  let shell: ConsoleSession | undefined;
  const app = await createApp({
    config,
    log: pino({ level: 'silent' }),
    poster: createConsolePoster((post) => shell?.post(post.channelId, post.reply, 'digest')),
    now: () => new Date('2026-03-02T10:00:00Z'),
    watch: false,
  });
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  shell = startConsole({
    registry: app.registry,
    makeContext: app.makeContext,
    input: Readable.from([script]),
    output,
    isTTY: false,
    env: {},
    locale: 'en-GB',
    timeZone: 'Europe/Brussels',
  });
  await shell.done;
  await app.stop();
  return text;
}

describe('GIVEN the console and its store', () => {
  test('WHEN a schedule is added, previewed and run THEN it is still listed after a restart', async () => {
    const first = await session('/schedule add channel:#briefings when:"daily 08:00"\n/schedule list\n');
    const id = /Schedule (\w+) added/.exec(first)?.[1];
    expect(id, first).toBeDefined();
    expect(first).toContain('#briefings');
    expect(first).toContain('daily 08:00 (Europe/Brussels)');
    expect(first).not.toContain('⚠️');

    const second = await session(`/schedule list\n/schedule preview ${id}\n/schedule run-now ${id}\n`);
    expect(second).toContain(`${id} · daily 08:00 (Europe/Brussels)`);
    expect(second).toMatch(/── #briefings · digest ──\n│ Looking ahead/);
    expect(second).not.toContain('⚠️');
    expect(second).not.toContain('Sorry');
  });
});
