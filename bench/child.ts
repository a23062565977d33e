/**
 * Each measurement runs in a fresh Node process, so one measurement's heap, JIT state and open
 * handles never colour the next, and peak RSS is the measurement's own. A child prints its result
 * as one JSON line prefixed with a marker; anything else it prints is passed through as progress.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const MARKER = '@@bench-result ';

/** Called by a child once, at the end. */
export const emit = (result: unknown): void => {
  process.stdout.write(`${MARKER}${JSON.stringify(result)}\n`);
};

/** The argument a child was started with. */
export const childInput = <T>(): T => {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('a bench child needs its input as a JSON argument');
  return JSON.parse(raw) as T;
};

export interface ChildOptions {
  /** Write a V8 CPU profile (node --cpu-prof) into this folder. */
  cpuProfDir?: string | undefined;
  /** Lines the child prints besides its result, e.g. progress. */
  onLine?: (line: string) => void;
}

export const runChild = <T>(script: string, input: unknown, options: ChildOptions = {}): Promise<T> =>
  new Promise((done, fail) => {
    const flags = ['--import', 'tsx'];
    if (options.cpuProfDir) flags.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
    const child = spawn(
      process.execPath,
      [...flags, resolve(import.meta.dirname, script), JSON.stringify(input)],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    let result: T | undefined;
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let cut = pending.indexOf('\n');
      while (cut >= 0) {
        const line = pending.slice(0, cut);
        pending = pending.slice(cut + 1);
        if (line.startsWith(MARKER)) result = JSON.parse(line.slice(MARKER.length)) as T;
        else if (line.trim()) options.onLine?.(line);
        cut = pending.indexOf('\n');
      }
    });
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (code === 0 && result !== undefined) done(result);
      else fail(new Error(`bench child ${script} ended with ${signal ?? `code ${code}`} and no result`));
    });
  });
