/**
 * Settings that are well formed but do not work on this machine, as an operator meets them: the bot
 * and deploy-commands as processes. Each must stop with one line naming the setting, where it
 * points (never a credential) and what to check; a non-zero exit; no stack trace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { plainLines, type Ran, runScript } from './spawn.js';

const GOOD_TOKEN = 'the-token-the-fake-accepts';
const BAD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.stale.token-value';
const discord = useFakeDiscord({ token: GOOD_TOKEN });

const scratch = mkdtempSync(join(tmpdir(), 'attache-setup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A regular file where a folder is expected: not writable as a folder, even for root. */
function aFile(name: string): string {
  const path = join(scratch, name);
  writeFileSync(path, 'not a folder\n');
  return path;
}

/** The one line a person reads, checked for what every such failure must have. */
function theOneLine(run: Ran, secrets: string[] = [BAD_TOKEN, GOOD_TOKEN]): string {
  const output = run.stdout + run.stderr;
  expect(run.code).not.toBe(0);
  expect(run.code).not.toBeNull();
  expect(output).not.toMatch(/^\s+at /m);
  expect(output, 'a stack trace inside a JSON log line').not.toContain('"stack"');
  for (const secret of secrets) expect(output).not.toContain(secret);
  const lines = plainLines(run.stderr);
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('GIVEN a STATE_DIR that cannot be written', () => {
  test('WHEN the console starts THEN it names STATE_DIR and the folder', async () => {
    const stateDir = aFile('state-console');
    const run = await runScript('src/main.ts', { env: { STATE_DIR: stateDir }, args: ['--console'] });
    const line = theOneLine(run);
    expect(line).toMatch(/^STATE_DIR: cannot create the folder /);
    expect(line).toContain(stateDir);
    expect(line).toContain('point STATE_DIR at a folder this user can write to');
  }, 60_000);

  test('WHEN the bot starts THEN it names STATE_DIR and the store file', async () => {
    const stateDir = join(aFile('state-bot'), 'state');
    const run = await runScript('src/main.ts', {
      env: { STATE_DIR: stateDir, DISCORD_TOKEN: GOOD_TOKEN, DISCORD_API_URL: discord.fake.restUrl },
    });
    const line = theOneLine(run);
    expect(line).toMatch(/^STATE_DIR: cannot open the store file /);
    expect(line).toContain(join(stateDir, 'attache.sqlite'));
    expect(discord.fake.sessions()).toBe(0);
  }, 60_000);
});

describe('GIVEN a store file that cannot be opened', () => {
  test('WHEN the bot starts THEN it names STORE_URL, the file and why', async () => {
    const file = join(scratch, 'not-a-database.sqlite');
    writeFileSync(
      file,
      'this is not an SQLite database, just text that is long enough to be read as one\n'.repeat(20),
    );
    const run = await runScript('src/main.ts', {
      env: {
        STATE_DIR: scratch,
        STORE_URL: `sqlite://${file}`,
        DISCORD_TOKEN: GOOD_TOKEN,
        DISCORD_API_URL: discord.fake.restUrl,
      },
    });
    const line = theOneLine(run);
    expect(line).toMatch(new RegExp(`^STORE_URL: cannot open the store file ${file} \\(.*not a database`));
  }, 60_000);
});

describe('GIVEN a DISCORD_API_URL nothing answers at', () => {
  test('WHEN the bot starts THEN it names DISCORD_API_URL and the host', async () => {
    const port = await closedPort();
    const run = await runScript('src/main.ts', {
      env: {
        STATE_DIR: mkdtempSync(join(scratch, 'state-')),
        DISCORD_TOKEN: BAD_TOKEN,
        DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
        LOG_LEVEL: 'warn',
      },
    });
    expect(theOneLine(run)).toBe(
      `DISCORD_API_URL: cannot reach Discord's API at http://127.0.0.1:${port} (connection refused); check that DISCORD_API_URL is right and that this machine can reach it (unset, Discord's own https://discord.com/api is used).`,
    );
  }, 60_000);

  test('WHEN deploy-commands runs THEN it names DISCORD_API_URL and the host', async () => {
    const port = await closedPort();
    const run = await runScript('src/discord/deploy.ts', {
      env: { DISCORD_TOKEN: BAD_TOKEN, DISCORD_API_URL: `http://127.0.0.1:${port}/api` },
    });
    expect(theOneLine(run)).toMatch(
      new RegExp(
        `^DISCORD_API_URL: cannot reach Discord's API at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`,
      ),
    );
  }, 60_000);
});

describe('GIVEN a token Discord rejects', () => {
  test('WHEN deploy-commands runs THEN it names DISCORD_TOKEN and where to get a good one', async () => {
    const run = await runScript('src/discord/deploy.ts', {
      env: {
        DISCORD_TOKEN: BAD_TOKEN,
        DISCORD_API_URL: discord.fake.restUrl,
        DISCORD_GUILD_ID: discord.fake.guildId,
      },
    });
    const host = new URL(discord.fake.restUrl).host;
    expect(theOneLine(run)).toBe(
      `DISCORD_TOKEN: Discord (http://${host}) rejected the token (401 Unauthorized); copy the bot's current token from https://discord.com/developers/applications (Bot → Reset Token) into DISCORD_TOKEN.`,
    );
    expect(discord.fake.commands(discord.fake.guildId)).toEqual([]);
  }, 60_000);

  test('WHEN the bot starts THEN it names DISCORD_TOKEN', async () => {
    const run = await runScript('src/main.ts', {
      env: {
        STATE_DIR: mkdtempSync(join(scratch, 'state-')),
        DISCORD_TOKEN: BAD_TOKEN,
        DISCORD_API_URL: discord.fake.restUrl,
        LOG_LEVEL: 'warn',
      },
    });
    expect(theOneLine(run)).toMatch(
      /^DISCORD_TOKEN: Discord \(http:\/\/127\.0\.0\.1:\d+\) rejected the token/,
    );
  }, 60_000);
});
