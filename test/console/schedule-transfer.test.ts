/**
 * /schedule history, export and import at the console: the export prints between two rules, and
 * an import reads a local file (`file:<path>`) with the same preview and Confirm as on Discord.
 * Runs the real app wiring, commands and data, on a store in a temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { type ConsoleSession, createConsolePoster, startConsole } from '../../src/console/index.js';

const state = mkdtempSync(join(tmpdir(), 'attache-console-transfer-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

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

const fileIn = (transcript: string): string => {
  const found = /── file (\S+) ──\n([\s\S]*?)\n── end of \1 ──/.exec(transcript);
  if (!found?.[2]) throw new Error(`no file in:\n${transcript}`);
  return `${found[2]}\n`;
};

describe('GIVEN the console', () => {
  test('WHEN a schedule is run, its history asked, exported, and the export edited and imported THEN each answers as on Discord', async () => {
    const first = await session(
      '/schedule add channel:#briefings when:"daily 08:00" skip_if_empty:false\n/schedule list\n',
    );
    const id = /Schedule (\w+) added/.exec(first)?.[1] ?? '';
    const second = await session(`/schedule run-now ${id}\n/schedule history ${id}\n/schedule export\n`);
    if (process.env.TRANSCRIPTS) console.log(second);
    expect(second).toContain(`Runs of schedule ${id}`);
    expect(second).toMatch(/✅ sent \(by hand\) · message console-/);
    const exported = fileIn(second);
    expect(exported).toContain(`- id: ${id}`);
    expect(exported).toContain('when: daily 08:00');

    const path = join(state, 'schedules.yaml');
    writeFileSync(path, exported.replace('daily 08:00', 'weekdays 07:30'));
    const bad = join(state, 'bad.yaml');
    writeFileSync(bad, exported.replace('timezone: Europe/Brussels', 'timezone: Europe/Atlantis'));
    const third = await session(
      `/schedule import file:${bad}\n/schedule import file:${path}\nConfirm\n/schedule list\n`,
    );
    if (process.env.TRANSCRIPTS) console.log(third);
    expect(third).toMatch(
      /Nothing imported: 1 problem in the file\n│\n│ line 14 · schedules\[0\]\.timezone — "Europe\/Atlantis"/,
    );
    expect(third).toContain(`✏️ update ${id} (when)`);
    expect(third).toContain('Imported: 0 added, 1 updated');
    expect(third).toContain(`${id} · weekdays 07:30 (Europe/Brussels)`);
  });
});
