/**
 * Child: cold load + validate + index of one data folder, in a fresh process. Peak RSS is
 * `process.resourceUsage().maxRSS`, which includes Node and the modules themselves (reported
 * separately as `baselineRssMb`, measured before anything is read).
 */
import { performance } from 'node:perf_hooks';
import { buildLibrary } from '../src/briefings/library.js';
import { loadData } from '../src/briefings/loader.js';
import { childInput, emit } from './child.js';
import { round } from './stats.js';

export interface LoadInput {
  dir: string;
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
  /** After the Library is built (search index included, outside the JS heap). */
  afterIndex: { heapUsedMb: number; rssMb: number };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

const { dir } = childInput<LoadInput>();
const baselineRssMb = round(process.resourceUsage().maxRSS / 1024, 1);
const started = performance.now();
const load = await loadData(dir);
const loaded = performance.now();
const memory = () => {
  const m = process.memoryUsage();
  return { heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss) };
};
const afterLoad = memory();
const library = buildLibrary(load);
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
