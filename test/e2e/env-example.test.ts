/**
 * The README's first steps, as a new user takes them: `cp .env.example .env`, then start. The
 * example must boot as it ships (its empty `NAME=` lines mean "unset"), and the console it opens
 * must answer without JSON log lines spilling onto the person's screen.
 */
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { plainLines, ROOT, runScript } from './spawn.js';

// A checkout of its own (sources and data linked, never written), so the test never creates
// the project's own .env or state/.
const checkout = mkdtempSync(join(tmpdir(), 'attache-env-example-'));
for (const entry of ['src', 'commands', 'data', 'node_modules', 'package.json', 'tsconfig.json'])
  symlinkSync(join(ROOT, entry), join(checkout, entry));
copyFileSync(join(ROOT, '.env.example'), join(checkout, '.env'));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

describe('GIVEN .env.example copied to .env as the README says', () => {
  test('WHEN the console starts THEN it boots and answers, and no log line reaches the person', async () => {
    const run = await runScript('src/main.ts', { cwd: checkout, args: ['--console'], input: '/help\n' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('/brief [briefing]');
    expect(run.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(plainLines(run.stdout).length).toBeGreaterThan(5);
  }, 60_000);
});
