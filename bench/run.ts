/**
 * npm run bench [-- --quick] [--runs N] [--only load,handlers,bot,reload,store,postgres,scale] [--budget S]
 *                 [--profile] [--keep] [--seed S]
 *
 * Writes a seeded synthetic corpus into a temporary folder (never into data/), runs each
 * measurement in a fresh child process, prints the table and writes bench/results/latest.json.
 *
 * Full: load at N = 100, 1,000, 10,000; handlers, e2e and reload at 10,000; fan-out to 1,000
 * channels; 10,000 schedules. --quick: N = 100 and 1,000, fewer calls, fan-out to 100 channels,
 * 1,000 schedules: under a minute, for CI. Either exits non-zero on a wrong count (a briefing
 * not loaded, a digest duplicated or missing, a handler crashing), never because of a time.
 * A handler far over its target stops at its time budget (15 s, at least 100 calls); --budget 0
 * gives every handler all its calls, --budget S sets the budget in seconds.
 * --profile writes a V8 CPU profile of every child into a temporary folder it names at the end;
 * `npx tsx bench/profile.ts <file>` summarises one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkPostgres, postgresSchema } from '../test/services.js';
import type { BotFigures, BotInput } from './bot.js';
import { runChild } from './child.js';
import { DEFAULT_SEED, realThemeIds, writeCorpus } from './corpus.js';
import type { HandlersFigures, HandlersInput } from './handlers.js';
import type { LoadFigures, LoadInput } from './load.js';
import { planFor } from './plan.js';
import type { ReloadFigures, ReloadInput } from './reload.js';
import {
  countProblems,
  formatTable,
  type LoadSummary,
  type Measurements,
  TARGETS,
  tableRows,
} from './report.js';
import type { ScaleFigures, ScaleInput } from './scale.js';
import { median } from './stats.js';
import type { StoreFigures, StoreInput } from './store.js';

const SECTIONS = ['load', 'handlers', 'bot', 'reload', 'store', 'postgres', 'scale'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    seed: { type: 'string', default: DEFAULT_SEED },
    budget: { type: 'string' },
  },
});

const quick = args.quick === true;
const runs = Math.max(1, Number(args.runs ?? (quick ? 1 : 3)));
const only = new Set((args.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()));
for (const s of only) {
  if (!SECTIONS.includes(s as Section))
    throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);
}
const planned = planFor(quick);
// --budget 0 lifts the per-handler time budget: every handler gets its full count of calls.
const budgetS = args.budget === undefined ? undefined : Number(args.budget);
const plan = {
  ...planned,
  budgetMs:
    budgetS === undefined ? planned.budgetMs : budgetS > 0 ? budgetS * 1000 : Number.POSITIVE_INFINITY,
};

const resultsDir = resolve(import.meta.dirname, 'results');
const profileDir = args.profile ? mkdtempSync(join(tmpdir(), 'attache-bench-profiles-')) : undefined;
const child = <T>(script: string, input: unknown) =>
  runChild<T>(script, input, { cpuProfDir: profileDir, onLine: (line) => console.log(line) });

const say = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
const gitCommit = (): string | undefined => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

const startedAt = new Date();
const loadBefore = loadavg();
const root = mkdtempSync(join(tmpdir(), 'attache-bench-'));
const seed = args.seed ?? DEFAULT_SEED;
const themeIds = await realThemeIds();
const corpora = new Map<number, { dir: string; briefings: number; published: number; bytes: number }>();
const corpusFor = async (n: number) => {
  const known = corpora.get(n);
  if (known) return known;
  say(`writing a synthetic corpus of ${n.toLocaleString('en-GB')} briefings`);
  const written = await writeCorpus(join(root, `n${n}`), { n, seed, themeIds });
  const corpus = {
    dir: written.dir,
    briefings: written.briefings.length,
    published: written.briefings.filter((b) => b.status !== 'draft').length,
    bytes: written.bytes,
  };
  corpora.set(n, corpus);
  return corpus;
};

const measurements: Measurements = { load: [] };
const failedSections: string[] = [];
/** A section that crashes (code mid-change, say) is reported; the others still run. */
const section = async (name: Section, run: () => Promise<void>) => {
  if (!only.has(name)) return;
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failedSections.push(`${name}: ${message}`);
    say(`section ${name} failed: ${message}`);
  }
};
try {
  await section('load', async () => {
    for (const n of plan.sizes) {
      const corpus = await corpusFor(n);
      const cache = join(root, `cache-n${n}.sqlite`);
      say(`load N=${n}: first start, empty briefing cache`);
      const first = await child<LoadFigures>('load.ts', { dir: corpus.dir, cache } satisfies LoadInput);
      const results: LoadFigures[] = [];
      for (let r = 0; r < runs; r++) {
        say(`load N=${n} restart ${r + 1}/${runs}`);
        results.push(await child<LoadFigures>('load.ts', { dir: corpus.dir, cache } satisfies LoadInput));
      }
      const summary: LoadSummary = {
        n,
        expected: { briefings: corpus.briefings, published: corpus.published },
        first,
        runs: results,
        totalMs: median(results.map((x) => x.totalMs)),
        peakRssMb: median(results.map((x) => x.peakRssMb)),
      };
      measurements.load.push(summary);
    }
  });
  await section('handlers', async () => {
    const corpus = await corpusFor(plan.big);
    say(`handlers at N=${plan.big}: ${plan.calls} calls each`);
    const h = await child<HandlersFigures>('handlers.ts', {
      dir: corpus.dir,
      calls: plan.calls,
      warmup: plan.warmup,
      budgetMs: plan.budgetMs,
    } satisfies HandlersInput);
    measurements.handlers = { ...h, n: plan.big };
  });
  await section('bot', async () => {
    const corpus = await corpusFor(plan.big);
    say(
      `real bot against the fake Discord: ${plan.interactions} interactions, fan-out to ${plan.channels} channels × ${runs}`,
    );
    const b = await child<BotFigures>('bot.ts', {
      dir: corpus.dir,
      interactions: plan.interactions,
      channels: plan.channels,
      fanOutRuns: runs,
    } satisfies BotInput);
    measurements.bot = { ...b, n: plan.big, expectedPublished: corpus.published };
    if (plan.fanOutSmallN > 0) {
      const small = await corpusFor(plan.fanOutSmallN);
      say(`fan-out to ${plan.channels} channels over N=${plan.fanOutSmallN} × ${runs}`);
      const f = await child<BotFigures>('bot.ts', {
        dir: small.dir,
        interactions: 0,
        channels: plan.channels,
        fanOutRuns: runs,
      } satisfies BotInput);
      measurements.fanOutSmall = { ...f, n: plan.fanOutSmallN, expectedPublished: small.published };
    }
  });
  await section('reload', async () => {
    const corpus = await corpusFor(plan.big);
    say(`hot reload at N=${plan.big} × ${runs}`);
    // The reload bench edits files: give it its own copy so other measurements stay reproducible.
    const copy = join(root, `reload-n${plan.big}`);
    execFileSync('cp', ['-r', corpus.dir, copy]);
    const r = await child<ReloadFigures>('reload.ts', { dir: copy, runs } satisfies ReloadInput);
    measurements.reload = { ...r, n: plan.big, expectedPublished: corpus.published };
  });
  await section('store', async () => {
    const results: StoreFigures[] = [];
    for (let r = 0; r < runs; r++) {
      say(`${plan.schedules} schedules at start, run ${r + 1}/${runs}`);
      results.push(await child<StoreFigures>('store.ts', { schedules: plan.schedules } satisfies StoreInput));
    }
    measurements.store = {
      runs: results,
      startMs: median(results.map((s) => s.startMs)),
      schedules: plan.schedules,
    };
  });
  // The shared store of a scaled-out bot: the same start and schedule commands on PostgreSQL
  // (TEST_POSTGRES_URL, default the local server), each in a schema of its own, dropped after.
  await section('postgres', async () => {
    const missing = await checkPostgres();
    if (missing) {
      measurements.postgres = { skipped: missing };
      return;
    }
    const starts: StoreFigures[] = [];
    for (let r = 0; r < runs; r++) {
      const schema = await postgresSchema('attache_bench');
      try {
        say(`${plan.schedules} schedules at start from PostgreSQL, run ${r + 1}/${runs}`);
        starts.push(
          await child<StoreFigures>('store.ts', {
            schedules: plan.schedules,
            storeUrl: schema.storeUrl(),
          } satisfies StoreInput),
        );
      } finally {
        await schema.drop();
      }
    }
    const corpus = await corpusFor(plan.big);
    const schema = await postgresSchema('attache_bench');
    try {
      say(`schedule commands on PostgreSQL at N=${plan.big}: ${plan.calls} calls each`);
      const h = await child<HandlersFigures>('handlers.ts', {
        dir: corpus.dir,
        calls: plan.calls,
        warmup: plan.warmup,
        budgetMs: plan.budgetMs,
        storeUrl: schema.storeUrl(),
        only: ['schedule'],
      } satisfies HandlersInput);
      measurements.postgres = {
        store: { runs: starts, startMs: median(starts.map((s) => s.startMs)), schedules: plan.schedules },
        handlers: { ...h, n: plan.big },
      };
    } finally {
      await schema.drop();
    }
  });
  // Scale-out: 3 shard processes on one PostgreSQL schema, through the REST proxy and without it.
  await section('scale', async () => {
    if (plan.scaleChannels === 0) return;
    const missing = await checkPostgres();
    if (missing) {
      measurements.scale = { skipped: missing };
      return;
    }
    const scale: ScaleFigures[] = [];
    for (const proxy of [true, false]) {
      say(
        `${plan.scaleChannels} digests due the same minute over 3 shard processes, ${proxy ? 'through the REST proxy' : 'each process straight to Discord'}`,
      );
      scale.push(
        await child<ScaleFigures>('scale.ts', {
          channels: plan.scaleChannels,
          shards: 3,
          proxy,
        } satisfies ScaleInput),
      );
    }
    measurements.scale = { runs: scale };
  });
} finally {
  if (!args.keep) rmSync(root, { recursive: true, force: true });
  else say(`corpora kept in ${root}`);
}

const rows = tableRows(measurements);
const problems = [...failedSections.map((f) => `section ${f}`), ...countProblems(measurements)];
const finishedAt = new Date();
const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  mode: quick ? 'quick' : 'full',
  runs,
  seed,
  commit: gitCommit(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    // Other work on the machine inflates every time; the load average says how much there was.
    loadAverage: { before: loadBefore, after: loadavg() },
  },
  targets: TARGETS,
  corpus: Object.fromEntries(
    [...corpora].map(([n, c]) => [n, { briefings: c.briefings, published: c.published, bytes: c.bytes }]),
  ),
  table: rows,
  countProblems: problems,
  measurements,
};
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);

console.log(`\n${formatTable(rows)}\n`);
const misses = rows.filter((r) => r.status === 'miss').length;
console.log(
  `${rows.filter((r) => r.status === 'pass').length} pass, ${misses} miss; load average ${loadBefore
    .map((x) => x.toFixed(1))
    .join(
      ' ',
    )} on ${cpus().length} cores; ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s; bench/results/latest.json written`,
);
if (profileDir)
  console.log(`CPU profiles: ${profileDir} (summarise one with npx tsx bench/profile.ts <file>)`);
if (problems.length > 0) {
  console.error(`\nWrong counts:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exitCode = 1;
}
