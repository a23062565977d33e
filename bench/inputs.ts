/**
 * Varied, realistic inputs for every command and autocomplete, drawn from the loaded library:
 * real briefing ids and titles, theme ids and labels, speakers, words that occur in the text,
 * plus a share of misses and typos, as users type them.
 */
import type {
  APIApplicationCommandOption,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { RawOptions } from '../commands/index.js';
import type { Library } from '../src/briefings/index.js';
import { seededRandom } from '../src/briefings/random.js';

export interface Pool {
  briefingIds: string[];
  titles: string[];
  themeIds: string[];
  themeLabels: string[];
  speakers: string[];
  words: string[];
  zones: string[];
  /** Ids of the schedules in the bench guild (refreshed by the caller). */
  scheduleIds: () => string[];
  /** The bench guild's schedules as /schedule export writes them (set by the caller), for import. */
  scheduleFile: () => string;
}

export interface Picker {
  r: () => number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export const picker = (seed: string): Picker => {
  const r = seededRandom(seed);
  return {
    r,
    pick: <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T,
    chance: (p) => r() < p,
  };
};

const STOP = new Set([
  'the',
  'and',
  'for',
  'with',
  'over',
  'after',
  'before',
  'from',
  'into',
  'that',
  'this',
]);

export function poolFrom(
  library: Library,
  scheduleIds: () => string[],
  zones: string[],
  scheduleFile: () => string = () => '',
): Pool {
  const briefings = library.latest();
  const words = new Set<string>();
  for (const b of briefings.slice(0, 500)) {
    for (const w of `${b.title} ${b.summary}`.toLowerCase().split(/[^\p{L}\p{N}-]+/u)) {
      if (w.length > 3 && !STOP.has(w)) words.add(w);
    }
  }
  return {
    briefingIds: briefings.map((b) => b.id),
    titles: briefings.map((b) => b.title),
    themeIds: library.themes.map((t) => t.id),
    themeLabels: library.themes.map((t) => t.label),
    speakers: library.speakers(),
    words: [...words],
    zones,
    scheduleIds,
    scheduleFile,
  };
}

/** What a user has typed so far: a prefix, a middle fragment, a typo, or nothing. */
export function partial(p: Picker, value: string): string {
  const roll = p.r();
  if (roll < 0.1) return '';
  if (roll < 0.55) return value.slice(0, 1 + Math.floor(p.r() * Math.min(value.length, 12)));
  if (roll < 0.8) {
    const words = value.split(/\s+/);
    return p.pick(words).slice(0, 6);
  }
  if (roll < 0.9) return `${value.slice(0, 4)}x`;
  return value;
}

const searchQuery = (p: Picker, pool: Pool): string => {
  const roll = p.r();
  if (roll < 0.45) return p.pick(pool.words);
  if (roll < 0.75) return `${p.pick(pool.words)} ${p.pick(pool.words)}`;
  if (roll < 0.85) return p.pick(pool.speakers).split(' ').slice(-1)[0] ?? 'talks';
  if (roll < 0.95) return `"${p.pick(pool.titles).split(' ').slice(0, 2).join(' ')}"`;
  return 'zzyzx quantum';
};

const maybe = (p: Picker, chance: number, value: string): string | undefined =>
  p.chance(chance) ? value : undefined;

const clean = (options: Record<string, string | undefined>): RawOptions =>
  Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));

const WITHIN = ['week', 'month', 'quarter', 'year', 'all'] as const;

/** One call's options per command (and subcommand for /schedule). */
export const COMMAND_INPUTS: Record<string, (p: Picker, pool: Pool) => RawOptions> = {
  brief: (p, pool) =>
    clean({
      briefing: p.chance(0.15) ? undefined : p.chance(0.8) ? p.pick(pool.briefingIds) : p.pick(pool.titles),
    }),
  theme: (p, pool) =>
    clean({
      theme: p.chance(0.8) ? p.pick(pool.themeIds) : p.pick(pool.themeLabels),
      briefing: maybe(p, 0.2, p.pick(pool.briefingIds)),
    }),
  quote: (p, pool) =>
    clean({ theme: maybe(p, 0.4, p.pick(pool.themeIds)), speaker: maybe(p, 0.4, p.pick(pool.speakers)) }),
  lookahead: (p, pool) => clean({ theme: maybe(p, 0.5, p.pick(pool.themeIds)), within: p.pick(WITHIN) }),
  search: (p, pool) => ({ query: searchQuery(p, pool) }),
  sources: () => ({}),
  help: () => ({}),
  status: () => ({}),
  'schedule list': () => ({ subcommand: 'list' }),
  'schedule preview': (p, pool) => ({ subcommand: 'preview', id: p.pick(pool.scheduleIds()) }),
  'schedule pause': (p, pool) => ({ subcommand: 'pause', id: p.pick(pool.scheduleIds()) }),
  'schedule resume': (p, pool) => ({ subcommand: 'resume', id: p.pick(pool.scheduleIds()) }),
  'schedule edit': (p, pool) => ({
    subcommand: 'edit',
    id: p.pick(pool.scheduleIds()),
    when: p.pick(['daily 08:00', 'weekdays 07:30', 'weekly mon 09:00', '0 18 * * 1-5']),
    themes: p.pick(pool.themeIds),
  }),
  'schedule run-now': (p, pool) => ({ subcommand: 'run-now', id: p.pick(pool.scheduleIds()) }),
  'schedule history': (p, pool) => ({ subcommand: 'history', id: p.pick(pool.scheduleIds()) }),
  'schedule export': () => ({ subcommand: 'export' }),
  // The guild's own file: a preview that finds every schedule unchanged, or changed since the export.
  'schedule import': (_p, pool) => {
    const content = pool.scheduleFile();
    return { subcommand: 'import', file: { name: 'schedules.yaml', size: content.length, content } };
  },
  'schedule alerts': (p) =>
    p.chance(0.2)
      ? { subcommand: 'alerts', off: true }
      : { subcommand: 'alerts', channel: { id: BENCH_ALERTS_CHANNEL, name: 'alerts' } },
  notify: () => ({}),
};

/** The channel the bench guild's alerts go to. */
export const BENCH_ALERTS_CHANNEL = '200000000000000999';

/** Values a user would be heading for in an autocompleted option, by option name. */
export const AUTOCOMPLETE_TARGETS: Record<string, (p: Picker, pool: Pool) => string> = {
  briefing: (p, pool) => (p.chance(0.7) ? p.pick(pool.titles) : p.pick(pool.briefingIds)),
  theme: (p, pool) => (p.chance(0.5) ? p.pick(pool.themeLabels) : p.pick(pool.themeIds)),
  speaker: (p, pool) => p.pick(pool.speakers),
  timezone: (p, pool) => p.pick(pool.zones),
  id: (p, pool) => p.pick(pool.scheduleIds()),
};

export interface AutocompleteSite {
  /** `brief.briefing`, `schedule edit.timezone` */
  label: string;
  command: string;
  subcommand?: string;
  option: string;
}

/** Every autocompleted option the registered definitions declare, subcommands included. */
export function autocompleteSites(
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): AutocompleteSite[] {
  const sites: AutocompleteSite[] = [];
  const walk = (command: string, options: readonly APIApplicationCommandOption[], subcommand?: string) => {
    for (const o of options) {
      if ('options' in o && Array.isArray(o.options)) {
        walk(command, o.options as APIApplicationCommandOption[], o.name);
      } else if ('autocomplete' in o && o.autocomplete) {
        sites.push({
          label: `${subcommand ? `${command} ${subcommand}` : command}.${o.name}`,
          command,
          ...(subcommand ? { subcommand } : {}),
          option: o.name,
        });
      }
    }
  };
  for (const d of definitions) walk(d.name, d.options ?? []);
  return sites;
}

/** Measured names for every command: one per subcommand for commands that have them. */
export function commandNames(
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): string[] {
  return definitions.flatMap((d) => {
    const subs = (d.options ?? []).filter((o) => o.type === 1).map((o) => `${d.name} ${o.name}`);
    return subs.length > 0 ? subs : [d.name];
  });
}

export { searchQuery };

/**
 * The most expensive searches we could construct for this library, under 200 characters each: the
 * words found in the most briefings (stop words included), as 32 plain words, as quoted phrases,
 * and ending in a prefix shared by many words. A member could send any of them, or replay their
 * page buttons, over and over.
 */
export function worstSearchQueries(library: Library): string[] {
  const docs = new Map<string, number>();
  for (const b of library.latest().slice(0, 2000)) {
    const text = [b.title, b.summary, ...b.sections.flatMap((s) => [s.heading, s.summary, ...s.points])];
    for (const w of new Set(
      text
        .join(' ')
        .toLowerCase()
        .match(/\p{L}+/gu) ?? [],
    )) {
      docs.set(w, (docs.get(w) ?? 0) + 1);
    }
  }
  const common = [...docs].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const short = common.filter((w) => w.length <= 5);
  const long = common.filter((w) => !STOP.has(w) && w.length > 4);
  const upTo200 = (words: string[]) => {
    let q = '';
    for (const w of words) if (q.length + w.length + 1 <= 200) q = q ? `${q} ${w}` : w;
    return q;
  };
  // A prefix of four letters that is not itself a word, shared by the most briefings' words.
  const prefixes = new Map<string, number>();
  for (const [w, n] of docs) {
    const p = w.slice(0, 4);
    if (w.length > 4 && !docs.has(p)) prefixes.set(p, (prefixes.get(p) ?? 0) + n);
  }
  const prefix = [...prefixes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'stra';
  return [
    upTo200(short.slice(0, 32)),
    upTo200([0, 1, 2, 3, 4].map((i) => `"${long.slice(i * 6, i * 6 + 6).join(' ')}"`)),
    `${upTo200(long.slice(0, 30))
      .slice(0, 199 - prefix.length)
      .replace(/\s\S*$/, '')} ${prefix}`,
    `${long.slice(0, 2).join(' ')} ${prefix}`,
    upTo200([...long.slice(0, 30), 'zzyzx']),
  ];
}
