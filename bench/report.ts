/**
 * Turns the measurements into the table (figure, value, target, pass/miss) and the list of wrong
 * counts. Times are compared with their targets but never fail a run; a wrong count (a briefing
 * not loaded, a digest posted twice or not at all, a command that crashed) does.
 */
import type { BotFigures, FanOutRun } from './bot.js';
import type { HandlersFigures, Measured } from './handlers.js';
import type { LoadFigures } from './load.js';
import type { ReloadFigures } from './reload.js';
import type { ScaleFigures } from './scale.js';
import { median } from './stats.js';
import type { StoreFigures } from './store.js';

export const TARGETS = {
  loadMs10k: 2000,
  rssMb10k: 300,
  handlerP99Ms: 5,
  searchP99Ms: 10,
  /** The most expensive search we could construct (bench/inputs.ts worstSearchQueries). */
  worstSearchP99Ms: 20,
  e2eP99Ms: 20,
  fanOutRatio: 1.05,
  reloadStallMs: 50,
  reloadOneFileMs: 200,
  storeStartMs10k: 1000,
  postgresStartMs10k: 1500,
  postgresScheduleP99Ms: 10,
  /** Scaled-out fan-out through the REST proxy, as a ratio to the 50 requests/s floor. */
  scaleRatio: 1.1,
  /** Share of requests answered 429 through the proxy. */
  scaleRateLimitedShare: 0.01,
} as const;

export type Status = 'pass' | 'miss' | 'info';

export interface Row {
  figure: string;
  value: string;
  target: string;
  status: Status;
}

export interface LoadSummary {
  n: number;
  expected: { briefings: number; published: number };
  /** The first start on an empty briefing cache. */
  first: LoadFigures;
  /** Restarts on the cache the first start filled. */
  runs: LoadFigures[];
  totalMs: number;
  peakRssMb: number;
}

export interface Measurements {
  load: LoadSummary[];
  handlers?: HandlersFigures & { n: number };
  bot?: BotFigures & { n: number; expectedPublished: number };
  /** The same fan-out over a small corpus: the delivery path without the archive's weight. */
  fanOutSmall?: BotFigures & { n: number; expectedPublished: number };
  reload?: ReloadFigures & { n: number; expectedPublished: number };
  store?: StoreSummary;
  /** The same on PostgreSQL, or why it was not measured. */
  postgres?: { store: StoreSummary; handlers: HandlersFigures & { n: number } } | { skipped: string };
  /** Fan-out over shard processes, through the REST proxy and without it, or why not measured. */
  scale?: { runs: ScaleFigures[] } | { skipped: string };
}

export interface StoreSummary {
  runs: StoreFigures[];
  startMs: number;
  schedules: number;
}

const ms = (v: number) => `${v.toLocaleString('en-GB', { maximumFractionDigits: v < 10 ? 2 : 0 })} ms`;
const row = (figure: string, value: string, target?: { text: string; ok: boolean }): Row => ({
  figure,
  value,
  target: target?.text ?? '—',
  status: target ? (target.ok ? 'pass' : 'miss') : 'info',
});
const atMost = (value: number, limit: number, unit: (v: number) => string = ms) => ({
  text: `≤ ${unit(limit)}`,
  ok: value <= limit,
});

const isSearch = (name: string) => name === 'search' || name.startsWith('search:');

function latencyRows(kind: string, measured: Record<string, Measured>): Row[] {
  return Object.entries(measured).map(([name, m]) => {
    const limit =
      name === 'search (worst query)'
        ? TARGETS.worstSearchP99Ms
        : isSearch(name)
          ? TARGETS.searchP99Ms
          : TARGETS.handlerP99Ms;
    const cut = m.budgetHit ? ` (${m.calls} calls: time budget)` : '';
    return row(`${kind} ${name} p50 / p99`, `${ms(m.p50)} / ${ms(m.p99)}${cut}`, atMost(m.p99, limit));
  });
}

function fanOutRows(b: BotFigures & { n: number }): Row[] {
  const runs = b.fanOut;
  const first = runs[0];
  if (!first) return [];
  const ratio = median(runs.map((r) => r.ratio));
  const at = `${first.channels.toLocaleString('en-GB')} channels, N=${b.n.toLocaleString('en-GB')}`;
  const sum = (f: (r: FanOutRun) => number) => runs.reduce((a, r) => a + f(r), 0);
  return [
    row(
      `fan-out ${at} at 50 req/s: time (median of ${runs.length})`,
      `${((first.floorMs * ratio) / 1000).toFixed(2)} s = ${ratio.toFixed(3)} × floor ${first.floorMs / 1000} s`,
      { text: `≤ ${TARGETS.fanOutRatio} × floor`, ok: ratio <= TARGETS.fanOutRatio },
    ),
    row(
      `fan-out ${at}: 429s received / runs retried`,
      `${sum((r) => r.rateLimited)} / ${sum((r) => r.retried)}`,
    ),
    row(`fan-out ${at}: duplicates / missing`, `${sum((r) => r.duplicates)} / ${sum((r) => r.missing)}`, {
      text: '0 / 0',
      ok: runs.every((r) => r.duplicates === 0 && r.missing === 0),
    }),
  ];
}

function fanOutProblems(b: BotFigures & { n: number; expectedPublished: number }): string[] {
  const problems: string[] = [];
  const at = `fan-out (N=${b.n})`;
  if (b.briefings !== b.expectedPublished)
    problems.push(`${at}: the bot served ${b.briefings} briefings, expected ${b.expectedPublished}`);
  const channels = b.fanOut[0]?.channels ?? 0;
  if (b.schedules !== channels || b.tasks !== channels) {
    problems.push(`${at}: ${b.schedules} schedules and ${b.tasks} tasks for ${channels} channels`);
  }
  for (const [i, r] of b.fanOut.entries()) {
    if (r.duplicates || r.missing || r.notSent) {
      problems.push(
        `${at} run ${i + 1}: ${r.duplicates} duplicates, ${r.missing} missing, ${r.notSent} not recorded as sent`,
      );
    }
  }
  if (b.violations > 0) problems.push(`${at}: the fake Discord recorded ${b.violations} rule violations`);
  if (b.errorsLogged > 0)
    problems.push(`${at}: the bot logged ${b.errorsLogged} errors: ${b.errorSamples.join('; ')}`);
  return problems;
}

export function tableRows(m: Measurements): Row[] {
  const rows: Row[] = [];
  for (const l of m.load) {
    const big = l.n >= 10_000;
    const at = `N=${l.n.toLocaleString('en-GB')}`;
    rows.push(
      row(`first start ${at} (empty briefing cache): load+validate+index`, ms(l.first.totalMs)),
      row(`first start ${at}: peak RSS`, `${l.first.peakRssMb} MB`),
      row(
        `cold start ${at} (restart): load+validate+index`,
        ms(l.totalMs),
        big ? atMost(l.totalMs, TARGETS.loadMs10k) : undefined,
      ),
      row(
        `cold start ${at}: peak RSS`,
        `${l.peakRssMb} MB`,
        big ? atMost(l.peakRssMb, TARGETS.rssMb10k, (v) => `${v} MB`) : undefined,
      ),
    );
  }
  if (m.handlers) {
    const at = `N=${m.handlers.n.toLocaleString('en-GB')}`;
    rows.push(row(`in-process calls per handler (${at})`, String(m.handlers.calls)));
    rows.push(
      ...latencyRows('/', m.handlers.commands).map((r) => ({ ...r, figure: r.figure.replace('/ ', '/') })),
    );
    rows.push(...latencyRows('autocomplete', m.handlers.autocompletes));
    rows.push(...latencyRows('button', m.handlers.buttons));
  }
  if (m.bot) {
    const i = m.bot.interactions;
    rows.push(
      row(
        `e2e interaction p50 / p99 (${i.all.calls} via discord.js + fake, N=${m.bot.n.toLocaleString('en-GB')})`,
        `${ms(i.all.p50)} / ${ms(i.all.p99)}`,
        atMost(i.all.p99, TARGETS.e2eP99Ms),
      ),
      row('e2e commands p50 / p99', `${ms(i.commands.p50)} / ${ms(i.commands.p99)}`),
      row('e2e autocompletes p50 / p99', `${ms(i.autocompletes.p50)} / ${ms(i.autocompletes.p99)}`),
    );
    rows.push(...fanOutRows(m.bot));
  }
  if (m.fanOutSmall) rows.push(...fanOutRows(m.fanOutSmall));
  if (m.reload) {
    const r = m.reload;
    const at = `N=${r.n.toLocaleString('en-GB')}`;
    rows.push(
      row(
        `hot reload ${at}, one file changed: time to swap`,
        ms(r.oneFile.swapMs),
        atMost(r.oneFile.swapMs, TARGETS.reloadOneFileMs),
      ),
      row(`hot reload ${at}, every file changed: time to swap`, ms(r.allFiles.swapMs)),
      row(
        'hot reload: longest event-loop stall',
        `${ms(Math.max(r.oneFile.maxStallMs, r.allFiles.maxStallMs))}`,
        atMost(Math.max(r.oneFile.maxStallMs, r.allFiles.maxStallMs), TARGETS.reloadStallMs),
      ),
    );
  }
  if (m.store) rows.push(storeRow(m.store, 'SQLite', TARGETS.storeStartMs10k));
  if (m.postgres && 'skipped' in m.postgres) {
    rows.push(row('PostgreSQL figures', `not measured: ${m.postgres.skipped}`));
  } else if (m.postgres) {
    rows.push(storeRow(m.postgres.store, 'PostgreSQL', TARGETS.postgresStartMs10k));
    const { commands, autocompletes, buttons } = m.postgres.handlers;
    for (const [kind, measured] of [
      ['PostgreSQL', commands],
      ['PostgreSQL autocomplete', autocompletes],
      ['PostgreSQL button', buttons],
    ] as const) {
      for (const [name, l] of Object.entries(measured)) {
        rows.push(
          row(
            `${kind} ${name} p50 / p99`,
            `${ms(l.p50)} / ${ms(l.p99)}`,
            atMost(l.p99, TARGETS.postgresScheduleP99Ms),
          ),
        );
      }
    }
  }
  if (m.scale && 'skipped' in m.scale) {
    rows.push(row('Scaled-out fan-out', `not measured: ${m.scale.skipped}`));
  } else if (m.scale) {
    for (const r of m.scale.runs) {
      const how = `${r.channels.toLocaleString('en-GB')} digests over ${r.shards} shard processes, ${r.proxy ? 'through the REST proxy' : 'no proxy'}`;
      const share = r.rateLimited / Math.max(1, r.requests);
      rows.push(
        row(
          `${how}: time / floor`,
          `${(r.totalMs / 1000).toFixed(1)} s / ${(r.floorMs / 1000).toFixed(0)} s = ${r.ratio.toFixed(2)}×`,
          r.proxy ? atMost(r.ratio, TARGETS.scaleRatio, (v) => `${v.toFixed(2)}×`) : undefined,
        ),
        row(
          `${how}: 429s / requests`,
          `${r.rateLimited} / ${r.requests} (${(100 * share).toFixed(1)}%)`,
          r.proxy
            ? atMost(share, TARGETS.scaleRateLimitedShare, (v) => `${(100 * v).toFixed(0)}%`)
            : undefined,
        ),
        row(`${how}: duplicates / missing`, `${r.duplicates} / ${r.missing}`),
      );
    }
  }
  return rows;
}

/** Counts that must be exact whatever the machine's speed. */
export function countProblems(m: Measurements): string[] {
  const problems: string[] = [];
  for (const l of m.load) {
    for (const [i, run] of [l.first, ...l.runs].entries()) {
      const which = i === 0 ? 'first start' : `restart ${i}`;
      if (run.problems !== 0) problems.push(`load N=${l.n} ${which}: ${run.problems} data problems`);
      if (run.briefings !== l.expected.briefings || run.published !== l.expected.published) {
        problems.push(
          `load N=${l.n} ${which}: loaded ${run.briefings} (${run.published} published), expected ${l.expected.briefings} (${l.expected.published})`,
        );
      }
    }
  }
  if (m.handlers) problems.push(...handlerProblems(m.handlers, ''));
  if (m.bot) {
    if (m.bot.interactions.failed > 0)
      problems.push(`${m.bot.interactions.failed} interactions got no accepted answer`);
    problems.push(...fanOutProblems(m.bot));
  }
  if (m.fanOutSmall) problems.push(...fanOutProblems(m.fanOutSmall));
  if (m.reload) {
    if (m.reload.bad > 0) problems.push(`hot reload: ${m.reload.bad} reloads did not swap in every briefing`);
    if (m.reload.briefings !== m.reload.expectedPublished) {
      problems.push(`hot reload: ${m.reload.briefings} briefings, expected ${m.reload.expectedPublished}`);
    }
  }
  const stores = [
    ['store', m.store],
    ['PostgreSQL store', m.postgres && 'store' in m.postgres ? m.postgres.store : undefined],
  ] as const;
  for (const [what, store] of stores) {
    for (const [i, s] of (store?.runs ?? []).entries()) {
      if (s.active !== s.schedules)
        problems.push(`${what} run ${i + 1}: ${s.active} of ${s.schedules} schedules registered`);
      if (s.runs !== 0)
        problems.push(`${what} run ${i + 1}: start() re-ran ${s.runs} digests already in the ledger`);
    }
  }
  if (m.scale && 'runs' in m.scale) {
    for (const r of m.scale.runs) {
      const how = `scaled-out fan-out ${r.proxy ? 'through the proxy' : 'without the proxy'}`;
      if (r.duplicates > 0) problems.push(`${how}: ${r.duplicates} digests posted twice`);
      if (r.missing > 0) problems.push(`${how}: ${r.missing} channels got no digest`);
    }
  }
  if (m.postgres && 'handlers' in m.postgres)
    problems.push(...handlerProblems(m.postgres.handlers, 'PostgreSQL ', false));
  return problems;
}

/** Handlers that crashed or were not all measured; `on` names the store when it is not the default. */
function handlerProblems(h: HandlersFigures, on: string, withButtons = true): string[] {
  const problems: string[] = [];
  if (h.unmeasured.length) problems.push(`no bench inputs for ${h.unmeasured.join(', ')}`);
  for (const [kind, group] of Object.entries({
    command: h.commands,
    autocomplete: h.autocompletes,
    button: h.buttons,
  })) {
    for (const [name, x] of Object.entries(group)) {
      if (x.failures > 0)
        problems.push(`${on}${kind} ${name}: ${x.failures} calls failed with an unexpected error`);
      if (x.calls < h.calls && !x.budgetHit)
        problems.push(`${on}${kind} ${name}: ${x.calls} calls measured, expected ${h.calls}`);
    }
  }
  if (withButtons && Object.keys(h.buttons).length === 0) problems.push(`${on}no buttons were measured`);
  return problems;
}

function storeRow(store: StoreSummary, engine: string, limit: number): Row {
  return row(
    `${store.schedules.toLocaleString('en-GB')} schedules loaded and registered from ${engine} (scheduler.start)`,
    ms(store.startMs),
    store.schedules >= 10_000 ? atMost(store.startMs, limit) : undefined,
  );
}

export function formatTable(rows: readonly Row[]): string {
  const header: Row = { figure: 'figure', value: 'value', target: 'target', status: 'info' };
  const cells = (r: Row) => [
    r.figure,
    r.value,
    r.target,
    r === header ? 'result' : r.status === 'info' ? '' : r.status.toUpperCase(),
  ];
  const all = [header, ...rows].map(cells);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const [head, ...body] = all;
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}
