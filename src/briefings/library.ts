/**
 * The Library: an immutable snapshot of the published briefings with every index built once, so a
 * command's query is a lookup, never a scan of the data. Hot reload builds a new snapshot off to
 * the side (`buildLibraryAsync` keeps the event loop breathing meanwhile) and swaps it in whole.
 */
import { type Archive, archiveKey, openArchive, recordInfo } from './archive.js';
import type {
  Briefing,
  Library,
  LibraryStats,
  LoadResult,
  LookaheadEntry,
  Period,
  QuoteEntry,
  SectionEntry,
  Source,
} from './index.js';
import {
  comparePeriods,
  PRECISION_RANK,
  resolvePeriod,
  spanInWindow,
  windowEnd,
  windowRank,
} from './period.js';
import { pickRandom } from './random.js';
import type { SearchOptions } from './search.js';

export interface LibraryOptions {
  /** When the snapshot was taken; defaults to now. */
  loadedAt?: Date;
  search?: SearchOptions;
  /**
   * Where the briefings' text and search index are: the archive the loader stored them in. Without
   * one, the snapshot stores them in an in-memory archive of its own, closed by `dispose()`.
   */
  archive?: Archive;
}

export interface AsyncLibraryOptions extends LibraryOptions {
  /** Longest stretch of work between two yields to the event loop, in milliseconds. */
  sliceMs?: number;
}

/** Case, accents and spacing do not make a different speaker: "Kaja Kallas" = "kaja  kallas". */
export const normaliseSpeaker = (speaker: string): string =>
  speaker.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

// Indexed loops rather than Object.values: at 10,000 briefings (about a million objects and
// arrays) the copies Object.values makes cost more than the freezing itself.
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

/** A snapshot's `derived`: each build function runs once, on first use, and its value stays with the snapshot. */
export const derivedOf = (snapshot: () => Library): Library['derived'] => {
  const values = new Map<(library: Library) => unknown, unknown>();
  return <T>(build: (library: Library) => T): T => {
    if (!values.has(build)) values.set(build, build(snapshot()));
    return values.get(build) as T;
  };
};

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Newest first, ties by id so the order is stable. ISO dates sort as strings; a month-only date
 * ("2026-01") sorts just before the days of its month, as the less precise of the two.
 */
const newestFirst = (briefings: readonly Briefing[]): Briefing[] =>
  [...briefings].sort((a, b) => byString(b.published, a.published) || byString(a.id, b.id));

const sourceKey = (source: Source): string => source.name.toLowerCase().replace(/\s+/g, ' ').trim();

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** A group's URL is shown only when every briefing in it shares it (an outlet's home page, say). */
function groupSource(newest: Source, briefings: readonly Briefing[]): Source {
  const url = newest.url;
  if (url === undefined || briefings.some((b) => b.source.url !== url))
    return Object.freeze({ name: newest.name });
  return newest;
}

/**
 * Collects every index while briefings are fed to it newest first, one at a time, so the async
 * build can yield between any two of them.
 */
function createIndexer(load: LoadResult, archive: Archive) {
  const published = newestFirst(load.briefings.filter((b) => b.status === 'published'));
  const rows = new Map<number, Briefing>();
  const folded = new Set<number>();
  const byId = new Map<string, Briefing>();
  const sectionsByTheme = new Map<string, SectionEntry[]>();
  const quotes: QuoteEntry[] = [];
  const quotesByTheme = new Map<string, QuoteEntry[]>();
  const quotesBySpeaker = new Map<string, QuoteEntry[]>();
  /** Spellings in newest-first order of first use, with how often each is used. */
  const speakerNames = new Map<string, { count: number; spellings: Map<string, number> }>();
  const dated: LookaheadEntry[] = [];
  const undated: LookaheadEntry[] = [];
  const sources = new Map<string, { source: Source; briefings: Briefing[] }>();
  let sections = 0;
  // An archive repeats a few hundred horizons and speakers across its items: each is worked out once.
  const periods = new Map<string, Readonly<Period> | undefined>();
  const periodOf = (horizon: string): Readonly<Period> | undefined => {
    if (periods.has(horizon)) return periods.get(horizon);
    const period = resolvePeriod(horizon);
    const frozen = period && Object.freeze(period);
    periods.set(horizon, frozen);
    return frozen;
  };
  const speakerKeys = new Map<string, string>();
  const speakerKey = (speaker: string): string => {
    let key = speakerKeys.get(speaker);
    if (key === undefined) {
      key = normaliseSpeaker(speaker);
      speakerKeys.set(speaker, key);
    }
    return key;
  };

  const add = (briefing: Briefing) => {
    const stored = recordInfo(briefing);
    if (!stored) throw new Error(`briefing ${briefing.id} is not stored in the archive`);
    rows.set(stored.row, briefing);
    if (stored.folded) folded.add(stored.row);
    byId.set(briefing.id, briefing);
    briefing.sections.forEach((section, index) => {
      sections++;
      const entry: SectionEntry = Object.freeze({ briefing, section, index, size: stored.size(index) });
      for (const theme of new Set(section.themes)) push(sectionsByTheme, theme, entry);
    });
    briefing.quotes.forEach((quote, index) => {
      const entry: QuoteEntry = Object.freeze({
        briefing,
        quote,
        source: quote.source ?? briefing.source,
        index,
      });
      quotes.push(entry);
      for (const theme of new Set(quote.themes)) push(quotesByTheme, theme, entry);
      const key = speakerKey(quote.speaker);
      push(quotesBySpeaker, key, entry);
      const spelling = quote.speaker.replace(/\s+/g, ' ').trim();
      const known = speakerNames.get(key);
      if (known) {
        known.count++;
        known.spellings.set(spelling, (known.spellings.get(spelling) ?? 0) + 1);
      } else {
        speakerNames.set(key, { count: 1, spellings: new Map([[spelling, 1]]) });
      }
    });
    briefing.looking_ahead.forEach((item, index) => {
      const period = item.horizon === undefined ? undefined : periodOf(item.horizon);
      const key = stored.key(index);
      if (period) dated.push(Object.freeze({ briefing, item, index, period, key }));
      else undated.push(Object.freeze({ briefing, item, index, key }));
    });
    const group = sources.get(sourceKey(briefing.source));
    if (group) group.briefings.push(briefing);
    else sources.set(sourceKey(briefing.source), { source: briefing.source, briefings: [briefing] });
  };

  const finish = (options: LibraryOptions, owned: boolean): Library => {
    // Stable sort: equal periods keep newest-briefing-first, document order.
    dated.sort((a, b) => (a.period && b.period ? comparePeriods(a.period, b.period) : 0));
    const lookahead = [...dated, ...undated];
    // A speaker is shown as most often spelled; on a tie, as in the newest briefing.
    const speakers = [...speakerNames.entries()]
      .map(([key, { count, spellings }]) => {
        let name = '';
        let best = 0;
        for (const [spelling, uses] of spellings) {
          if (uses > best) [name, best] = [spelling, uses];
        }
        return { key, name, count };
      })
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    const sourceList = [...sources.values()].map(({ source, briefings }) =>
      Object.freeze({
        source: groupSource(source, briefings),
        briefings: Object.freeze(briefings) as Briefing[],
      }),
    );
    const stats: LibraryStats = Object.freeze({
      briefings: published.length,
      drafts: load.briefings.length - published.length,
      themes: load.themes.length,
      sections,
      quotes: quotes.length,
      lookahead: lookahead.length,
    });
    const themes = Object.freeze(load.themes.map((t) => deepFreeze(t)));
    const themeById = new Map(themes.map((t) => [t.id, t]));
    // Per-theme lists (in the same order as the whole list) and each list's spans as typed arrays
    // (NaN for undated items), so a window query is one tight loop over numbers, not Map look-ups.
    const withSpans = (list: readonly LookaheadEntry[]) => {
      const starts = new Float64Array(list.length);
      const ends = new Float64Array(list.length);
      const ranks = new Uint8Array(list.length);
      list.forEach((e, i) => {
        starts[i] = e.period ? e.period.start.getTime() : Number.NaN;
        ends[i] = e.period ? e.period.end.getTime() : Number.NaN;
        ranks[i] = e.period ? PRECISION_RANK[e.period.precision] : 0;
      });
      return { list, starts, ends, ranks };
    };
    const lookaheadByTheme = new Map<string, LookaheadEntry[]>();
    for (const e of lookahead) for (const theme of new Set(e.item.themes)) push(lookaheadByTheme, theme, e);
    const allSpans = withSpans(lookahead);
    const themeSpans = new Map([...lookaheadByTheme].map(([theme, list]) => [theme, withSpans(list)]));
    const noSpans = withSpans([]);
    const loadedAt = new Date((options.loadedAt ?? new Date()).getTime());
    const search = archive.fts.index(rows, folded, options.search);
    let disposed = false;

    const quotesFor = ({ theme, speaker }: { theme?: string; speaker?: string } = {}): QuoteEntry[] => {
      if (speaker !== undefined) {
        const list = quotesBySpeaker.get(normaliseSpeaker(speaker)) ?? [];
        return theme === undefined ? [...list] : list.filter((q) => q.quote.themes.includes(theme));
      }
      return [...(theme === undefined ? quotes : (quotesByTheme.get(theme) ?? []))];
    };

    const library: Library = {
      get loadedAt() {
        return new Date(loadedAt.getTime());
      },
      stats,
      themes,
      theme: (id) => themeById.get(id),
      latest: (limit) => published.slice(0, limit === undefined ? undefined : Math.max(0, Math.floor(limit))),
      briefing: (id) => byId.get(id),
      byTheme(themeId, briefingId) {
        const list = sectionsByTheme.get(themeId) ?? [];
        return briefingId === undefined ? [...list] : list.filter((e) => e.briefing.id === briefingId);
      },
      quotes: quotesFor,
      speakers(match) {
        if (match === undefined || match.trim() === '') return speakers.map((s) => s.name);
        const needle = normaliseSpeaker(match);
        const rank = (key: string): number => {
          if (key.startsWith(needle)) return 0;
          if (key.split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(needle))) return 1;
          return key.includes(needle) ? 2 : -1;
        };
        const ranked = speakers.map((s) => ({ name: s.name, rank: rank(s.key) })).filter((s) => s.rank >= 0);
        // Stable sort keeps "most quoted first" within each kind of match.
        return ranked.sort((a, b) => a.rank - b.rank).map((s) => s.name);
      },
      randomQuote: (filter, random) => pickRandom(quotesFor(filter), random),
      lookahead({ theme, within = 'all', now = new Date() }: Parameters<Library['lookahead']>[0] = {}) {
        const { list, starts, ends, ranks } =
          theme === undefined ? allSpans : (themeSpans.get(theme) ?? noSpans);
        if (within === 'all') return [...list];
        const from = now.getTime();
        const to = (windowEnd(now, within) ?? now).getTime();
        const rank = windowRank(within);
        const out: LookaheadEntry[] = [];
        // NaN (undated) fails every comparison, so undated items are never within a window.
        for (let i = 0; i < list.length; i++) {
          if (spanInWindow(starts[i] as number, ends[i] as number, ranks[i] as number, from, to, rank))
            out.push(list[i] as LookaheadEntry);
        }
        return out;
      },
      search: (query, options) => {
        if (disposed) throw new Error('search index is closed: the library snapshot was disposed');
        return search.search(query, options);
      },
      sources: () => [...sourceList],
      derived: derivedOf(() => library),
      dispose: () => {
        disposed = true;
        if (owned) archive.close();
      },
    };
    return Object.freeze(library);
  };

  return { published, add, finish };
}

/**
 * The archive to build on, and the briefings as its records: a briefing the loader did not store
 * (a test's, or one built in code) is stored first.
 */
function stored(
  load: LoadResult,
  options: LibraryOptions,
): { load: LoadResult; archive: Archive; owned: boolean } {
  const archive = options.archive ?? openArchive({ rules: 'in-memory' });
  try {
    const briefings = archive.batch(() =>
      load.briefings.map((b) =>
        archive.holds(b) ? b : archive.put(archiveKey(b.id, Buffer.from(JSON.stringify(b))), b),
      ),
    );
    return { load: { ...load, briefings }, archive, owned: options.archive === undefined };
  } catch (error) {
    if (!options.archive) archive.close();
    throw error;
  }
}

/**
 * Builds a snapshot in one go (at boot). Call `dispose()` on a snapshot once it has been replaced
 * and no query is using it.
 */
export function buildLibrary(load: LoadResult, options: LibraryOptions = {}): Library {
  const { load: records, archive, owned } = stored(load, options);
  try {
    const indexer = createIndexer(records, archive);
    for (const briefing of indexer.published) indexer.add(briefing);
    archive.use(records.briefings);
    return indexer.finish(options, owned);
  } catch (error) {
    if (owned) archive.close();
    throw error;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Like `buildLibrary`, for hot reload: works in slices of at most `sliceMs` and yields to the event
 * loop between them, so commands keep being answered from the old snapshot meanwhile.
 */
export async function buildLibraryAsync(
  load: LoadResult,
  options: AsyncLibraryOptions = {},
): Promise<Library> {
  const sliceMs = options.sliceMs ?? 20;
  const { load: records, archive, owned } = stored(load, options);
  try {
    const indexer = createIndexer(records, archive);
    let next = 0;
    while (next < indexer.published.length) {
      await yieldToEventLoop();
      const started = performance.now();
      do {
        const briefing = indexer.published[next];
        if (briefing) indexer.add(briefing);
        next++;
      } while (next < indexer.published.length && performance.now() - started < sliceMs);
    }
    await yieldToEventLoop();
    archive.use(records.briefings);
    return indexer.finish(options, owned);
  } catch (error) {
    if (owned) archive.close();
    throw error;
  }
}
