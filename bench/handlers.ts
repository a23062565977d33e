/**
 * Child: in-process latency of every command handler, every autocomplete and every button, through
 * the registry (`invokeCommand`, `invokeAutocomplete`, `invokeButton`) with the context the app
 * builds for an interaction. Inputs vary call to call (bench/inputs.ts). The first calls of each
 * kind warm the JIT and are not counted.
 */
import { performance } from 'node:perf_hooks';
import type { CommandContext, RawOptions } from '../commands/index.js';
import { MAX_CARRIED_QUERY, pageId as searchPageId } from '../commands/search.js';
import type { InteractionFacts } from '../src/app.js';
import { timeZones } from '../src/digest/zoned.js';
import { UserError } from '../src/errors.js';
import { definitions, invokeAutocomplete, invokeButton, invokeCommand } from '../src/registry.js';
import type { Reply } from '../src/render/index.js';
import { ADMIN, MEMBER, startBenchApp } from './app.js';
import { childInput, emit } from './child.js';
import {
  AUTOCOMPLETE_TARGETS,
  autocompleteSites,
  COMMAND_INPUTS,
  commandNames,
  partial,
  picker,
  poolFrom,
  worstSearchQueries,
} from './inputs.js';
import { type Latency, latency } from './stats.js';

export interface HandlersInput {
  dir: string;
  calls: number;
  warmup: number;
  /**
   * Longest time spent on one handler. A handler far over its target would otherwise hold the
   * bench for many minutes; it stops early, with `budgetHit` set and the calls it made.
   */
  budgetMs: number;
  /** The schedule store (default: SQLite in a temporary folder, as `npm start` has). */
  storeUrl?: string;
  /** Only these commands, with their autocompletes and buttons (default: all). */
  only?: string[];
}

export interface Measured extends Latency {
  /** Calls answered with a UserError (a miss, an unknown id): a normal answer. */
  userErrors: number;
  /** Calls that threw anything else: a bug. */
  failures: number;
  /** Stopped at the time budget before `calls` calls. */
  budgetHit?: boolean;
}

export interface HandlersFigures {
  briefings: number;
  calls: number;
  commands: Record<string, Measured>;
  autocompletes: Record<string, Measured & { empty: number }>;
  buttons: Record<string, Measured>;
  /** Commands or autocompletes the bench has no inputs for. */
  unmeasured: string[];
  failureSamples: string[];
}

/** Enough for a p99 that means something, even when the budget runs out. */
const MIN_CALLS = 100;
const GUILD = '200000000000000001';
const USER = '200000000000000002';
const channel = (i: number) => String(200000000000001000n + BigInt(i));

const { dir, calls, warmup, budgetMs, storeUrl, only } = childInput<HandlersInput>();
const { app, close } = await startBenchApp(dir, {
  SCHEDULE_MAX_PER_GUILD: '25',
  ...(storeUrl ? { STORE_URL: storeUrl } : {}),
});
const wanted = (command: string) => !only || only.includes(command);
const library = app.live.current();
const defs = definitions(app.registry);
const admins = new Set(
  [...app.registry.commands.values()].filter((c) => c.admin).map((c) => c.definition.name),
);

const facts = (command: string): InteractionFacts => ({
  guildId: GUILD,
  channelId: channel(0),
  userId: USER,
  memberPermissions: admins.has(command) ? ADMIN : MEMBER,
  locale: 'en-GB',
});

// Twenty schedules to list, preview, pause and run: most of the guild's cap, as a busy guild has.
const schedules = app.digests.schedules;
for (let i = 0; i < 20; i++) {
  await schedules.add(
    GUILD,
    USER,
    {
      channelId: channel(i),
      channelName: `briefings-${i}`,
      when: ['daily 08:00', 'weekdays 07:30', 'weekly mon 09:00', '0 18 * * 1-5'][i % 4] as string,
      timezone: ['Europe/Brussels', 'UTC', 'America/New_York', 'Asia/Tokyo'][i % 4] as string,
      themes: i % 3 === 0 ? [] : [library.themes[i % library.themes.length]?.id ?? ''],
      format: i % 2 ? 'full' : 'brief',
      skipIfEmpty: false,
    },
    library,
  );
}
let scheduleIds = (await schedules.list(GUILD)).map((v) => v.schedule.id);
let scheduleFile = '';
const pool = poolFrom(
  library,
  () => scheduleIds,
  timeZones(),
  () => scheduleFile,
);

const failureSamples: string[] = [];
{
  // What /schedule import is measured with: the guild's own export.
  const exported = await invokeCommand(
    app.registry,
    'schedule',
    { subcommand: 'export' },
    app.makeContext(facts('schedule')),
  );
  scheduleFile = exported.files?.[0]?.content ?? '';
  if (!scheduleFile) throw new Error('/schedule export attached no file');
}
const buttonIds = new Map<string, Set<string>>();

const collectButtons = (reply: Reply) => {
  for (const row of reply.components ?? []) {
    for (const b of row.components) {
      if (!('custom_id' in b)) continue;
      const [command, action] = b.custom_id.split(':');
      const key = `${command}:${action}`;
      const ids = buttonIds.get(key) ?? new Set();
      if (ids.size < 2000) ids.add(b.custom_id);
      buttonIds.set(key, ids);
    }
  }
};

/** Times `run` once per call; keeps the samples after the warm-up. */
async function measure(
  count: number,
  run: (i: number) => Promise<unknown>,
  after?: (value: unknown) => void,
): Promise<Measured & { samples: number[] }> {
  const samples: number[] = [];
  let userErrors = 0;
  let failures = 0;
  let budgetHit = false;
  const begun = performance.now();
  for (let i = 0; i < warmup + count; i++) {
    if (performance.now() - begun > budgetMs && samples.length >= MIN_CALLS) {
      budgetHit = true;
      break;
    }
    const started = performance.now();
    let value: unknown;
    try {
      value = await run(i);
    } catch (error) {
      if (error instanceof UserError) userErrors++;
      else {
        failures++;
        if (failureSamples.length < 10)
          failureSamples.push(String(error instanceof Error ? error.stack : error));
      }
    }
    const elapsed = performance.now() - started;
    if (i >= warmup) samples.push(elapsed);
    if (value !== undefined) after?.(value);
  }
  return { ...latency(samples), userErrors, failures, samples, ...(budgetHit ? { budgetHit } : {}) };
}

const progress = (what: string, m: Latency | undefined) => {
  if (!m) return;
  const cut = 'budgetHit' in m && m.budgetHit ? ` (stopped at the time budget after ${m.calls} calls)` : '';
  process.stdout.write(`  ${what}: p50 ${m.p50} ms, p99 ${m.p99} ms${cut}\n`);
};
const strip = ({ samples: _, ...rest }: Measured & { samples: number[] }): Measured => rest;
const ctxFor = (command: string): CommandContext => app.makeContext(facts(command));

const commands: Record<string, Measured> = {};
const unmeasured: string[] = [];
for (const name of commandNames(defs)) {
  const [command = name] = name.split(' ');
  if (name === 'schedule add' || name === 'schedule remove' || !wanted(command)) continue;
  const input = COMMAND_INPUTS[name];
  if (!input) {
    unmeasured.push(`/${name}`);
    continue;
  }
  const p = picker(`command:${name}`);
  const run = () => invokeCommand(app.registry, command, input(p, pool), ctxFor(command));
  commands[name] = strip(await measure(calls, run, (reply) => collectButtons(reply as Reply)));
  progress(`/${name}`, commands[name]);
  scheduleIds = (await schedules.list(GUILD)).map((v) => v.schedule.id);
}

// The worst searches we could construct (bench/inputs.ts), sent afresh and, where the query fits a
// button, replayed from a later page: what one member could repeat to slow the bot for everyone.
if (wanted('search')) {
  const queries = worstSearchQueries(library);
  process.stdout.write(`  worst search queries: ${queries.map((q) => JSON.stringify(q)).join(', ')}\n`);
  const run = (i: number) => {
    const query = queries[Math.floor(i / 2) % queries.length] ?? '';
    return i % 2 === 1 && query.length <= MAX_CARRIED_QUERY
      ? invokeButton(app.registry, searchPageId(query)(3), ctxFor('search'))
      : invokeCommand(app.registry, 'search', { query }, ctxFor('search'));
  };
  commands['search (worst query)'] = strip(await measure(calls, run));
  progress('/search (worst query)', commands['search (worst query)']);
}

// add and remove in pairs, so the guild stays under its cap and every remove has a real target.
if (wanted('schedule')) {
  const p = picker('command:schedule add');
  const addSamples: number[] = [];
  const removeSamples: number[] = [];
  let failures = 0;
  let budgetHit = false;
  const begun = performance.now();
  for (let i = 0; i < warmup + calls; i++) {
    if (performance.now() - begun > 2 * budgetMs && addSamples.length >= MIN_CALLS) {
      budgetHit = true;
      break;
    }
    const before = new Set(scheduleIds);
    const add: RawOptions = {
      subcommand: 'add',
      channel: { id: channel(100 + (i % 50)), name: `digest-${i % 50}` },
      when: p.pick(['daily 09:00', 'weekdays 06:45', 'weekly fri 16:00']),
      timezone: p.pick(pool.zones),
      themes: p.pick(pool.themeIds),
    };
    try {
      let started = performance.now();
      await invokeCommand(app.registry, 'schedule', add, ctxFor('schedule'));
      if (i >= warmup) addSamples.push(performance.now() - started);
      const added = (await schedules.list(GUILD)).find((v) => !before.has(v.schedule.id));
      if (!added) throw new Error('schedule add saved nothing');
      started = performance.now();
      await invokeCommand(
        app.registry,
        'schedule',
        { subcommand: 'remove', id: added.schedule.id },
        ctxFor('schedule'),
      );
      if (i >= warmup) removeSamples.push(performance.now() - started);
    } catch (error) {
      failures++;
      if (failureSamples.length < 10)
        failureSamples.push(String(error instanceof Error ? error.stack : error));
    }
  }
  const hit = budgetHit ? { budgetHit } : {};
  commands['schedule add'] = { ...latency(addSamples), userErrors: 0, failures, ...hit };
  commands['schedule remove'] = { ...latency(removeSamples), userErrors: 0, failures, ...hit };
  progress('/schedule add', commands['schedule add']);
  progress('/schedule remove', commands['schedule remove']);
}

const autocompletes: Record<string, Measured & { empty: number }> = {};
for (const site of autocompleteSites(defs)) {
  if (!wanted(site.command)) continue;
  const target = AUTOCOMPLETE_TARGETS[site.option];
  if (!target) {
    unmeasured.push(`/${site.label} (autocomplete)`);
    continue;
  }
  const p = picker(`autocomplete:${site.label}`);
  let empty = 0;
  const run = () => {
    const value = partial(p, target(p, pool));
    const raw: RawOptions = {
      ...(site.subcommand ? { subcommand: site.subcommand } : {}),
      ...(site.option !== 'theme' && p.chance(0.3) ? { theme: p.pick(pool.themeIds) } : {}),
      [site.option]: value,
    };
    return invokeAutocomplete(
      app.registry,
      site.command,
      { name: site.option, value },
      raw,
      ctxFor(site.command),
    );
  };
  const m = await measure(calls, run, (choices) => {
    if (Array.isArray(choices) && choices.length === 0) empty++;
  });
  autocompletes[site.label] = { ...strip(m), empty };
  progress(`autocomplete ${site.label}`, m);
}

const buttons: Record<string, Measured> = {};
for (const [key, ids] of buttonIds) {
  const list = [...ids];
  const [command = ''] = key.split(':');
  const run = (i: number) => invokeButton(app.registry, list[i % list.length] as string, ctxFor(command));
  buttons[key] = strip(await measure(calls, run));
  progress(`button ${key}`, buttons[key]);
}

emit({
  briefings: library.stats.briefings,
  calls,
  commands,
  autocompletes,
  buttons,
  unmeasured,
  failureSamples,
} satisfies HandlersFigures);
await close();
