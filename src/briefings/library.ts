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
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Archive, archiveKey, deepFreeze, openArchive, recordInfo } from './archive.js';
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
function merge<T>(kept: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  if (added.length === 0) return kept;
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

/** Where `entry` is in `list` (sorted by `compare`), or -1. */
function find<T>(list: readonly T[], entry: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return list[lo] === entry ? lo : -1;
}

/** `list` without `gone` (entries of it): a few found by binary search, many by one pass. */
function without<T>(list: readonly T[], gone: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  if (gone.length === 0) return list;
  if (gone.length <= 64) {
    const at = gone.map((e) => find(list, e, compare)).filter((i) => i >= 0);
    if (at.length === gone.length) {
      at.sort((a, b) => a - b);
      const out: T[] = [];
      let from = 0;
      for (const i of at) {
        for (let k = from; k < i; k++) out.push(list[k] as T);
        from = i + 1;
      }
      for (let k = from; k < list.length; k++) out.push(list[k] as T);
      return out;
    }
  }
  const drop = new Set(gone);
  return list.filter((e) => !drop.has(e));
}

/** A list of the previous snapshot with the entries of briefings that left taken out and those of briefings that came merged in. */
const update = <T>(
  previous: readonly T[] | undefined,
  change: { gone?: readonly T[]; came?: T[] } | undefined,
  compare: (a: T, b: T) => number,
): readonly T[] =>
  merge(without(previous ?? [], change?.gone ?? [], compare), (change?.came ?? []).sort(compare), compare);

/** The same for every list of a map that changed, one list per step; lists left empty go. */
function* updateAll<K, T>(
  previous: ReadonlyMap<K, readonly T[]> | undefined,
  changes: ReadonlyMap<K, { gone?: T[]; came?: T[] }>,
  compare: (a: T, b: T) => number,
): Generator<void, Map<K, readonly T[]>> {
  const next = new Map(previous);
  for (const [key, change] of changes) {
    const list = update(previous?.get(key), change, compare);
    if (list.length > 0) next.set(key, Object.freeze(list));
    else next.delete(key);
    yield;
  }
  return next;
}

/** What a reload changes in one list: the entries that go and those that come. */
type Change<T> = { gone?: T[]; came?: T[] };
const change = <K, T>(map: Map<K, Change<T>>, key: K, entry: T, sign: 1 | -1) => {
  let c = map.get(key);
  if (!c) {
    c = {};
    map.set(key, c);
  }
  add(c, [entry], sign);
};
function add<T>(c: Change<T>, entries: readonly T[], sign: 1 | -1): void {
  if (entries.length === 0) return;
  const side = sign > 0 ? 'came' : 'gone';
  const list = c[side] ?? [];
  list.push(...entries);
  c[side] = list;
}

interface Speaker {
  key: string;
  name: string;
  count: number;
}

interface Spans {
  list: readonly LookaheadEntry[];
  starts: Float64Array;
  ends: Float64Array;
  ranks: Uint8Array;
}
const EMPTY_SPANS: Spans = {
  list: [],
  starts: new Float64Array(0),
  ends: new Float64Array(0),
  ranks: new Uint8Array(0),
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
  /** Each speaker as shown, and how often quoted; `speakers` lists them most quoted first. */
  named: ReadonlyMap<string, Speaker>;
  speakers: readonly Speaker[];
  dated: readonly LookaheadEntry[];
  undated: readonly LookaheadEntry[];
  /** Dated, then undated. */
  lookahead: readonly LookaheadEntry[];
  spans: Spans;
  lookaheadByTheme: ReadonlyMap<string, readonly LookaheadEntry[]>;
  /** Briefings by source, newest first. */
  sources: ReadonlyMap<string, readonly { briefing: Briefing }[]>;
}

/** A briefing as an entry of its source's list: one object per briefing, so it can be found again. */
const sourceEntries = new WeakMap<Briefing, { briefing: Briefing }>();
const entryOf = (briefing: Briefing): { briefing: Briefing } => {
  let entry = sourceEntries.get(briefing);
  if (!entry) {
    entry = Object.freeze({ briefing });
    sourceEntries.set(briefing, entry);
  }
  return entry;
};
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
  briefings: readonly Briefing[],
  archive: Archive,
  previous: Indexes | undefined,
): Generator<void, Indexes> {
  const before = previous?.archive === archive ? previous : undefined;
  const candidates = briefings.filter((b) => b.status === 'published');
  const members = new Set(candidates);
  const gone = new Set<Briefing>();
  for (const b of before?.published ?? []) if (!members.has(b)) gone.add(b);
  const came = candidates.filter((b) => !before?.members.has(b));
  const published = update(before?.published, { gone: [...gone], came: [...came] }, newer);
  yield;

  // What changes, list by list: the entries of the briefings that left and of those that came.
  const sectionsByTheme = new Map<string, Change<SectionEntry>>();
  const quotes: Change<QuoteEntry> = {};
  const quotesByTheme = new Map<string, Change<QuoteEntry>>();
  const quotesBySpeaker = new Map<string, Change<QuoteEntry>>();
  const dated: Change<LookaheadEntry> = {};
  const undated: Change<LookaheadEntry> = {};
  const lookaheadByTheme = new Map<string, Change<LookaheadEntry>>();
  const sources = new Map<string, Change<{ briefing: Briefing }>>();
  const spellingDelta = new Map<string, Map<string, number>>();
  let sections = before?.sections ?? 0;

  const note = (briefing: Briefing, sign: 1 | -1) => {
    const entries = entriesOf(briefing);
    sections += sign * entries.sections.length;
    for (const e of entries.sections) {
      for (const theme of new Set(e.section.themes)) change(sectionsByTheme, theme, e, sign);
    }
    for (const { entry, speakerKey, spelling } of entries.quotes) {
      change(quotesBySpeaker, speakerKey, entry, sign);
      const delta = spellingDelta.get(speakerKey) ?? new Map<string, number>();
      delta.set(spelling, (delta.get(spelling) ?? 0) + sign);
      spellingDelta.set(speakerKey, delta);
      for (const theme of new Set(entry.quote.themes)) change(quotesByTheme, theme, entry, sign);
    }
    add(
      quotes,
      entries.quotes.map((q) => q.entry),
      sign,
    );
    for (const e of [...entries.dated, ...entries.undated]) {
      for (const theme of new Set(e.item.themes)) change(lookaheadByTheme, theme, e, sign);
    }
    add(dated, entries.dated, sign);
    add(undated, entries.undated, sign);
    change(sources, sourceKey(briefing.source), entryOf(briefing), sign);
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

  const bySpeaker = yield* updateAll(before?.quotesBySpeaker, quotesBySpeaker, inOrder);
  // A speaker is shown as most often spelled; on a tie, as in the newest briefing.
  const named = new Map(before?.named);
  for (const key of spellingDelta.keys()) {
    const uses = spellings.get(key);
    if (!uses) {
      named.delete(key);
      continue;
    }
    let name = '';
    let best = 0;
    let count = 0;
    for (const q of bySpeaker.get(key) ?? []) {
      const spelling = spellingOf(q.quote.speaker);
      const n = uses.get(spelling) ?? 0;
      if (n > best) [name, best] = [spelling, n];
    }
    for (const n of uses.values()) count += n;
    named.set(key, { key, name, count });
  }
  const speakers =
    before && spellingDelta.size === 0
      ? before.speakers
      : [...named.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  yield;
  const byLookahead = (a: LookaheadEntry, b: LookaheadEntry): number =>
    a.period && b.period ? byPeriod(a, b) : a.period ? -1 : b.period ? 1 : inOrder(a, b);
  // Every list is frozen: the Library hands its lists out as they are, without copies.
  const next = {
    dated: Object.freeze(update(before?.dated, dated, byPeriod)),
    undated: Object.freeze(update(before?.undated, undated, inOrder)),
    quotes: Object.freeze(update(before?.quotes, quotes, inOrder)),
  };
  yield;
  const indexes: Indexes = {
    archive,
    published,
    members,
    rows,
    folded,
    byId,
    sections,
    spellings,
    named,
    speakers,
    ...next,
    sectionsByTheme: yield* updateAll(before?.sectionsByTheme, sectionsByTheme, inOrder),
    quotesByTheme: yield* updateAll(before?.quotesByTheme, quotesByTheme, inOrder),
    quotesBySpeaker: bySpeaker,
    lookaheadByTheme: yield* updateAll(before?.lookaheadByTheme, lookaheadByTheme, byLookahead),
    sources: yield* updateAll(before?.sources, sources, (a, b) => newer(a.briefing, b.briefing)),
    lookahead: [],
    spans: EMPTY_SPANS,
  };
  yield;
  indexes.lookahead =
    before && next.dated === before.dated && next.undated === before.undated
      ? before.lookahead
      : Object.freeze([...next.dated, ...next.undated]);
  yield;
  indexes.spans = indexes.lookahead === before?.lookahead ? before.spans : spansOf(indexes.lookahead);
  return indexes;
}

/** Spans of a list of looking-ahead items as typed arrays (NaN when undated), for window queries. */
function spansOf(list: readonly LookaheadEntry[]): Spans {
  const starts = new Float64Array(list.length);
  const ends = new Float64Array(list.length);
  const ranks = new Uint8Array(list.length);
  list.forEach((e, i) => {
    starts[i] = e.period ? e.period.start.getTime() : Number.NaN;
    ends[i] = e.period ? e.period.end.getTime() : Number.NaN;
    ranks[i] = e.period ? PRECISION_RANK[e.period.precision] : 0;
  });
  return { list, starts, ends, ranks };
}

function snapshot(ix: Indexes, load: LoadResult, options: LibraryOptions, owned: boolean): Library {
  const { archive, published, byId, sectionsByTheme, quotes, quotesByTheme, quotesBySpeaker } = ix;
  const { lookahead } = ix;
  // A speaker is shown as most often spelled; on a tie, as in the newest briefing.
  const { speakers } = ix;
  // Newest first, as each source's newest briefing.
  const groups = [...ix.sources.values()].sort((a, b) =>
    newer((a[0] as { briefing: Briefing }).briefing, (b[0] as { briefing: Briefing }).briefing),
  );
  const sourceList = groups.map((list) => {
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
  const allSpans = ix.spans;
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

  const NONE: readonly never[] = Object.freeze([]);
  const quotesFor = ({
    theme,
    speaker,
  }: {
    theme?: string;
    speaker?: string;
  } = {}): readonly QuoteEntry[] => {
    if (speaker !== undefined) {
      const list = quotesBySpeaker.get(normaliseSpeaker(speaker)) ?? NONE;
      return theme === undefined ? list : list.filter((q) => q.quote.themes.includes(theme));
    }
    return theme === undefined ? quotes : (quotesByTheme.get(theme) ?? NONE);
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
      if (briefingId === undefined) return sectionsByTheme.get(themeId) ?? NONE;
      // One briefing's own sections, in document order: a few, not a pass over the theme's list.
      const briefing = byId.get(briefingId);
      const own = briefing ? entriesOf(briefing).sections : NONE;
      return own.filter((e) => e.section.themes.includes(themeId));
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
      if (within === 'all') return theme === undefined ? lookahead : (ix.lookaheadByTheme.get(theme) ?? NONE);
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
    const store = (b: Briefing) =>
      archive.holds(b) ? b : archive.put(archiveKey(b.id, Buffer.from(JSON.stringify(b))), b);
    const briefings = load.briefings.every((b) => archive.holds(b))
      ? load.briefings
      : archive.batch(() => load.briefings.map(store));
    return { load: { ...load, briefings }, archive, owned: options.archive === undefined };
  } catch (error) {
    if (!options.archive) archive.close();
    throw error;
  }
}

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
    const built = runAll(index(records.briefings, archive, previous));
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
    const built = await runSteps(index(records.briefings, archive, previous), options.sliceMs ?? 20);
    await yieldToEventLoop();
    archive.use(records.briefings);
    return snapshot(built, records, options, owned);
  } catch (error) {
    if (owned) archive.close();
    throw error;
  }
}
