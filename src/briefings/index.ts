/**
 * Contract of the briefings domain: what the loader produces and what every command may ask of
 * the Library. Implementations live beside this file (loader.ts, library.ts, search.ts, reload.ts).
 */
import type { Briefing, LookaheadItem, Quote, Section, Source, Theme } from './schema.js';

export type { Briefing, LookaheadItem, Quote, Section, Source, Theme } from './schema.js';

/** One problem found in `data/`, precise enough for a curator to act on. */
export interface DataProblem {
  /** Path as given to the loader (relative to the data directory's parent when possible). */
  file: string;
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `sections[3].themes[0]`; empty for whole-file problems. */
  field: string;
  message: string;
  /** Set on the line that stands for a file's problems past the cap: how many it stands for. */
  more?: number;
}

/** `file:line:column field — message` */
export const formatProblem = (p: DataProblem): string =>
  `${p.file}:${p.line}:${p.column}${p.field ? ` ${p.field}` : ''} — ${p.message}`;

/** How many problems a list stands for: the line standing for a file's capped rest counts as its rest. */
export const countProblems = (problems: readonly DataProblem[]): number =>
  problems.reduce((n, p) => n + (p.more ?? 1), 0);

/** What loading a data directory yields: everything that is valid, and every problem. */
export interface LoadResult {
  themes: Theme[];
  /** Valid briefings, drafts included (drafts are checked but never served). */
  briefings: Briefing[];
  problems: DataProblem[];
  /** Files read, for reporting. */
  files: number;
}

/** A period resolved from a partial date such as `2026-Q2`: [start, end) in UTC. */
export interface Period {
  start: Date;
  end: Date;
  precision: 'day' | 'month' | 'quarter' | 'year';
}

export interface SectionEntry {
  briefing: Briefing;
  section: Section;
  index: number;
  /** Characters in the section's summary and points: lays out pages without reading the text. */
  size: number;
}

export interface QuoteEntry {
  briefing: Briefing;
  quote: Quote;
  /** The quote's own source, or its briefing's. */
  source: Source;
  index: number;
}

export interface LookaheadEntry {
  briefing: Briefing;
  item: LookaheadItem;
  index: number;
  /** Resolved horizon; undefined when the item is undated. */
  period?: Period;
  /** Stable across reloads: `${briefing.id}#${index}` hashed with the item text. */
  key: string;
}

export type LookaheadWindow = 'week' | 'month' | 'quarter' | 'year' | 'all';

export interface SearchHit {
  briefing: Briefing;
  kind: 'title' | 'summary' | 'section' | 'point' | 'quote' | 'lookahead';
  /** Heading of the section (section/point hits), speaker (quote hits) or horizon (lookahead hits). */
  label?: string;
  /** Text around the match; matched terms wrapped in `**` (Discord bold), other markdown escaped. */
  snippet: string;
  score: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** Words or phrases left out of the search because they are too common to search for cheaply. */
  ignored?: string[];
}

export interface LibraryStats {
  briefings: number;
  drafts: number;
  themes: number;
  sections: number;
  quotes: number;
  lookahead: number;
}

/**
 * An immutable snapshot of published briefings with indexes. Every query answers from this
 * snapshot only; hot reload replaces the whole object.
 */
export interface Library {
  readonly loadedAt: Date;
  readonly stats: LibraryStats;
  readonly themes: readonly Theme[];
  theme(id: string): Theme | undefined;
  /** Published briefings, newest first. */
  latest(limit?: number): Briefing[];
  briefing(id: string): Briefing | undefined;
  /** Sections tagged with the theme, newest briefing first, then in document order. */
  byTheme(themeId: string, briefingId?: string): readonly SectionEntry[];
  quotes(filter?: { theme?: string; speaker?: string }): readonly QuoteEntry[];
  /**
   * Distinct speakers, most quoted first. With `match` (for autocomplete), only speakers whose name
   * starts with it, then those with a word starting with it, then those containing it.
   */
  speakers(match?: string): string[];
  /** A random matching quote using the given generator (seedable: see `seededRandom`). */
  randomQuote(filter: { theme?: string; speaker?: string }, random: () => number): QuoteEntry | undefined;
  /**
   * Forward-looking items; dated ones soonest first (by period start, narrower first), then
   * undated ones newest briefing first. `within` keeps dated items expected in [now, now + window)
   * (see `inWindow` in period.ts: a period due by the window's end, or one no coarser than the
   * window that starts inside it); `all` keeps everything, including undated items and past periods.
   */
  lookahead(filter?: { theme?: string; within?: LookaheadWindow; now?: Date }): readonly LookaheadEntry[];
  search(query: string, options?: { limit?: number; offset?: number }): SearchResult;
  /** Distinct sources of published briefings with the briefings citing them, newest first. */
  sources(): { source: Source; briefings: Briefing[] }[];
  /**
   * Data derived from this snapshot (a ranked list, a layout, a lookup table), built on first use
   * and kept with the snapshot, so it goes away when a reload replaces it. `build` is the key:
   * pass the same module-level function every time.
   */
  derived<T>(build: (library: Library) => T): T;
  /** Releases the search index; call it on the snapshot a reload has replaced, once it is idle. */
  dispose?(): void;
}
