/**
 * What a digest reads from a Library snapshot, indexed once per snapshot (`library.derived`) so
 * that composing costs the same over an archive of 100 briefings or of 10,000: the looking-ahead
 * items still ahead of a slot, and the briefings published since a date.
 *
 * Items ahead of a slot are those whose period has not ended (undated ones always are). Ends do
 * not follow the Library's order (soonest start first), but they do among periods of one
 * precision: days, months, quarters and years do not overlap, so a later start is a later end.
 * Items are therefore kept in runs of one theme set and one precision, in the Library's order;
 * within a run the items ahead of a slot are the tail after a binary search, and the runs' tails
 * merged by position give the digest's items in the Library's order. A run is also closed wherever
 * its ends would go down, so an order the Library does not promise costs more runs, never a wrong
 * answer.
 */
import type { Briefing, Library, LookaheadEntry } from '../briefings/index.js';
import { resolvePartialDate } from '../render/timestamps.js';

interface Run {
  /** The themes of every item in the run, without repeats. */
  themes: readonly string[];
  /** Positions in the Library's order, ascending. */
  positions: number[];
  /** Each item's end in epoch milliseconds, not decreasing; Infinity when undated. */
  ends: number[];
}

interface LookaheadIndex {
  /** Every item in the Library's order. */
  entries: readonly LookaheadEntry[];
  /** Each item's end by position; Infinity when undated. */
  ends: Float64Array;
  runs: readonly Run[];
  /** Each item's position by key, to tell which of the items a schedule remembers still match. */
  positionOf: ReadonlyMap<string, number>;
}

const PRECISIONS = ['day', 'month', 'quarter', 'year', undefined];

function lookaheadIndex(library: Library): LookaheadIndex {
  const entries = library.lookahead({ within: 'all' });
  const ends = new Float64Array(entries.length);
  const positionOf = new Map<string, number>();
  const runs: Run[] = [];
  const open = new Map<number, Run>();
  // Items name their themes in any order: each spelling is sorted once and its set numbered, so
  // the tens of thousands of items cost a look-up each, not a sort.
  const sets = new Map<string, { themes: readonly string[]; id: number }>();
  const ids = new Map<string, number>();
  for (let position = 0; position < entries.length; position++) {
    const entry = entries[position] as LookaheadEntry;
    const end = entry.period ? entry.period.end.getTime() : Number.POSITIVE_INFINITY;
    ends[position] = end;
    positionOf.set(entry.key, position);
    const spelling = entry.item.themes.join('\n');
    let set = sets.get(spelling);
    if (!set) {
      const themes = [...new Set(entry.item.themes)].sort();
      const sorted = themes.join('\n');
      const id = ids.get(sorted) ?? ids.size;
      ids.set(sorted, id);
      set = { themes, id };
      sets.set(spelling, set);
    }
    const key = set.id * PRECISIONS.length + PRECISIONS.indexOf(entry.period?.precision);
    let run = open.get(key);
    if (!run || (run.ends.at(-1) ?? end) > end) {
      run = { themes: set.themes, positions: [], ends: [] };
      runs.push(run);
      open.set(key, run);
    }
    run.positions.push(position);
    run.ends.push(end);
  }
  return { entries, ends, runs, positionOf };
}

/** The first index whose end is after `at`. */
function firstEndingAfter(ends: readonly number[], at: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ends[mid] as number) > at) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface ItemsAhead {
  /** How many items match. */
  count: number;
  /** The matching items in the Library's order (dated soonest first, then undated), lazily. */
  inOrder(): Generator<LookaheadEntry>;
  /** Of the given keys, those of matching items, in the Library's order. */
  stillAhead(keys: Iterable<string>): string[];
}

/**
 * Looking-ahead items whose period has not ended at `at` (undated ones included) and that carry
 * one of `themes` (any theme when empty).
 */
export function itemsAhead(library: Library, themes: readonly string[], at: Date): ItemsAhead {
  const index = library.derived(lookaheadIndex);
  const atMs = at.getTime();
  const wanted = new Set(themes);
  const wants = (itemThemes: readonly string[]) => wanted.size === 0 || itemThemes.some((t) => wanted.has(t));
  const tails: { run: Run; next: number }[] = [];
  let count = 0;
  for (const run of index.runs) {
    if (!wants(run.themes)) continue;
    const next = firstEndingAfter(run.ends, atMs);
    if (next === run.ends.length) continue;
    count += run.ends.length - next;
    tails.push({ run, next });
  }
  return {
    count,
    *inOrder() {
      // A digest shows a few dozen items at most: a scan of the tails for each beats a heap.
      const heads = tails.map((t) => ({ ...t }));
      for (;;) {
        let best: (typeof heads)[number] | undefined;
        for (const head of heads) {
          const position = head.run.positions[head.next];
          if (position !== undefined && (!best || position < (best.run.positions[best.next] as number)))
            best = head;
        }
        if (!best) return;
        yield index.entries[best.run.positions[best.next++] as number] as LookaheadEntry;
      }
    },
    stillAhead(keys) {
      const positions = new Set<number>();
      for (const key of keys) {
        const position = index.positionOf.get(key);
        if (position === undefined || (index.ends[position] as number) <= atMs) continue;
        if (wants((index.entries[position] as LookaheadEntry).item.themes)) positions.add(position);
      }
      return [...positions].sort((a, b) => a - b).map((p) => (index.entries[p] as LookaheadEntry).key);
    },
  };
}

/** Publication dates are days or months, so a period ends at most this long after it starts. */
const LONGEST_PUBLICATION_PERIOD_MS = 31 * 86_400_000;

interface Publications {
  /** Published briefings, newest first (the Library's `latest()`). */
  briefings: readonly Briefing[];
  /** Each one's publication period in epoch milliseconds; NaN when the date does not resolve. */
  starts: Float64Array;
  ends: Float64Array;
}

function publications(library: Library): Publications {
  const briefings = library.latest();
  const starts = new Float64Array(briefings.length);
  const ends = new Float64Array(briefings.length);
  briefings.forEach((b, i) => {
    const published = resolvePartialDate(b.published);
    starts[i] = published ? published.start.getTime() : Number.NaN;
    ends[i] = published ? published.end.getTime() : Number.NaN;
  });
  return { briefings, starts, ends };
}

export interface Published {
  briefing: Briefing;
  /** End of its publication period, in epoch milliseconds. */
  end: number;
}

/** Published briefings whose publication period ends after `since`, newest first. */
export function publishedSince(library: Library, since: number): Published[] {
  const { briefings, starts, ends } = library.derived(publications);
  const recent: Published[] = [];
  for (let i = 0; i < briefings.length; i++) {
    const end = ends[i] as number;
    if (end > since) recent.push({ briefing: briefings[i] as Briefing, end });
    // Newest first by start: nothing further down can end after `since`.
    else if ((starts[i] as number) < since - LONGEST_PUBLICATION_PERIOD_MS) break;
  }
  return recent;
}

/**
 * Builds both indexes of a snapshot now rather than in its first digest: at start, before the
 * schedules run, so a morning's first fan-out does not wait for them.
 */
export function prepareDigests(library: Library): void {
  library.derived(lookaheadIndex);
  library.derived(publications);
}
