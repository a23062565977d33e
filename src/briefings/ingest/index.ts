/**
 * Contract of ingest: raw article text in, a draft briefing out, with every machine-made value
 * traceable. `analyseArticle` finds things; `buildDraft` writes the YAML a curator corrects;
 * `formatReport` says what was found. The CLI (cli.ts) wires them to files.
 */
import type { Theme } from '../schema.js';
import type { FoundQuote } from './quotes.js';
import type { ThemeChoice } from './themes.js';

export type { FoundQuote } from './quotes.js';

export interface IngestOptions {
  themes: readonly Theme[];
  /** Briefing id; must match the file name the draft is saved as. Derived from the title if absent. */
  id?: string;
  /** Values the curator already knows; they win over what is detected. */
  source?: string;
  url?: string;
  published?: string;
  /** Where the text came from, for the draft's header comment. */
  origin: string;
  /** Clock for the fallback publication date and the header; injectable for tests. */
  now: Date;
}

/**
 * How a value came about: found in the text, derived from it (e.g. a title made from the lead),
 * given on the command line, or a placeholder the curator must replace.
 */
export type Provenance = 'found' | 'derived' | 'given' | 'placeholder';

export interface Finding<T> {
  value: T;
  how: Provenance;
  /** Where or how, in a few words ("dateline", "first line", "lead sentence"). */
  note: string;
}

export interface SectionFinding {
  heading: string;
  /** False for the lead before the first heading, whose heading the tool made up. */
  headingFound: boolean;
  paragraphs: string[];
  themes: ThemeChoice;
  summary: string;
  points: string[];
}

export interface QuoteFinding extends FoundQuote {
  themes: string[];
  context?: string;
}

export interface LookaheadFinding {
  text: string;
  horizon?: string;
  themes: string[];
  /** The phrase that marked it as forward-looking. */
  cue: string;
  section: number;
}

export interface Analysis {
  title: Finding<string>;
  id: Finding<string>;
  source: Finding<string>;
  url?: string;
  published: Finding<string>;
  location?: Finding<string>;
  dateline?: string;
  byline?: string;
  summary: string;
  sections: SectionFinding[];
  /** Quotations with a speaker: these go into the draft. */
  quotes: QuoteFinding[];
  /** Quotations whose speaker the text does not give: reported, and left as comments in the draft. */
  unattributed: QuoteFinding[];
  lookahead: LookaheadFinding[];
  words: number;
  warnings: string[];
}

export { analyseArticle } from './analyse.js';
export { buildDraft } from './draft.js';
export { decodeArticle } from './input.js';
export { formatReport } from './report.js';
