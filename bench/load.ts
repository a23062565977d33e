/**
 * Child: cold start on one data folder, in a fresh process, as the app does it: load + validate
 * through the briefing cache (`cache`, an archive file), then index. The first run on a cache
 * file finds it empty and checks every file; later runs parse only what changed (nothing). Peak
 * RSS is `process.resourceUsage().maxRSS`, which includes Node and the modules themselves
 * (reported separately as `baselineRssMb`, measured before anything is read).
 */
import { performance } from 'node:perf_hooks';
import { buildLibrary } from '../src/briefings/library.js';
import { loadData, openDataArchive } from '../src/briefings/loader.js';
import { childInput, emit } from './child.js';
import { round } from './stats.js';

export interface LoadInput {
  dir: string;
  /** The briefing cache file. */
  cache: string;
}

export interface LoadFigures {
  briefings: number;
  problems: number;
  published: number;
  loadMs: number;
  indexMs: number;
  totalMs: number;
  peakRssMb: number;
  baselineRssMb: number;
  heapUsedMb: number;
  /** Where the memory goes: after loading and checking, before the Library is built. */
  afterLoad: { heapUsedMb: number; rssMb: number };
  /** After the Library is built (text and search index in the archive, outside the JS heap). */
  afterIndex: { heapUsedMb: number; rssMb: number };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

const { dir, cache } = childInput<LoadInput>();
const baselineRssMb = round(process.resourceUsage().maxRSS / 1024, 1);
const started = performance.now();
const archive = openDataArchive(cache, (detail, message) => console.error(message, detail));
const load = await loadData(dir, { archive });
const loaded = performance.now();
const memory = () => {
  const m = process.memoryUsage();
  return { heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss) };
};
const afterLoad = memory();
const library = buildLibrary(load, { archive });
const indexed = performance.now();
const afterIndex = memory();

emit({
  briefings: load.briefings.length,
  problems: load.problems.length,
  published: library.stats.briefings,
  loadMs: round(loaded - started, 1),
  indexMs: round(indexed - loaded, 1),
  totalMs: round(indexed - started, 1),
  peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
  baselineRssMb,
  heapUsedMb: mb(process.memoryUsage().heapUsed),
  afterLoad,
  afterIndex,
} satisfies LoadFigures);
library.dispose?.();
archive.close();
