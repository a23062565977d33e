import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { FileTask } from '../../../src/briefings/load/file-task.js';
import { createPacer } from '../../../src/briefings/load/pace.js';
import { checkFiles, defaultWorkers } from '../../../src/briefings/load/pool.js';
import { loadData, scanData } from '../../../src/briefings/loader.js';

// Every worker the pool starts, to check that none outlives the load.
const started = vi.hoisted(() => [] as Worker[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class RecordedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      started.push(this);
    }
  }
  return { ...real, Worker: RecordedWorker };
});

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const broken = (name: string) => new URL(`../../fixtures/workers/${name}`, import.meta.url);

let dir: string;
let tasks: FileTask[];
beforeAll(async () => {
  // Good and malformed files side by side: every kind of outcome crosses the thread boundary.
  dir = await mkdtemp(join(tmpdir(), 'attache-pool-'));
  await cp(join(FIXTURES, 'good'), dir, { recursive: true });
  await cp(join(FIXTURES, 'malformed'), join(dir, 'briefings'), { recursive: true });
  const names = (await readdir(join(dir, 'briefings'))).filter((n) => n.endsWith('.yaml')).sort();
  tasks = names.map((name) => ({
    path: join(dir, 'briefings', name),
    file: join('briefings', name),
    expectedId: basename(name, '.yaml'),
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = (options: Partial<Parameters<typeof checkFiles>[1]>) =>
  checkFiles(tasks, { check: {}, pace: createPacer(), batch: 3, ...options });

const allExited = () => started.every((w) => w.threadId === -1);

describe('GIVEN good and malformed briefing files', () => {
  test('WHEN checked by worker threads only THEN every outcome equals the main thread’s, and no worker is left running', async () => {
    const before = started.length;
    const inThread = await check({ workers: 0 });
    expect(started.length).toBe(before);

    const inWorkers = await check({ workers: 2, mainThread: 'fallback' });
    expect(started.length).toBe(before + 2);
    expect(inWorkers).toEqual(inThread);
    // Both kinds of outcome crossed over: files valid on their own, and files with problems.
    expect(inThread.filter((r) => 'outcome' in r && r.outcome.briefing).length).toBeGreaterThanOrEqual(2);
    expect(
      inThread.filter((r) => 'outcome' in r && r.outcome.problems.length > 0).length,
    ).toBeGreaterThanOrEqual(15);
    expect(allExited()).toBe(true);
  });

  test.each([
    ['fails while loading', 'crash-at-start.mjs'],
    ['exits when given work', 'exit-on-batch.mjs'],
    ['answers with something that is not JSON', 'garbage-answer.mjs'],
    ['answers with too few results', 'short-answer.mjs'],
  ])(
    'WHEN the worker %s THEN the main thread checks every file itself and the worker is gone',
    async (_, module) => {
      const inThread = await check({ workers: 0 });
      const before = started.length;
      const result = await check({ workers: 2, mainThread: 'fallback', worker: broken(module) });
      expect(started.length).toBe(before + 2);
      expect(result).toEqual(inThread);
      expect(allExited()).toBe(true);
    },
  );
});

describe('GIVEN a data folder checked with worker threads', () => {
  test('WHEN loaded THEN the result equals the one-thread load, problems and positions included', async () => {
    const one = await loadData(dir, { workers: 0 });
    const many = await loadData(dir, { workers: 2 });
    expect(many).toEqual(one);
    expect(one.problems.length).toBeGreaterThan(20);
    expect(allExited()).toBe(true);
  });

  test('WHEN one file changes before the next scan THEN only that file is checked again', async () => {
    const first = await scanData(dir, { workers: 2 });
    const target = join(dir, 'briefings', 'alpha.yaml');
    const edited = first.briefings.find((o) => o.path === target);
    await writeFile(target, 'id: alpha\n');
    const second = await scanData(dir, { workers: 2, previous: first });
    for (const outcome of second.briefings) {
      const before = first.briefings.find((o) => o.path === outcome.path);
      if (outcome.path === target) expect(outcome).not.toBe(edited);
      else expect(outcome).toBe(before);
    }
    expect(second.briefings.find((o) => o.path === target)?.problems.length).toBeGreaterThan(0);
    expect(allExited()).toBe(true);
  });
});

describe('GIVEN a machine with some cores and some load', () => {
  test.each([
    // files, cores, load average, workers
    [10_000, 2, 0.1, 1],
    [10_000, 2, 0.7, 0],
    [10_000, 2, 3.5, 0],
    [10_000, 1, 0, 0],
    [10_000, 8, 1, 4],
    [10_000, 8, 4.6, 2],
    [1_000, 8, 0, 0],
  ])(
    'WHEN %i files are loaded on %i cores at load %d THEN %i worker(s) start',
    (files, cores, load, workers) => {
      expect(defaultWorkers(files, cores, load)).toBe(workers);
    },
  );
});
