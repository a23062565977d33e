/**
 * The bot as an operator runs it: `node --import tsx src/main.ts` and the deploy script as child
 * processes against the fake Discord. Checks the clean shutdown on SIGTERM and SIGINT, that the
 * token never reaches the logs, and what deploy-commands registers and prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadCommands } from '../../src/registry.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';

const discord = useFakeDiscord({ requireSafeMentions: true });
const stateDirs: string[] = [];
afterEach(() => {
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string>) {
  const stateDir = mkdtempSync(join(tmpdir(), 'attache-proc-'));
  stateDirs.push(stateDir);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      PATH: process.env.PATH ?? '',
      DISCORD_TOKEN: discord.fake.token,
      DISCORD_API_URL: discord.fake.restUrl,
      STATE_DIR: stateDir,
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const until = async (check: () => boolean, what: string, timeoutMs = 20_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const kill = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.exitCode === null) child.kill(signal);
};

describe('GIVEN the bot started as a process', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)(
    'WHEN it receives %s THEN it shuts down cleanly, closing its gateway session, and exits 0',
    async (signal) => {
      const bot = run('src/main.ts', { LOG_LEVEL: 'info' });
      try {
        await until(() => bot.output().includes('connected to Discord'), 'the bot to connect');
        expect(discord.fake.sessions()).toBe(1);
        kill(bot.child, signal);
        expect(await bot.exited).toBe(0);
        expect(bot.output()).toContain('shutting down');
        await until(() => discord.fake.sessions() === 0, 'the gateway session to close', 5000);
        expect(bot.output()).not.toContain(discord.fake.token);
      } finally {
        kill(bot.child, 'SIGKILL');
      }
    },
    60_000,
  );
});

describe('GIVEN npm run deploy-commands', () => {
  test('WHEN DISCORD_GUILD_ID is set THEN every command is registered in that guild and listed', async () => {
    const deploy = run('src/discord/deploy.ts', { DISCORD_GUILD_ID: discord.fake.guildId });
    expect(await deploy.exited).toBe(0);
    const names = discord.fake.commands(discord.fake.guildId).map((c) => c.name);
    const shipped = [...(await loadCommands()).commands.keys()];
    expect(names.sort()).toEqual(shipped.sort());
    expect(deploy.output()).toContain(
      `Registered ${shipped.length} commands in guild ${discord.fake.guildId}`,
    );
    expect(deploy.output()).toMatch(
      /\/schedule \(add, list, edit, remove, pause, resume, preview, run-now, [^)]*history, export, import\)/,
    );
  }, 60_000);

  test('WHEN no guild is set THEN the commands are registered globally', async () => {
    const deploy = run('src/discord/deploy.ts', {});
    expect(await deploy.exited).toBe(0);
    expect(discord.fake.commands().map((c) => c.name)).toContain('brief');
    expect(deploy.output()).toContain('globally');
  }, 60_000);
});
