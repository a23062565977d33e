/**
 * Runs one of the project's scripts as an operator would (`node --import tsx <script>`), with only
 * the environment a test gives it: nothing of the developer's own environment leaks in.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(
  script: string,
  options: {
    env?: Record<string, string>;
    cwd?: string;
    input?: string;
    args?: string[];
    timeoutMs?: number;
  },
): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script), ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** The lines a person would read: JSON log lines are not among them. */
export const plainLines = (text: string): string[] =>
  text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
