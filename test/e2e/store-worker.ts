/**
 * One process of the store process tests (store-processes.test.ts), run with tsx. Writes its
 * outcome as one JSON line on stdout, its log as JSON lines on stderr.
 *
 *   adds <storeUrl> <prefix> <n>           n concurrent changes to guild g1, each adding a schedule
 *   edit <storeUrl> <scheduleId> <patch>   /schedule edit of g1's schedule through the service (a
 *                                          JSON patch, or a list of them applied one by one)
 *   writes <storeUrl> <n> <delayMs>        n changes one after another, `delayMs` apart
 *   lease <storeUrl> <holder> <ttlMs> <heartbeatMs>
 *                                          runs the schedules of shard 0 of 1 until SIGTERM: a line
 *                                          at start and one each time whether it runs them changes
 */
import pino from 'pino';
import { createDigestRuntime } from '../../src/digest/runtime.js';
import { openStore } from '../../src/digest/store.js';
import { defaultLibrary, digestOptions, fakePoster, scheduleRecord } from '../digest/fixtures.js';

const [mode, url = '', ...args] = process.argv.slice(2);
const log = pino({ base: { pid: process.pid } }, pino.destination(2));

const schedule = (id: string) => scheduleRecord({ id, timezone: 'UTC' });

const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (mode === 'adds' || mode === 'writes') {
  const store = await openStore(url, { log });
  const [prefix = 'p', count = '1', delay = '0'] = mode === 'adds' ? args : ['w', ...args];
  const add = (i: number) =>
    store.updateGuild('g1', (list) => ({
      schedules: [...list, schedule(`${prefix}${String(i).padStart(4, '0')}`)],
      result: i,
    }));
  const n = Number(count);
  let done = 0;
  if (mode === 'adds') done = (await Promise.all(Array.from({ length: n }, (_, i) => add(i)))).length;
  else {
    out({ started: true });
    for (let i = 0; i < n; i++) {
      await add(i);
      done++;
      await new Promise((resolve) => setTimeout(resolve, Number(delay)));
    }
  }
  await store.close();
  out({ done });
} else if (mode === 'edit') {
  const [id = '', patch = '{}'] = args;
  const digests = await createDigestRuntime(
    digestOptions({ storeUrl: url, poster: fakePoster(), defaultTimezone: 'UTC', log }),
  );
  try {
    // Each patch in turn, as an admin clicking through edits; every answer is reported.
    const patches = [JSON.parse(patch)].flat() as Record<string, unknown>[];
    for (const one of patches) {
      const view = await digests.schedules.edit('g1', id, one, defaultLibrary());
      out({ ok: true, when: view.schedule.when, format: view.schedule.format, themes: view.schedule.themes });
    }
  } catch (error) {
    out({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  await digests.stop();
} else if (mode === 'lease') {
  const [holder = 'worker', ttlMs = '30000', heartbeatMs = '10000'] = args;
  const digests = await createDigestRuntime(
    digestOptions({
      storeUrl: url,
      poster: fakePoster(),
      defaultTimezone: 'UTC',
      log,
      shards: () => ({ ids: [0], total: 1 }),
      lease: { holder, ttlMs: Number(ttlMs), heartbeatMs: Number(heartbeatMs) },
    }),
  );
  await digests.start();
  // Every guild is on shard 0 of 1.
  const state = () => ({
    running: digests.shardStatus('0')?.running === true,
    tasks: digests.scheduler.active().length,
  });
  let last = JSON.stringify(state());
  out(state());
  const watch = setInterval(() => {
    const now = JSON.stringify(state());
    if (now !== last) out(JSON.parse(now));
    last = now;
  }, 20);
  process.once('SIGTERM', () => {
    clearInterval(watch);
    void digests.stop().then(() => out({ stopped: true }));
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
