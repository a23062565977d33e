/**
 * Child: hot reload of a large data folder, as the app wires it (createLiveLibrary building with
 * buildLibraryAsync on a briefing cache). Two changes a curator makes: one file edited (the scan
 * reuses the other files, the changed one is checked and stored), and every file touched at once
 * (a `git checkout` that rewrites them all: everything is read and hashed again, and found in
 * the cache). For each: time from reload to swap, and
 * the longest event-loop stall meanwhile (perf_hooks.monitorEventLoopDelay, 5 ms resolution, max).
 */
import { appendFile, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { buildLibraryAsync } from '../src/briefings/library.js';
import { openDataArchive } from '../src/briefings/loader.js';
import { createLiveLibrary } from '../src/briefings/reload.js';
import { childInput, emit } from './child.js';
import { median, round } from './stats.js';

export interface ReloadInput {
  dir: string;
  runs: number;
}

export interface ReloadRun {
  change: 'one-file' | 'all-files';
  swapMs: number;
  maxStallMs: number;
  outcome: string;
  briefings: number;
}

export interface ReloadFigures {
  briefings: number;
  runs: ReloadRun[];
  oneFile: { swapMs: number; maxStallMs: number };
  allFiles: { swapMs: number; maxStallMs: number };
  /** Reloads that did not swap in every briefing cleanly. */
  bad: number;
}

const { dir, runs } = childInput<ReloadInput>();
const quiet = () => undefined;
const cacheDir = await mkdtemp(join(tmpdir(), 'attache-bench-cache-'));
const archive = openDataArchive(join(cacheDir, 'briefings.sqlite'), quiet);
const live = await createLiveLibrary({
  dir,
  build: (load, previous) => buildLibraryAsync(load, { archive, previous }),
  log: { info: quiet, warn: quiet, error: quiet },
  watch: false,
  load: { archive },
});
const expected = live.current().stats.briefings;
const files = (await readdir(join(dir, 'briefings'))).filter((f) => f.endsWith('.yaml'));

const measure = async (change: ReloadRun['change']): Promise<ReloadRun> => {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const started = performance.now();
  const info = await live.reload();
  const swapMs = performance.now() - started;
  histogram.disable();
  return {
    change,
    swapMs: round(swapMs, 1),
    maxStallMs: round(histogram.max / 1e6, 1),
    outcome: info.outcome,
    briefings: live.current().stats.briefings,
  };
};

const results: ReloadRun[] = [];
for (let run = 0; run < runs; run++) {
  const one = files[run % files.length];
  if (one) await appendFile(join(dir, 'briefings', one), `# edited in run ${run}\n`);
  results.push(await measure('one-file'));
  // A new mtime on every file: the scan cache sees them all as changed.
  const stamp = new Date(Date.now() + (run + 1) * 60_000);
  for (let i = 0; i < files.length; i += 500) {
    await Promise.all(files.slice(i, i + 500).map((f) => utimes(join(dir, 'briefings', f), stamp, stamp)));
  }
  results.push(await measure('all-files'));
}
await live.close();
archive.close();
await rm(cacheDir, { recursive: true, force: true });

const summary = (change: ReloadRun['change']) => {
  const of = results.filter((r) => r.change === change);
  return {
    swapMs: median(of.map((r) => r.swapMs)),
    maxStallMs: Math.max(...of.map((r) => r.maxStallMs)),
  };
};

emit({
  briefings: expected,
  runs: results,
  oneFile: summary('one-file'),
  allFiles: summary('all-files'),
  bad: results.filter((r) => r.outcome !== 'ok' || r.briefings !== expected).length,
} satisfies ReloadFigures);
