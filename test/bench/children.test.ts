/**
 * The measuring children, run small: what they count must be right before their times mean
 * anything. Each runs in its own process, as in `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BotFigures, BotInput } from '../../bench/bot.js';
import { runChild } from '../../bench/child.js';
import { type WrittenCorpus, writeCorpus } from '../../bench/corpus.js';
import type { LoadFigures, LoadInput } from '../../bench/load.js';
import type { StoreFigures, StoreInput } from '../../bench/store.js';

let dir: string;
let corpus: WrittenCorpus;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'attache-bench-children-'));
  corpus = await writeCorpus(dir, { n: 40, seed: 'children' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const published = () => corpus.briefings.filter((b) => b.status !== 'draft').length;

describe('GIVEN a small corpus and the bench children', () => {
  test('WHEN the load child reads it twice on one briefing cache THEN both count every briefing, the published ones and no problem', async () => {
    const cache = join(dir, 'cache.sqlite');
    for (const run of ['first start', 'restart']) {
      const figures = await runChild<LoadFigures>('load.ts', { dir, cache } satisfies LoadInput);
      expect(figures, run).toMatchObject({ briefings: 40, published: published(), problems: 0 });
      expect(figures.peakRssMb).toBeGreaterThanOrEqual(figures.baselineRssMb);
    }
  }, 60_000);

  test('WHEN the store child starts 60 schedules THEN all 60 get a task and none is re-run', async () => {
    const figures = await runChild<StoreFigures>('store.ts', { schedules: 60 } satisfies StoreInput);
    expect(figures).toMatchObject({ schedules: 60, guilds: 3, active: 60, runs: 0 });
  }, 60_000);

  test('WHEN the real bot fans out to 6 channels twice THEN each channel gets exactly one digest per run', async () => {
    const figures = await runChild<BotFigures>('bot.ts', {
      dir,
      interactions: 10,
      channels: 6,
      fanOutRuns: 2,
    } satisfies BotInput);
    expect(figures.briefings).toBe(published());
    expect(figures.interactions.failed).toBe(0);
    expect(figures.interactions.all.calls).toBe(10);
    expect(figures).toMatchObject({ schedules: 6, tasks: 6, violations: 0, errorsLogged: 0 });
    expect(figures.fanOut).toEqual([
      expect.objectContaining({ channels: 6, duplicates: 0, missing: 0, notSent: 0, floorMs: 120 }),
      expect.objectContaining({ channels: 6, duplicates: 0, missing: 0, notSent: 0, floorMs: 120 }),
    ]);
  }, 90_000);
});
