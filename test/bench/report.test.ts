import { describe, expect, test } from 'vitest';
import type { BotFigures } from '../../bench/bot.js';
import type { HandlersFigures } from '../../bench/handlers.js';
import { FULL, planFor, QUICK } from '../../bench/plan.js';
import { countProblems, formatTable, type Measurements, TARGETS, tableRows } from '../../bench/report.js';

const lat = (p99: number) => ({ calls: 30, p50: p99 / 2, p99, max: p99 });
const measured = (p99: number) => ({ ...lat(p99), userErrors: 0, failures: 0 });

const handlers = (): HandlersFigures & { n: number } => ({
  n: 1000,
  briefings: 970,
  calls: 30,
  commands: { brief: measured(1), search: measured(8), sources: measured(6) },
  autocompletes: { 'brief.briefing': { ...measured(2), empty: 0 } },
  buttons: { 'search:page': measured(9) },
  unmeasured: [],
  failureSamples: [],
});

const bot = (): BotFigures & { n: number; expectedPublished: number } => ({
  n: 1000,
  expectedPublished: 970,
  briefings: 970,
  interactions: { all: lat(12), commands: lat(12), autocompletes: lat(3), failed: 0 },
  fanOut: [
    {
      channels: 100,
      totalMs: 2050,
      floorMs: 2000,
      ratio: 1.025,
      rateLimited: 0,
      duplicates: 0,
      missing: 0,
      notSent: 0,
      retried: 0,
    },
  ],
  schedules: 100,
  tasks: 100,
  errorsLogged: 0,
  errorSamples: [],
  violations: 0,
});

const loadRun = () => ({
  briefings: 100,
  problems: 0,
  published: 97,
  loadMs: 100,
  indexMs: 50,
  totalMs: 150,
  peakRssMb: 110,
  baselineRssMb: 90,
  heapUsedMb: 20,
  afterLoad: { heapUsedMb: 15, rssMb: 100 },
  afterIndex: { heapUsedMb: 20, rssMb: 110 },
});

const clean = (): Measurements => ({
  load: [
    {
      n: 100,
      expected: { briefings: 100, published: 97 },
      first: loadRun(),
      runs: [loadRun()],
      totalMs: 150,
      peakRssMb: 110,
    },
  ],
  handlers: handlers(),
  bot: bot(),
  reload: {
    n: 1000,
    expectedPublished: 970,
    briefings: 970,
    runs: [],
    oneFile: { swapMs: 300, maxStallMs: 40 },
    allFiles: { swapMs: 900, maxStallMs: 60 },
    bad: 0,
  },
  store: {
    schedules: 1000,
    startMs: 500,
    runs: [
      {
        schedules: 1000,
        guilds: 40,
        seedMs: 1,
        openMs: 1,
        startMs: 500,
        stopMs: 1,
        active: 1000,
        runs: 0,
        peakRssMb: 1,
      },
    ],
  },
});

describe('GIVEN the quick and full plans', () => {
  test('WHEN --quick is chosen THEN it loads 100 and 1,000 briefings, fans out to 100 channels and starts 1,000 schedules', () => {
    expect(planFor(true)).toEqual(QUICK);
    expect(QUICK).toMatchObject({ sizes: [100, 1000], big: 1000, channels: 100, schedules: 1000 });
    expect(QUICK.calls).toBeLessThan(FULL.calls);
  });

  test('WHEN the full bench is chosen THEN it covers the sizes the targets speak of', () => {
    expect(planFor(false)).toMatchObject({
      sizes: [100, 1000, 10_000],
      big: 10_000,
      channels: 1000,
      schedules: 10_000,
    });
    expect(FULL.calls).toBeGreaterThanOrEqual(1000);
  });
});

describe('GIVEN measurements whose counts are all right', () => {
  test('WHEN counts are checked THEN there is no problem, whatever the times', () => {
    const slow = clean();
    if (slow.bot?.fanOut[0]) slow.bot.fanOut[0].ratio = 9;
    if (slow.handlers?.commands.brief) slow.handlers.commands.brief.p99 = 500;
    expect(countProblems(clean())).toEqual([]);
    expect(countProblems(slow)).toEqual([]);
  });

  test('WHEN the table is built THEN search is held to 10 ms, other handlers to 5 ms', () => {
    const rows = tableRows(clean());
    const status = (prefix: string) => rows.find((r) => r.figure.startsWith(prefix))?.status;
    expect(status('/search ')).toBe('pass');
    expect(status('button search:page')).toBe('pass');
    expect(status('/sources ')).toBe('miss');
    expect(status('/brief ')).toBe('pass');
    expect(rows.find((r) => r.figure.startsWith('/search '))?.target).toBe(`≤ ${TARGETS.searchP99Ms} ms`);
  });

  test('WHEN the fan-out ratio passes 1.05 THEN the row is a miss', () => {
    const m = clean();
    const run = m.bot?.fanOut[0];
    if (run) run.ratio = 1.06;
    expect(
      tableRows(m).find((r) => r.figure.startsWith('fan-out') && r.figure.includes('time'))?.status,
    ).toBe('miss');
  });

  test('WHEN formatted THEN every row is one line of the table with its result', () => {
    const rows = tableRows(clean());
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines.filter((l) => l.includes('| MISS'))).toHaveLength(
      rows.filter((r) => r.status === 'miss').length,
    );
  });
});

type Spoil = [string, (m: Measurements) => void, RegExp];
const spoils: Spoil[] = [
  [
    'a briefing not loaded on the first start',
    (m) => {
      const r = m.load[0]?.first;
      if (r) r.briefings = 99;
    },
    /load N=100 first start: loaded 99/,
  ],
  [
    'a briefing not loaded',
    (m) => {
      const r = m.load[0]?.runs[0];
      if (r) r.briefings = 99;
    },
    /load N=100 restart 1: loaded 99/,
  ],
  [
    'a data problem',
    (m) => {
      const r = m.load[0]?.runs[0];
      if (r) r.problems = 2;
    },
    /2 data problems/,
  ],
  [
    'a crashing handler',
    (m) => {
      const c = m.handlers?.commands.brief;
      if (c) c.failures = 1;
    },
    /command brief: 1 calls failed/,
  ],
  [
    'too few calls',
    (m) => {
      const c = m.handlers?.autocompletes['brief.briefing'];
      if (c) c.calls = 3;
    },
    /3 calls measured, expected 30/,
  ],
  [
    'a command without inputs',
    (m) => {
      m.handlers?.unmeasured.push('/new');
    },
    /no bench inputs for \/new/,
  ],
  [
    'a duplicate digest',
    (m) => {
      const f = m.bot?.fanOut[0];
      if (f) f.duplicates = 1;
    },
    /1 duplicates/,
  ],
  [
    'a missing digest',
    (m) => {
      const f = m.bot?.fanOut[0];
      if (f) f.missing = 3;
    },
    /3 missing/,
  ],
  [
    'a run not recorded',
    (m) => {
      const f = m.bot?.fanOut[0];
      if (f) f.notSent = 1;
    },
    /1 not recorded as sent/,
  ],
  [
    'a schedule not registered',
    (m) => {
      if (m.bot) m.bot.tasks = 99;
    },
    /99 tasks for 100 channels/,
  ],
  [
    'an unanswered interaction',
    (m) => {
      if (m.bot) m.bot.interactions.failed = 1;
    },
    /1 interactions/,
  ],
  [
    'a Discord rule broken',
    (m) => {
      if (m.bot) m.bot.violations = 1;
    },
    /1 rule violations/,
  ],
  [
    'a bad reload',
    (m) => {
      if (m.reload) m.reload.bad = 1;
    },
    /1 reloads/,
  ],
  [
    'schedules missing at start',
    (m) => {
      const s = m.store?.runs[0];
      if (s) s.active = 999;
    },
    /999 of 1000 schedules/,
  ],
  [
    'a digest re-run at start',
    (m) => {
      const s = m.store?.runs[0];
      if (s) s.runs = 2;
    },
    /re-ran 2 digests/,
  ],
];

test('GIVEN a handler stopped at its time budget WHEN counts are checked THEN its fewer calls are no problem and the table says so', () => {
  const m = clean();
  if (m.handlers) m.handlers.commands.sources = { ...measured(300), calls: 120, budgetHit: true };
  expect(countProblems(m)).toEqual([]);
  expect(tableRows(m).find((r) => r.figure.startsWith('/sources'))?.value).toMatch(/120 calls: time budget/);
});

describe('GIVEN measurements with one wrong count', () => {
  test.each(spoils)('WHEN there is %s THEN it is reported', (_, spoil, message) => {
    const m = clean();
    spoil(m);
    const problems = countProblems(m);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
