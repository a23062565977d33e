/**
 * The real app (src/app.ts: live library, registry, schedules over a real sqlite store) for the
 * in-process benchmarks, with a Poster that accepts every message: handler figures are the bot's
 * own work, not a transport's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Poster } from '../src/digest/index.js';
import { createLogger } from '../src/log.js';

export const ADMIN = 1n << 5n;
/** View Channel, Send Messages, Embed Links, Read Message History. */
export const MEMBER = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n);

export const acceptingPoster = (): Poster & { sent: () => number } => {
  let sent = 0;
  return {
    check: async () => ({ ok: true }),
    send: async () => String(++sent),
    serves: () => true,
    sent: () => sent,
  };
};

export async function startBenchApp(dataDir: string, env: Record<string, string> = {}): Promise<App> {
  const stateDir = mkdtempSync(join(tmpdir(), 'attache-bench-state-'));
  const config = parseConfig({ DATA_DIR: dataDir, STATE_DIR: stateDir, LOG_LEVEL: 'silent', ...env });
  return createApp({
    config,
    log: createLogger({ level: 'silent', format: 'json' }),
    poster: acceptingPoster(),
    watch: false,
  });
}
