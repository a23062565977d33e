/**
 * Checks many briefing files on every core: worker threads take batches from a shared queue, and
 * the main thread takes batches from the same queue while the workers start (a worker needs a
 * few hundred milliseconds to load its modules) and whenever it has nothing else to do.
 *
 * A worker that cannot start, crashes or answers garbage is dropped and its batches go back to
 * the queue, so the main thread finishes them: a load never depends on workers working. Every
 * worker is terminated before `checkFiles` returns or throws.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type CheckOptions, checkFile, type FileResult, type FileTask } from './file-task.js';
import { mapLimit, type Pacer } from './pace.js';
import type { BatchRequest, WorkerMessage } from './worker.js';

export interface PoolOptions {
  check: CheckOptions;
  /** Worker threads; default: one per idle core beyond the main thread's (see `defaultWorkers`). */
  workers?: number;
  /** Files per batch; small enough that parsing one batch's answer never stalls the main thread. */
  batch?: number;
  /** Files the main thread reads at once. */
  concurrency?: number;
  pace: Pacer;
  /** The module each worker runs; tests swap in broken ones. */
  worker?: URL;
  /**
   * share (default): the main thread checks files too. fallback: only what no worker is left to
   * check, so every file goes through a worker while one works (for tests).
   */
  mainThread?: 'share' | 'fallback';
}

/**
 * Below this many files, starting a worker costs more than it saves: a worker takes ~0.3 s and
 * ~0.4 s of CPU to start (its own tsx, zod and js-yaml), and at 1,000 files the main thread had
 * checked most of them by then (measured: 0.6 s alone, 0.8-1.0 s with a worker).
 */
const MIN_FILES_FOR_WORKERS = 2000;
const BATCHES_IN_FLIGHT = 2;
/** A worker silent this long (not started, or stuck on a batch) is dropped and its files checked here. */
const SILENCE_MS = 30_000;

// The worker is TypeScript when the app runs from source (tsx, vitest) and JavaScript when built;
// the plain-JS entry registers the TypeScript loader when it is needed.
const WORKER = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Past a few workers, each one's start-up (~0.4 s of CPU: its own tsx, zod and js-yaml) outweighs its share. */
const MAX_WORKERS = 4;

/**
 * A worker pays off only on a core nobody else is using: it adds ~1 s of CPU at 10,000 files
 * (its start-up, and the answers' JSON both ways) to take ~1 s off the main thread. On a busy
 * machine that extra CPU comes out of the main thread's share, and measured here (2 cores, load
 * average above 3) a load with a worker took ~1 s longer than without. So the cores count as
 * spare only as far as the load average leaves them idle, once the main thread has taken one.
 */
export const defaultWorkers = (
  files: number,
  cores = availableParallelism(),
  load = loadavg()[0] ?? 0,
): number => {
  if (files < MIN_FILES_FOR_WORKERS) return 0;
  const spare = Math.round(cores - 1 - load);
  return Math.max(0, Math.min(MAX_WORKERS, spare));
};

interface Batch {
  start: number;
  end: number;
}

export const checkFiles = async (tasks: readonly FileTask[], options: PoolOptions): Promise<FileResult[]> => {
  const results = new Array<FileResult>(tasks.length);
  const workers = options.workers ?? defaultWorkers(tasks.length);
  // Alone, the main thread reads everything as one stream: batch boundaries would only drain it.
  const size = workers === 0 ? Math.max(1, tasks.length) : Math.max(1, options.batch ?? 32);
  const queue: Batch[] = [];
  for (let start = 0; start < tasks.length; start += size) {
    queue.push({ start, end: Math.min(tasks.length, start + size) });
  }

  let inFlight = 0;
  let alive = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const stops: (() => Promise<unknown>)[] = [];

  const startWorker = () => {
    let worker: Worker;
    try {
      worker = new Worker(ENTRY, {
        workerData: { entry: (options.worker ?? WORKER).href, options: options.check },
      });
    } catch {
      return;
    }
    const mine = new Map<number, Batch>();
    let nextId = 0;
    let working = true;
    alive++;
    let silence: NodeJS.Timeout | undefined;
    const listen = () => {
      clearTimeout(silence);
      if (working) silence = setTimeout(() => drop(), SILENCE_MS).unref();
    };
    const feed = () => {
      while (working && mine.size < BATCHES_IN_FLIGHT) {
        const batch = queue.shift();
        if (!batch) return;
        const id = nextId++;
        mine.set(id, batch);
        inFlight++;
        worker.postMessage({ id, tasks: tasks.slice(batch.start, batch.end) } satisfies BatchRequest);
      }
    };
    const drop = () => {
      if (!working) return;
      working = false;
      alive--;
      clearTimeout(silence);
      for (const batch of mine.values()) queue.unshift(batch);
      inFlight -= mine.size;
      mine.clear();
      void worker.terminate();
      signal();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (!working) return;
      listen();
      if (message.type === 'ready') return feed();
      const batch = mine.get(message.id);
      if (!batch) return;
      let answers: unknown;
      try {
        answers = JSON.parse(message.json);
      } catch {
        return drop();
      }
      if (!Array.isArray(answers) || answers.length !== batch.end - batch.start) return drop();
      mine.delete(message.id);
      inFlight--;
      answers.forEach((answer: FileResult, k) => {
        results[batch.start + k] = answer;
      });
      feed();
      signal();
    });
    listen();
    worker.on('error', drop);
    worker.on('messageerror', drop);
    worker.on('exit', drop);
    stops.push(() => {
      if (working) alive--;
      working = false;
      clearTimeout(silence);
      return worker.terminate();
    });
  };

  for (let i = 0; i < Math.min(workers, queue.length); i++) startWorker();

  try {
    for (;;) {
      const batch = options.mainThread === 'fallback' && alive > 0 ? undefined : queue.shift();
      if (batch) {
        const own = await mapLimit(
          tasks.slice(batch.start, batch.end),
          options.concurrency ?? 32,
          async (task) => {
            const result = await checkFile(task, options.check);
            await options.pace();
            return result;
          },
        );
        own.forEach((result, k) => {
          results[batch.start + k] = result;
        });
        continue;
      }
      if (inFlight === 0 && queue.length === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
  return results;
};
