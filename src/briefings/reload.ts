/**
 * The live library: loads the data folder once, then watches it and rebuilds on change. A new
 * snapshot is built off to the side and swapped in whole, so a query sees the old library or the
 * new one, never a half-built one.
 *
 * Keep-last-good: a broken themes.yaml (or a vanished folder) keeps the previous snapshot
 * entirely; a briefing file that turns invalid keeps its last good version in the new snapshot,
 * while every problem is still reported. A deleted file removes its briefing.
 */

import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type FSWatcher, watch } from 'chokidar';
import {
  type Briefing,
  countProblems,
  type DataProblem,
  formatProblem,
  type Library,
  type LoadResult,
} from './index.js';
import { type DataScan, type LoadOptions, scanData, settle } from './loader.js';

type LogFn = (obj: object, msg?: string) => void;
/** The part of a pino logger this module uses. */
export interface ReloadLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface ReloadInfo {
  at: Date;
  trigger: 'start' | 'watch' | 'manual';
  /**
   * ok: swapped, no problem. partial: swapped, with problems reported (bad files left out or kept
   * at their last good version). kept-previous: themes.yaml or the folder is unusable, nothing
   * changed. failed: building the library threw, nothing changed.
   */
  outcome: 'ok' | 'partial' | 'kept-previous' | 'failed';
  durationMs: number;
  briefings: number;
  problems: number;
  /** Files that are invalid now but whose last good version is still served. */
  kept: string[];
  error?: string;
}

export interface LiveLibrary<L extends Library = Library> {
  /** The snapshot to answer from; read it once per request. */
  current(): L;
  /** Problems found by the latest reload, whatever its outcome. */
  problems(): readonly DataProblem[];
  lastReload(): ReloadInfo;
  /** Reloads now (coalesced with any reload not yet started). */
  reload(): Promise<ReloadInfo>;
  /** Called after every reload attempt; returns an unsubscribe function. */
  onReload(listener: (info: ReloadInfo) => void): () => void;
  close(): Promise<void>;
}

export interface LiveLibraryOptions<L extends Library> {
  dir: string;
  /** Builds a snapshot; `previous`, the one it will replace, lets it reuse what did not change. */
  build: (load: LoadResult, previous: L | undefined) => L | Promise<L>;
  log: ReloadLogger;
  /** Quiet time after the last change before reloading (default 300; at least 60). */
  debounceMs?: number;
  /** Watch the folder (default true); off, only `reload()` reloads. */
  watch?: boolean;
  load?: LoadOptions;
}

const CHOKIDAR_CHANGE_THROTTLE_MS = 50;

const hasDispose = (x: unknown): x is { dispose: () => unknown } =>
  typeof x === 'object' && x !== null && 'dispose' in x && typeof x.dispose === 'function';

/** Only the curator's files: no editor swap/backup files, no generated schemas. */
const isDataPath = (path: string, isDir: boolean): boolean => {
  const name = basename(path);
  if (name.startsWith('.') || name.endsWith('~')) return false;
  return isDir || name.endsWith('.yaml') || name.endsWith('.yml');
};

/** Resolves once the first load is built; rejects only if that first build throws. */
export const createLiveLibrary = async <L extends Library>(
  options: LiveLibraryOptions<L>,
): Promise<LiveLibrary<L>> => {
  const { dir, build, log } = options;
  // chokidar drops a file's 'change' events for 50 ms after one it emitted; waiting longer than
  // that before reading means a dropped event's write is always in what the reload reads.
  const debounceMs = Math.max(options.debounceMs ?? 300, CHOKIDAR_CHANGE_THROTTLE_MS + 10);
  const listeners = new Set<(info: ReloadInfo) => void>();

  let snapshot: L | undefined;
  let lastGood = new Map<string, Briefing>();
  let scan: DataScan | undefined;
  let problems: DataProblem[] = [];
  let last: ReloadInfo | undefined;

  const finish = (info: ReloadInfo): ReloadInfo => {
    last = info;
    for (const listener of listeners) listener(info);
    return info;
  };

  const run = async (trigger: ReloadInfo['trigger']): Promise<ReloadInfo> => {
    const started = performance.now();
    const next = await scanData(dir, { ...options.load, previous: scan });
    const settled = await settle(next, options.load);
    await yieldToEventLoop();
    const found = settled.result.problems;
    const base = { at: new Date(), trigger, problems: countProblems(found) };
    const elapsed = () => Math.round(performance.now() - started);
    if (found.length > 0)
      log.warn({ dir, problems: found.map(formatProblem) }, `data has ${base.problems} problem(s)`);

    if (!settled.themesUsable && snapshot !== undefined) {
      scan = next;
      problems = found;
      log.warn({ dir }, 'themes.yaml is unusable: kept the previous library');
      return finish({
        ...base,
        outcome: 'kept-previous',
        durationMs: elapsed(),
        briefings: lastGood.size,
        kept: [],
      });
    }

    // Keep the last good version of a file that broke, unless it no longer fits the new themes or
    // another file has taken its id meanwhile.
    const themeIds = new Set(settled.result.themes.map((t) => t.id));
    const fits = (b: Briefing) =>
      !settled.themesUsable ||
      [...b.sections, ...b.quotes, ...b.looking_ahead].every((part) =>
        part.themes.every((id) => themeIds.has(id)),
      );
    const takenIds = new Set([...settled.accepted.values()].map((b) => b.id));
    const briefings = new Map<string, Briefing>();
    const kept: string[] = [];
    for (const outcome of next.briefings) {
      const fresh = settled.accepted.get(outcome.path);
      const previous = lastGood.get(outcome.path);
      if (fresh) briefings.set(outcome.path, fresh);
      else if (previous && fits(previous) && !takenIds.has(previous.id)) {
        briefings.set(outcome.path, previous);
        takenIds.add(previous.id);
        kept.push(outcome.file);
      }
    }

    const load: LoadResult = { ...settled.result, briefings: [...briefings.values()] };
    await yieldToEventLoop();
    let built: L;
    try {
      built = await build(load, snapshot);
    } catch (e) {
      if (snapshot === undefined) throw e;
      problems = found;
      const error = e instanceof Error ? e.message : String(e);
      log.error({ dir, err: e }, 'building the library failed: kept the previous library');
      return finish({
        ...base,
        outcome: 'failed',
        durationMs: elapsed(),
        briefings: lastGood.size,
        kept: [],
        error,
      });
    }

    const old = snapshot;
    snapshot = built;
    lastGood = briefings;
    scan = next;
    problems = found;
    if (kept.length > 0) log.warn({ dir, kept }, 'invalid files: serving their last good version');
    if (old !== undefined && old !== built && hasDispose(old)) {
      try {
        await old.dispose();
      } catch (e) {
        log.error({ err: e }, 'disposing the previous library failed');
      }
    }
    const info = finish({
      ...base,
      outcome: found.length === 0 ? 'ok' : 'partial',
      durationMs: elapsed(),
      briefings: briefings.size,
      kept,
    });
    log.info(
      { dir, trigger, briefings: info.briefings, problems: info.problems, ms: info.durationMs },
      'library loaded',
    );
    return info;
  };

  // One reload at a time; requests made before the next one starts share it.
  let chain: Promise<unknown> = Promise.resolve();
  let waiting: Promise<ReloadInfo> | undefined;
  let closed = false;
  const reload = (trigger: ReloadInfo['trigger']): Promise<ReloadInfo> => {
    if (waiting) return waiting;
    const attempt = chain.then(async () => {
      waiting = undefined;
      try {
        return await run(trigger);
      } catch (e) {
        // Disks can fail mid-scan; the bot keeps serving what it has.
        log.error({ dir, err: e }, 'reloading the data failed: kept the previous library');
        return finish({
          at: new Date(),
          trigger,
          outcome: 'failed',
          durationMs: 0,
          briefings: lastGood.size,
          problems: countProblems(problems),
          kept: [],
          error: e instanceof Error ? e.message : String(e),
        });
      }
    });
    waiting = attempt;
    chain = attempt;
    return attempt;
  };

  await run('start');

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    watcher = watch(dir, {
      ignoreInitial: true,
      depth: 1,
      ignored: (path, stats) => path !== dir && stats !== undefined && !isDataPath(path, stats.isDirectory()),
    });
    const schedule = (path: string, isDir: boolean) => {
      if (closed || !isDataPath(path, isDir)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload('watch'), debounceMs);
    };
    watcher.on('add', (p) => schedule(p, false));
    watcher.on('change', (p) => schedule(p, false));
    watcher.on('unlink', (p) => schedule(p, false));
    watcher.on('addDir', (p) => schedule(p, true));
    watcher.on('unlinkDir', (p) => schedule(p, true));
    watcher.on('error', (e) => log.error({ dir, err: e }, 'watching the data folder failed'));
    const ready = watcher;
    await new Promise<void>((resolve) => ready.once('ready', () => resolve()));
  }

  return {
    current: () => {
      if (snapshot === undefined) throw new Error('the library is not loaded');
      return snapshot;
    },
    problems: () => problems,
    lastReload: () => {
      if (last === undefined) throw new Error('the library is not loaded');
      return last;
    },
    reload: () => reload('manual'),
    onReload: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await watcher?.close();
      await chain;
    },
  };
};
