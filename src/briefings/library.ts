/**
 * The Library: an immutable snapshot of the published briefings with every index built once, so a
 * command's query is a lookup, never a scan of the data. Hot reload builds a new snapshot off to
 * the side (`buildLibraryAsync` keeps the event loop breathing meanwhile) and swaps it in whole.
 *
 * The briefings are the archive's records (archive.ts): their long text stays in SQLite. A new
 * snapshot is derived from the one it replaces: the lists of the briefings that left are filtered,
 * those of the briefings that came are merged in, in order, and every list nobody touched is
 * shared. So a reload that changes one file of 10,000 costs a few passes over arrays, not a
 * rebuild; the first snapshot is the same derivation from an empty one.
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
  /** The snapshot this one replaces: its indexes are reused (see the top of this file). */
  previous?: Library;
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
const newer = (a: Briefing, b: Briefing): number =>
  byString(b.published, a.published) || byString(a.id, b.id);
/** An item of a briefing: newest briefing first, then document order. */
const inOrder = (
  a: { briefing: Briefing; index: number },
  b: { briefing: Briefing; index: number },
): number => newer(a.briefing, b.briefing) || a.index - b.index;
/** Dated looking-ahead items: soonest period first (narrower first), then in order. */
const byPeriod = (a: LookaheadEntry, b: LookaheadEntry): number =>
  (a.period && b.period ? comparePeriods(a.period, b.period) : 0) || inOrder(a, b);

/** A speaker's name as shown: spacing tidied. */
const spellingOf = (speaker: string): string => speaker.replace(/\s+/g, ' ').trim();

const sourceKey = (source: Source): string => source.name.toLowerCase().replace(/\s+/g, ' ').trim();

/** A group's URL is shown only when every briefing in it shares it (an outlet's home page, say). */
function groupSource(newest: Source, briefings: readonly Briefing[]): Source {
  const url = newest.url;
  if (url === undefined || briefings.some((b) => b.source.url !== url))
    return Object.freeze({ name: newest.name });
  return newest;
}

/** Merges `added` (sorted) into `kept` (sorted, the left-out filtered already): one pass. */
function merge<T>(kept: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): T[] {
  if (added.length === 0) return kept as T[];
  const out = new Array<T>(kept.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < kept.length && j < added.length) {
    out[k++] = compare(kept[i] as T, added[j] as T) <= 0 ? (kept[i++] as T) : (added[j++] as T);
  }
  while (i < kept.length) out[k++] = kept[i++] as T;
  while (j < added.length) out[k++] = added[j++] as T;
  return out;
}

/**
 * A list of the previous snapshot, with the entries of briefings that left taken out and those of
 * briefings that came merged in. The previous array is returned as is when nothing changed in it.
 */
function update<T extends { briefing: Briefing }>(
  previous: readonly T[] | undefined,
  gone: ReadonlySet<Briefing>,
  added: T[] | undefined,
  compare: (a: T, b: T) => number,
): T[] {
  const base = previous ?? [];
  const kept = gone.size > 0 ? base.filter((e) => !gone.has(e.briefing)) : base;
  return merge(kept.length === base.length ? base : kept, (added ?? []).sort(compare), compare) as T[];
}

/** The same, for each list of a map; lists left empty go. */
function updateAll<K, T extends { briefing: Briefing }>(
  previous: ReadonlyMap<K, readonly T[]> | undefined,
  touched: ReadonlySet<K>,
  gone: ReadonlySet<Briefing>,
  added: ReadonlyMap<K, T[]>,
  compare: (a: T, b: T) => number,
): Map<K, readonly T[]> {
  const next = new Map(previous);
  for (const key of touched) {
    const list = update(previous?.get(key), gone, added.get(key), compare);
    if (list.length > 0) next.set(key, Object.freeze(list));
    else next.delete(key);
  }
  return next;
}

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** Everything a snapshot indexes, kept so that the next snapshot can start from it. */
interface Indexes {
  archive: Archive;
  /** The published briefings, newest first. */
  published: readonly Briefing[];
  members: ReadonlySet<Briefing>;
  rows: ReadonlyMap<number, Briefing>;
  folded: ReadonlySet<number>;
  byId: ReadonlyMap<string, Briefing>;
  sectionsByTheme: ReadonlyMap<string, readonly SectionEntry[]>;
  sections: number;
  quotes: readonly QuoteEntry[];
  quotesByTheme: ReadonlyMap<string, readonly QuoteEntry[]>;
  quotesBySpeaker: ReadonlyMap<string, readonly QuoteEntry[]>;
  /** How often each spelling of each speaker is used. */
  spellings: ReadonlyMap<string, ReadonlyMap<string, number>>;
  dated: readonly LookaheadEntry[];
  undated: readonly LookaheadEntry[];
  lookaheadByTheme: ReadonlyMap<string, readonly LookaheadEntry[]>;
  /** Briefings by source, newest first. */
  sources: ReadonlyMap<string, readonly { briefing: Briefing }[]>;
}

const EMPTY = new Map<never, never>();
const indexesOf = new WeakMap<Library, Indexes>();

/** One briefing's entries in every index. Built once per record and kept with it. */
interface Entries {
  sections: SectionEntry[];
  quotes: { entry: QuoteEntry; speakerKey: string; spelling: string }[];
  dated: LookaheadEntry[];
  undated: LookaheadEntry[];
}
const entriesOfRecord = new WeakMap<Briefing, Entries>();

// An archive repeats a few hundred horizons and speakers across its items: each is worked out once.
const periods = new Map<string, Readonly<Period> | undefined>();
const periodOf = (horizon: string): Readonly<Period> | undefined => {
  if (periods.has(horizon)) return periods.get(horizon);
  const period = resolvePeriod(horizon);
  const frozen = period && Object.freeze({ ...period, start: period.start, end: period.end });
  if (periods.size < 10_000) periods.set(horizon, frozen);
  return frozen;
};

function entriesOf(briefing: Briefing): Entries {
  const known = entriesOfRecord.get(briefing);
  if (known) return known;
  const stored = recordInfo(briefing);
  if (!stored) throw new Error(`briefing ${briefing.id} is not stored in the archive`);
  const entries: Entries = {
    sections: briefing.sections.map((section, index) =>
      Object.freeze({ briefing, section, index, size: stored.size(index) }),
    ),
    quotes: briefing.quotes.map((quote, index) => ({
      entry: Object.freeze({ briefing, quote, source: quote.source ?? briefing.source, index }),
      speakerKey: normaliseSpeaker(quote.speaker),
      spelling: spellingOf(quote.speaker),
    })),
    dated: [],
    undated: [],
  };
  briefing.looking_ahead.forEach((item, index) => {
    const period = item.horizon === undefined ? undefined : periodOf(item.horizon);
    const key = stored.key(index);
    if (period) entries.dated.push(Object.freeze({ briefing, item, index, period, key }));
    else entries.undated.push(Object.freeze({ briefing, item, index, key }));
  });
  entriesOfRecord.set(briefing, entries);
  return entries;
}

/**
 * The indexes of `published` (newest first, all stored in `archive`), derived from `previous`
 * when it is there. A generator: it yields between steps, where the async build may hand the
 * event loop back (see `runSteps`).
 */
function* index(
  published: readonly Briefing[],
  archive: Archive,
  previous: Indexes | undefined,
): Generator<void, Indexes> {
  const before = previous?.archive === archive ? previous : undefined;
  const members = new Set(published);
  const gone = new Set<Briefing>();
  for (const b of before?.published ?? []) if (!members.has(b)) gone.add(b);
  const came = published.filter((b) => !before?.members.has(b));

  // What changes: the entries of the briefings that came, grouped by list, and the keys touched.
  const touched = {
    sectionThemes: new Set<string>(),
    quoteThemes: new Set<string>(),
    speakers: new Set<string>(),
    aheadThemes: new Set<string>(),
    sources: new Set<string>(),
  };
  const addSections = new Map<string, SectionEntry[]>();
  const addQuotes: QuoteEntry[] = [];
  const addQuotesByTheme = new Map<string, QuoteEntry[]>();
  const addQuotesBySpeaker = new Map<string, QuoteEntry[]>();
  const addDated: LookaheadEntry[] = [];
  const addUndated: LookaheadEntry[] = [];
  const addAhead = new Map<string, LookaheadEntry[]>();
  const addSources = new Map<string, { briefing: Briefing }[]>();
  const spellingDelta = new Map<string, Map<string, number>>();
  let sections = before?.sections ?? 0;

  const note = (briefing: Briefing, sign: 1 | -1) => {
    const entries = entriesOf(briefing);
    sections += sign * entries.sections.length;
    for (const e of entries.sections) {
      for (const theme of new Set(e.section.themes)) {
        touched.sectionThemes.add(theme);
        if (sign > 0) push(addSections, theme, e);
      }
    }
    for (const q of entries.quotes) {
      const { entry } = q;
      touched.speakers.add(q.speakerKey);
      const delta = spellingDelta.get(q.speakerKey) ?? new Map<string, number>();
      delta.set(q.spelling, (delta.get(q.spelling) ?? 0) + sign);
      spellingDelta.set(q.speakerKey, delta);
      for (const theme of new Set(entry.quote.themes)) {
        touched.quoteThemes.add(theme);
        if (sign > 0) push(addQuotesByTheme, theme, entry);
      }
      if (sign > 0) {
        addQuotes.push(entry);
        push(addQuotesBySpeaker, q.speakerKey, entry);
      }
    }
    for (const e of [...entries.dated, ...entries.undated]) {
      for (const theme of new Set(e.item.themes)) {
        touched.aheadThemes.add(theme);
        if (sign > 0) push(addAhead, theme, e);
      }
    }
    if (sign > 0) {
      addDated.push(...entries.dated);
      addUndated.push(...entries.undated);
    }
    const source = sourceKey(briefing.source);
    touched.sources.add(source);
    if (sign > 0) push(addSources, source, { briefing });
  };
  for (const b of gone) note(b, -1);
  for (const b of came) {
    note(b, 1);
    yield;
  }

  const rows = new Map(before?.rows);
  const folded = new Set(before?.folded);
  const byId = new Map(before?.byId);
  for (const b of gone) {
    const row = recordInfo(b)?.row;
    if (row !== undefined) {
      rows.delete(row);
      folded.delete(row);
    }
    if (byId.get(b.id) === b) byId.delete(b.id);
  }
  for (const b of came) {
    const stored = recordInfo(b);
    if (!stored) throw new Error(`briefing ${b.id} is not stored in the archive`);
    rows.set(stored.row, b);
    if (stored.folded) folded.add(stored.row);
    byId.set(b.id, b);
  }
  yield;

  const spellings = new Map(before?.spellings);
  for (const [key, delta] of spellingDelta) {
    const next = new Map(spellings.get(key));
    for (const [spelling, change] of delta) {
      const uses = (next.get(spelling) ?? 0) + change;
      if (uses > 0) next.set(spelling, uses);
      else next.delete(spelling);
    }
    if (next.size > 0) spellings.set(key, next);
    else spellings.delete(key);
  }

  const dated = update(before?.dated, gone, addDated, byPeriod);
  yield;
  const undated = update(before?.undated, gone, addUndated, inOrder);
  yield;
  const quotes = update(before?.quotes, gone, addQuotes, inOrder);
  yield;
  const byLookahead = (a: LookaheadEntry, b: LookaheadEntry): number =>
    a.period && b.period ? byPeriod(a, b) : a.period ? -1 : b.period ? 1 : inOrder(a, b);
  const indexes: Indexes = {
    archive,
    published,
    members,
    rows,
    folded,
    byId,
    sectionsByTheme: updateAll(before?.sectionsByTheme, touched.sectionThemes, gone, addSections, inOrder),
    sections,
    quotes,
    quotesByTheme: updateAll(before?.quotesByTheme, touched.quoteThemes, gone, addQuotesByTheme, inOrder),
    quotesBySpeaker: updateAll(before?.quotesBySpeaker, touched.speakers, gone, addQuotesBySpeaker, inOrder),
    spellings,
    dated,
    undated,
    lookaheadByTheme: updateAll(before?.lookaheadByTheme, touched.aheadThemes, gone, addAhead, byLookahead),
    sources: updateAll(before?.sources, touched.sources, gone, addSources, (a, b) =>
      newer(a.briefing, b.briefing),
    ),
  };
  return indexes;
}

/** Spans of a list of looking-ahead items as typed arrays (NaN when undated), for window queries. */
const spansOf = (list: readonly LookaheadEntry[]) => {
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

function snapshot(ix: Indexes, load: LoadResult, options: LibraryOptions, owned: boolean): Library {
  const { archive, published, byId, sectionsByTheme, quotes, quotesByTheme, quotesBySpeaker } = ix;
  const lookahead = [...ix.dated, ...ix.undated];
  // A speaker is shown as most often spelled; on a tie, as in the newest briefing.
  const speakers = [...ix.spellings.entries()]
    .map(([key, spellings]) => {
      let name = '';
      let best = 0;
      let count = 0;
      const newestFirst = quotesBySpeaker.get(key) ?? [];
      for (const q of newestFirst) {
        const spelling = spellingOf(q.quote.speaker);
        const uses = spellings.get(spelling) ?? 0;
        if (uses > best) [name, best] = [spelling, uses];
      }
      for (const uses of spellings.values()) count += uses;
      return { key, name, count };
    })
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const sourceList = [...ix.sources.values()].map((list) => {
    const briefings = list.map((e) => e.briefing);
    const newest = briefings[0] as Briefing;
    return Object.freeze({
      source: groupSource(newest.source, briefings),
      briefings: Object.freeze(briefings) as Briefing[],
    });
  });
  const stats: LibraryStats = Object.freeze({
    briefings: published.length,
    drafts: load.briefings.length - published.length,
    themes: load.themes.length,
    sections: ix.sections,
    quotes: quotes.length,
    lookahead: lookahead.length,
  });
  const themes = Object.freeze(load.themes.map((t) => deepFreeze(t)));
  const themeById = new Map(themes.map((t) => [t.id, t]));
  // Each theme's spans are made on its first window query: most reloads never ask for most themes.
  const allSpans = spansOf(lookahead);
  const themeSpans = new Map<string, ReturnType<typeof spansOf>>();
  const spansFor = (theme: string) => {
    let spans = themeSpans.get(theme);
    if (!spans) {
      spans = spansOf(ix.lookaheadByTheme.get(theme) ?? []);
      themeSpans.set(theme, spans);
    }
    return spans;
  };
  const loadedAt = new Date((options.loadedAt ?? new Date()).getTime());
  const search = archive.fts.index(ix.rows, ix.folded, options.search);
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
      if (within === 'all')
        return [...(theme === undefined ? lookahead : (ix.lookaheadByTheme.get(theme) ?? []))];
      const { list, starts, ends, ranks } = theme === undefined ? allSpans : spansFor(theme);
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
    search: (query, searchOptions) => {
      if (disposed) throw new Error('search index is closed: the library snapshot was disposed');
      return search.search(query, searchOptions);
    },
    sources: () => [...sourceList],
    derived: derivedOf(() => library),
    dispose: () => {
      disposed = true;
      if (owned) archive.close();
    },
  };
  Object.freeze(library);
  indexesOf.set(library, ix);
  return library;
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

const publishedOf = (load: LoadResult): Briefing[] =>
  load.briefings.filter((b) => b.status === 'published').sort(newer);

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs the steps to the end; with `sliceMs`, hands the event loop back once a slice is used up. */
async function runSteps<T>(steps: Generator<void, T>, sliceMs: number): Promise<T> {
  let started = performance.now();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (performance.now() - started >= sliceMs) {
      await yieldToEventLoop();
      started = performance.now();
    }
  }
}

function runAll<T>(steps: Generator<void, T>): T {
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * Builds a snapshot in one go (at boot, and in tests). Call `dispose()` on a snapshot once it has
 * been replaced and no query is using it.
 */
export function buildLibrary(load: LoadResult, options: LibraryOptions = {}): Library {
  const { load: records, archive, owned } = stored(load, options);
  try {
    const previous = options.previous && indexesOf.get(options.previous);
    const built = runAll(index(publishedOf(records), archive, previous));
    archive.use(records.briefings);
    return snapshot(built, records, options, owned);
  } catch (error) {
    if (owned) archive.close();
    throw error;
  }
}

/**
 * Like `buildLibrary`, for hot reload: works in slices of at most `sliceMs` and yields to the event
 * loop between them, so commands keep being answered from the old snapshot meanwhile.
 */
export async function buildLibraryAsync(
  load: LoadResult,
  options: AsyncLibraryOptions = {},
): Promise<Library> {
  const { load: records, archive, owned } = stored(load, options);
  try {
    const previous = options.previous && indexesOf.get(options.previous);
    await yieldToEventLoop();
    const built = await runSteps(index(publishedOf(records), archive, previous), options.sliceMs ?? 20);
    await yieldToEventLoop();
    archive.use(records.briefings);
    return snapshot(built, records, options, owned);
  } catch (error) {
    if (owned) archive.close();
    throw error;
  }
}
