/**
 * The real app (src/app.ts: live library, registry, schedules over a real sqlite store) for the
 * in-process benchmarks, with a Poster that accepts every message: handler figures are the bot's
 * own work, not a transport's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

/** The app, and `close` to stop it and remove its temporary state folder. */
export async function startBenchApp(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ app: App; close: () => Promise<void> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'attache-bench-state-'));
  const config = parseConfig({ DATA_DIR: dataDir, STATE_DIR: stateDir, LOG_LEVEL: 'silent', ...env });
  const app = await createApp({
    config,
    log: createLogger({ level: 'silent', format: 'json' }),
    poster: acceptingPoster(),
    watch: false,
  });
  return {
    app,
    async close() {
      await app.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
