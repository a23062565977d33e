/**
 * Full-text search over published briefings with SQLite FTS5, through better-sqlite3, in the
 * archive's database (archive.ts): one index shared by every snapshot, each searching its own rows.
 *
 * One FTS5 row per briefing, one column per kind of text (title, quotes, headings, summary, section
 * summaries, points), ranked by bm25 with column weights. Ranking briefings rather than every
 * point and quote separately keeps a common word ("Ukraine") to ten thousand rows to score instead
 * of a hundred and fifty thousand, and gives each column honest length statistics (with one row per
 * item, the title column would be empty in most rows and every real title would look far too long).
 * Hits are items (a title, a section, a point, a quote...): highlight() marks the matches, and items
 * inside a column are kept apart by a paragraph separator the tokenizer ignores. When few briefings
 * match, each answers with its matching items, best first; when many do, each answers once.
 *
 * User input never reaches FTS5 syntax: it is parsed into terms (a word, or a phrase where the user
 * put quotes), each one quoted. Operator words (AND, OR, NOT, NEAR) and stop words ("and", "the",
 * "it") are not terms: nearly every item has them, so they would make every item a hit.
 *
 * The work per query is bounded: at most `maxTerms` terms, and at most `maxFrequentWords` words
 * found in more than `frequentDocs` briefings (each such word walks a doclist as long as the
 * archive); further frequent terms are left out, and the result says which.
 */
import type Database from 'better-sqlite3';
import type { Briefing, SearchHit, SearchResult } from './index.js';

const OPEN = '\uE000';
const CLOSE = '\uE001';
/** Unicode paragraph separator: a separator to unicode61, so it never joins two items' words. */
const SEP = '\u2029';
const ELLIPSIS = '…';

interface Item {
  text: string;
  label?: string;
}

interface ColumnSpec {
  name: string;
  kind: SearchHit['kind'];
  /** bm25 weight: title > quote/heading > summary > point. */
  weight: number;
  items(b: Briefing): Item[];
}

const quoteLine = (q: Briefing['quotes'][number]) => `${q.text} — ${q.speaker}${q.role ? `, ${q.role}` : ''}`;

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'title', kind: 'title', weight: 10, items: (b) => [{ text: b.title }] },
  {
    name: 'quotes',
    kind: 'quote',
    weight: 6,
    items: (b) => b.quotes.map((q) => ({ text: quoteLine(q), label: q.speaker })),
  },
  {
    name: 'headings',
    kind: 'section',
    weight: 6,
    items: (b) => b.sections.map((s) => ({ text: s.heading, label: s.heading })),
  },
  { name: 'summary', kind: 'summary', weight: 3, items: (b) => [{ text: b.summary }] },
  {
    name: 'sections',
    kind: 'section',
    weight: 3,
    items: (b) => b.sections.map((s) => ({ text: s.summary, label: s.heading })),
  },
  {
    name: 'points',
    kind: 'point',
    weight: 2,
    items: (b) => b.sections.flatMap((s) => s.points.map((p) => ({ text: p, label: s.heading }))),
  },
  {
    name: 'ahead',
    kind: 'lookahead',
    weight: 3,
    items: (b) =>
      b.looking_ahead.map((l) => ({
        text: l.text,
        ...(l.horizon !== undefined ? { label: String(l.horizon) } : {}),
      })),
  },
];
const HEADINGS = COLUMNS.findIndex((c) => c.name === 'headings');
const SECTIONS = COLUMNS.findIndex((c) => c.name === 'sections');

/** Porter stems English words; unicode61 with diacritics removed lets "economie" find "économie". */
const TOKENIZE = 'porter unicode61 remove_diacritics 2';

/**
 * Letters unicode61 does not fold because Unicode gives them no decomposition ("ø" is not "o" plus
 * a mark), so "tromso" would never find "Tromsø". Each maps to one UTF-16 unit: the folded text
 * is as long as the original, so highlights made on it fit the original exactly.
 */
const FOLD: Readonly<Record<string, string>> = {
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŧ: 't',
  Ŧ: 'T',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'g');
export const foldLetters = (text: string): string => text.replace(FOLD_RE, (c) => FOLD[c] ?? c);

/** Puts the markers of a highlight made on `foldLetters(original)` back into `original`. */
function unfold(marked: string, original: string): string {
  let out = '';
  let at = 0;
  for (const c of marked) {
    if (c === OPEN || c === CLOSE) out += c;
    else {
      const length = c.length;
      out += original.slice(at, at + length);
      at += length;
    }
  }
  return out + original.slice(at);
}

/** Capitalised, these are FTS5 operators a user may type out of habit; they are never terms. */
const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR']);

/**
 * Words in nearly every English sentence. Left out on purpose: "us" (the United States), "who"
 * (the WHO), "may" (the month), "will", "no", "all": they carry meaning in a briefing.
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor of in on at to for from by with as is are was were be been being it its ' +
    'this that these those there their they them he she his her him we our you your i me my do does ' +
    'did not so than then too very can could would should has have had into onto over about what ' +
    'which whom how when where why if also just such any some each both other own same s t'
  ).split(' '),
);

export const SEARCH_LIMITS = Object.freeze({
  /** Words and phrases searched for; more are left out. */
  maxTerms: 8,
  maxPhraseWords: 6,
  maxTokenLength: 64,
  /** A word in more briefings than this is frequent: its doclist is long, so it costs. */
  frequentDocs: 1000,
  /** Frequent words kept in one query (a phrase counts each of its frequent words). */
  maxFrequentWords: 2,
  /** Shorter last words are not expanded: with no prefix index, "tre*" can mean hundreds of words (~50 ms). */
  minPrefix: 4,
  maxLimit: 50,
  maxOffset: 1000,
  /**
   * When at most this many briefings match, their matching items are the hits, best first: about
   * `expandedHits` in all, shared out, and at least `hitsPerBriefing` each. Past it, each briefing
   * is one hit, its best item.
   */
  expandBelow: 20,
  expandedHits: 60,
  hitsPerBriefing: 3,
  /** Broader queries rank only the newest this many matching briefings (see `run`). */
  maxRanked: 1000,
  /** Words of an item shown around its first match. */
  snippetWords: 36,
});

const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;

/** A word, or a phrase when the user quoted several words. Words are lower case and folded. */
export interface QueryTerm {
  words: string[];
}

const wordsOf = (text: string): string[] => text.match(WORD_RE) ?? [];
const normalWord = (w: string) => w.slice(0, SEARCH_LIMITS.maxTokenLength).toLowerCase();
export const termText = (term: QueryTerm): string => term.words.join(' ');

/**
 * The terms of what a user typed: text between double quotes is a phrase; elsewhere each word is a
 * term, except operator words and stop words. Punctuation (markdown `**`, `_`, `*`...) is dropped.
 * A query of nothing but stop words searches for them: the user asked for nothing else.
 */
export function parseQuery(query: string): QueryTerm[] {
  const parts = foldLetters(query.normalize('NFC')).split(/["“”]/);
  const terms: QueryTerm[] = [];
  const stops: QueryTerm[] = [];
  parts.forEach((part, i) => {
    // An unclosed quote quotes nothing: the text after it is plain words.
    const quoted = i % 2 === 1 && i < parts.length - 1;
    const words = wordsOf(part);
    if (quoted) {
      if (words.length > 0)
        terms.push({ words: words.slice(0, SEARCH_LIMITS.maxPhraseWords).map(normalWord) });
      return;
    }
    for (const word of words) {
      if (OPERATORS.has(word)) continue;
      const w = normalWord(word);
      (STOP_WORDS.has(w) ? stops : terms).push({ words: [w] });
    }
  });
  const seen = new Set<string>();
  return (terms.length > 0 ? terms : stops)
    .filter((t) => {
      const key = termText(t);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, SEARCH_LIMITS.maxTerms);
}

/**
 * The FTS5 MATCH expression for the terms: every term a quoted string (a phrase when it has several
 * words), so `"`, `*`, `NEAR(`, `-`, `OR` and `col:` are plain text. `prefixLast` makes the last
 * term match as a prefix.
 */
export function toMatchExpression(
  terms: readonly QueryTerm[],
  mode: 'all' | 'any',
  prefixLast = false,
): string {
  return terms
    .map((t, i) => `"${termText(t)}"${prefixLast && i === terms.length - 1 ? '*' : ''}`)
    .join(mode === 'all' ? ' AND ' : ' OR ');
}

const escapePlain = (text: string): string =>
  text
    // Discord's markdown treats a backslash before any ASCII punctuation as an escape.
    .replace(/[\\*_~`|<[\]]/g, '\\$&')
    // A zero-width space after @ defuses @everyone, @here and <@id>/<@&id> even if a renderer
    // forgets allowed_mentions.
    .replace(/@/g, '@\u200b');

/** A URL, markers included: a backslash or bold inside a link would break it. */
const URL_RE = /https?:\/\/[^\s<>]+/g;

/**
 * Turns marked text (matches between private-use markers) into Discord markdown on one line:
 * markdown and mentions escaped, matches in bold, URLs left intact (unescaped, never bolded).
 */
export function formatSnippet(marked: string): string {
  const line = marked.replace(/\s+/g, ' ').trim();
  let out = '';
  let open = false;
  const text = (span: string) => {
    for (const part of span.split(/([\uE000\uE001])/)) {
      if (part === OPEN || part === CLOSE) {
        if (open !== (part === OPEN)) out += '**';
        open = part === OPEN;
      } else {
        out += escapePlain(part);
      }
    }
  };
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    text(line.slice(last, m.index));
    if (open) out += '**';
    for (const marker of m[0].match(/[\uE000\uE001]/g) ?? []) open = marker === OPEN;
    out += m[0].replace(/[\uE000\uE001]/g, '');
    if (open) out += '**';
    last = m.index + m[0].length;
  }
  text(line.slice(last));
  if (open) out += '**';
  // Block syntax only bites at the start of a line: "# heading", "- item", "> quote", "1. item".
  return out.replace(/^(\*\*)?(?:([#>+-])|(\d+)\.)/, (_m, bold = '', mark?: string, digits?: string) =>
    mark !== undefined ? `${bold}\\${mark}` : `${bold}${digits}\\.`,
  );
}

/** At most `SEARCH_LIMITS.snippetWords` words of a marked item, starting a little before the first match. */
function window(marked: string): string {
  const words = marked.split(/\s+/).filter((w) => w !== '');
  const max = SEARCH_LIMITS.snippetWords;
  if (words.length <= max) return words.join(' ');
  const first = Math.max(
    0,
    words.findIndex((w) => w.includes(OPEN)),
  );
  const start = Math.max(0, Math.min(first - 6, words.length - max));
  const end = start + max;
  let text = words.slice(start, end).join(' ');
  // A cut through a match must not leave a dangling marker at the start.
  const close = text.indexOf(CLOSE);
  const openAt = text.indexOf(OPEN);
  if (close !== -1 && (openAt === -1 || close < openAt)) text = OPEN + text;
  return `${start > 0 ? ELLIPSIS : ''}${text}${end < words.length ? ELLIPSIS : ''}`;
}

/** Text reduced to what the tokenizer compares: folded, without marks, lower case, single spaces. */
const bare = (text: string): string =>
  foldLetters(text).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');

const commonPrefix = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/**
 * Which terms the marked text matches. A match is a stemmed form ("talks" for "talk") or a whole
 * phrase, so each is credited to the term it shares the longest beginning with.
 */
function matchedTerms(marked: string, terms: readonly string[]): Set<number> {
  const found = new Set<number>();
  for (const m of marked.matchAll(/\uE000([^\uE001]*)\uE001/g)) {
    const text = bare(m[1] ?? '');
    let best = 0;
    let bestLength = -1;
    terms.forEach((term, i) => {
      const length = commonPrefix(text, term);
      if (length > bestLength) [best, bestLength] = [i, length];
    });
    found.add(best);
  }
  return found;
}

/** An item of a briefing that matched, and how many of the query's terms it has. */
type ItemHit = Omit<SearchHit, 'briefing' | 'score'> & { terms: number };
const withoutTerms = ({ terms: _, ...hit }: SearchHit & { terms: number }): SearchHit => hit;

/**
 * The items of a briefing that match, best first: most of the query's terms, then column weight,
 * then document order. A section is one item, whether its heading, its summary or both matched.
 */
function matchingItems(
  briefing: Briefing,
  marked: readonly string[],
  terms: readonly string[],
  max: number,
): ItemHit[] {
  const parts = marked.map((text) => text.split(SEP));
  const sectionParts = (index: number) => [parts[HEADINGS]?.[index] ?? '', parts[SECTIONS]?.[index] ?? ''];
  const found: { words: number; column: number; index: number }[] = [];
  const sectionsSeen = new Set<number>();
  parts.forEach((columnParts, column) => {
    const isSection = column === HEADINGS || column === SECTIONS;
    columnParts.forEach((part, index) => {
      if (!part.includes(OPEN)) return;
      if (isSection) {
        if (sectionsSeen.has(index)) return;
        sectionsSeen.add(index);
      }
      const words = isSection
        ? new Set(sectionParts(index).flatMap((p) => [...matchedTerms(p, terms)])).size
        : matchedTerms(part, terms).size;
      // A section ranks as its heading when the heading matched, else as a section summary.
      const rankAs = isSection && parts[HEADINGS]?.[index]?.includes(OPEN) ? HEADINGS : column;
      found.push({ words, column: rankAs, index });
    });
  });
  found.sort((a, b) => b.words - a.words || a.column - b.column || a.index - b.index);
  // Only the items shown are cut to a window and formatted: that is most of the work per hit.
  return found.slice(0, max).flatMap(({ words, column, index }) => {
    const spec = COLUMNS[column];
    if (!spec) return [];
    const label = spec.items(briefing)[index]?.label;
    const [heading, summary] = sectionParts(index);
    // A section reads as "heading — summary", whichever of the two matched.
    const text =
      column === HEADINGS || column === SECTIONS
        ? `${heading} — ${window(summary ?? '')}`
        : window(parts[column]?.[index] ?? '');
    return [
      {
        kind: spec.kind,
        ...(label !== undefined ? { label } : {}),
        snippet: formatSnippet(text),
        terms: words,
      },
    ];
  });
}

const MAX_ROWID = Number.MAX_SAFE_INTEGER;

const clean = (text: string): string => text.replace(/[\uE000\uE001\u2029]/g, ' ');

/** One column's text: what is indexed, and what FTS5 reads back to highlight, so the two always agree. */
const columnText = (briefing: Briefing, column: ColumnSpec): string =>
  column
    .items(briefing)
    .map((i) => clean(i.text))
    .join(` ${SEP} `);

/** Each search column's text for a briefing, as indexed (before `foldLetters`). */
export const searchColumns = (briefing: Briefing): string[] => COLUMNS.map((c) => columnText(briefing, c));

/** Full-text search over one snapshot's published briefings. */
export interface SearchIndex {
  search(query: string, options?: { limit?: number; offset?: number }): SearchResult;
  /** Briefings searched. */
  readonly size: number;
}

export interface SearchOptions {
  /** Past this many matching briefings, only the newest this many are ranked; default 1000. */
  maxRanked?: number;
  /** A word in more briefings than this is frequent; default `SEARCH_LIMITS.frequentDocs`. */
  frequentDocs?: number;
  /** Up to this many matching briefings, each answers with several hits; default 20. */
  expandBelow?: number;
}

/** The full-text index inside the archive's database, shared by every snapshot built on it. */
export interface Fts {
  /**
   * Indexes a published briefing stored at `row` (rows are newest first, see archive.ts), given
   * its `searchColumns` with `foldLetters` applied.
   */
  add(row: number, columns: readonly string[]): void;
  /** Takes a row out of the index; `briefing` must be what was added. */
  remove(row: number, briefing: Briefing): void;
  /**
   * A search over exactly `members` (row to briefing): one snapshot's published briefings. Rows
   * other snapshots or processes added are never answered, nor counted.
   */
  index(
    members: ReadonlyMap<number, Briefing>,
    folded: ReadonlySet<number>,
    options?: SearchOptions,
  ): SearchIndex;
}

/**
 * Creates (if need be) the index in `db`, beside the archive's `briefings` table. The index is
 * external-content: FTS5 reads a row's text, only to highlight a hit, through a view that asks
 * `textOf` for the briefing, so the text is stored once.
 */
export function createFts(db: Database.Database, textOf: (row: number) => Briefing | undefined): Fts {
  const names = COLUMNS.map((c) => c.name);
  /** The snapshot being searched: its rows are the only answers. */
  let active: ReadonlyMap<number, Briefing> | undefined;
  db.function('briefing_text', { deterministic: true }, (row: unknown, column: unknown) => {
    const briefing = active?.get(Number(row)) ?? textOf(Number(row));
    const spec = COLUMNS[Number(column)];
    return briefing && spec ? foldLetters(columnText(briefing, spec)) : null;
  });
  db.function('in_snapshot', { deterministic: false }, (row: unknown) => (active?.has(Number(row)) ? 1 : 0));
  db.exec(
    `CREATE VIEW IF NOT EXISTS briefing_text AS SELECT row AS rowid, ${names.map((n, i) => `briefing_text(row, ${i}) AS ${n}`).join(', ')} FROM main.briefings WHERE published = 1`,
  );
  const created =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'docs'").get() === undefined;
  // No prefix index: prefixes are only tried when a word is not found, and it would cost memory.
  db.exec(
    `CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(${names.join(', ')}, content = 'briefing_text', content_rowid = 'rowid', tokenize = '${TOKENIZE}')`,
  );
  const weights = COLUMNS.map((c) => c.weight.toFixed(1)).join(', ');
  if (created) {
    // FTS5 flushes its in-memory term list to a new segment every 1 MB by default, and merges them
    // as it goes; 16 MB measured 13% less CPU for a 10,000-briefing build, for ~8 MB more while
    // building. A literal: better-sqlite3 binds JS numbers as REAL, which FTS5 refuses here.
    db.exec(`INSERT INTO docs(docs, rank) VALUES ('hashsize', ${16 * 1024 * 1024})`);
    db.prepare(`INSERT INTO docs(docs, rank) VALUES ('rank', ?)`).run(`bm25(${weights})`);
  }
  const insert = db.prepare(
    `INSERT INTO docs(rowid, ${names.join(', ')}) VALUES (CAST(? AS INTEGER), ${names.map(() => '?').join(', ')})`,
  );
  const remove = db.prepare(
    `INSERT INTO docs(docs, rowid, ${names.join(', ')}) VALUES ('delete', CAST(? AS INTEGER), ${names.map(() => '?').join(', ')})`,
  );
  const indexed = db.prepare<[], number>('SELECT count(*) FROM main.briefings WHERE published = 1').pluck();
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let ownWrites = 0;

  const highlightColumns = highlightColumnsOf(names);
  // Two sets of statements: while the index holds only the snapshot's rows, none needs to ask
  // which rows are its; once a reload or another process has added rows, each does.
  const everyRow = prepareQueries(db, weights, highlightColumns, '');
  const snapshotRows = prepareQueries(db, weights, highlightColumns, ' AND in_snapshot(rowid)');
  const highlightRow = db
    .prepare<[string, number], string[]>(
      `SELECT ${highlightColumns} FROM docs WHERE docs MATCH ? AND rowid = CAST(? AS INTEGER)`,
    )
    .raw(true);

  const columnsOf = (briefing: Briefing) => searchColumns(briefing).map(foldLetters);

  return {
    add(row, columns) {
      insert.run(row, ...columns);
      ownWrites++;
    },
    remove(row, briefing) {
      remove.run(row, ...columnsOf(briefing));
      ownWrites++;
    },
    index(members, folded, options = {}) {
      let seen = '';
      let rows = everyRow;
      /** The statements for this snapshot: filtered only while the index holds other rows. */
      const current = () => {
        const version = `${dataVersion.get()}:${ownWrites}`;
        if (version !== seen) {
          seen = version;
          rows = indexed.get() === members.size ? everyRow : snapshotRows;
        }
        return rows;
      };
      const search = createSearch(members, folded, highlightRow, options);
      return {
        get size() {
          return members.size;
        },
        search(query, searchOptions) {
          active = members;
          try {
            return search(current(), query, searchOptions);
          } finally {
            active = undefined;
          }
        },
      };
    },
  };
}

const highlightColumnsOf = (names: readonly string[]): string =>
  names.map((_, i) => `highlight(docs, ${i}, '${OPEN}', '${CLOSE}')`).join(', ');

/** The queries of a search; `only` narrows every one to some rows. */
const prepareQueries = (db: Database.Database, weights: string, highlightColumns: string, only: string) => ({
  exists: db.prepare<[string], number>(`SELECT 1 FROM docs WHERE docs MATCH ?${only} LIMIT 1`).pluck(),
  // The newest matches (rows are numbered newest first), then a count of the rest past the last of
  // them: one walk of the doclists instead of a count and then a walk to the newest `maxRanked`th.
  // A phrase pays for every row it visits (~2 µs a row for a phrase of two common words), so this
  // halves its cost; a plain word's doclist is cheap to walk either way.
  newest: db
    .prepare<[string, number], number>(
      `SELECT rowid FROM docs WHERE docs MATCH ?${only} ORDER BY rowid LIMIT CAST(? AS INTEGER)`,
    )
    .pluck(),
  countAfter: db
    .prepare<[string, number], number>(
      `SELECT count(*) FROM docs WHERE docs MATCH ? AND rowid > CAST(? AS INTEGER)${only}`,
    )
    .pluck(),
  // Stops counting at the limit: telling a frequent word from a rare one costs at most that many rows.
  countUpTo: db
    .prepare<[string, number], number>(
      `SELECT count(*) FROM (SELECT 1 FROM docs WHERE docs MATCH ?${only} LIMIT CAST(? AS INTEGER))`,
    )
    .pluck(),
  // Two ways to a page of hits, measured at 10,000 briefings. For whole words, ordering by an
  // explicit bm25() and then highlighting each hit by rowid costs ~5 ms for a word in every
  // briefing, against ~8 ms through FTS5's `rank`. A prefix query re-expands the prefix on every
  // rowid lookup (~1 ms each), so there the `rank` path, which highlights in the same pass, wins.
  // better-sqlite3 binds JS numbers as REAL, and FTS5 mishandles `rowid = <real>`: it dropped
  // the constraint and answered with the first matching row. Every rowid parameter is cast.
  pageByBm25: db.prepare<[string, number, number, number], { rowid: number; rank: number }>(
    `SELECT rowid, bm25(docs, ${weights}) AS rank FROM docs WHERE docs MATCH ? AND rowid <= CAST(? AS INTEGER)${only} ORDER BY rank LIMIT ? OFFSET ?`,
  ),
  pageByRank: db
    .prepare<[string, number, number, number], unknown[]>(
      `SELECT rowid, rank, ${highlightColumns} FROM docs WHERE docs MATCH ? AND rowid <= CAST(? AS INTEGER)${only} ORDER BY rank LIMIT ? OFFSET ?`,
    )
    .raw(true),
});
type Statements = ReturnType<typeof prepareQueries>;

function createSearch(
  byRow: ReadonlyMap<number, Briefing>,
  foldedRows: ReadonlySet<number>,
  highlightRow: Database.Statement<[string, number], string[]>,
  options: SearchOptions,
) {
  const maxRanked = Math.max(1, options.maxRanked ?? SEARCH_LIMITS.maxRanked);
  const expandBelow = Math.max(0, options.expandBelow ?? SEARCH_LIMITS.expandBelow);
  const frequentDocs = Math.max(0, options.frequentDocs ?? SEARCH_LIMITS.frequentDocs);

  return (sql: Statements, query: string, searchOptions: { limit?: number; offset?: number } = {}) => {
    const rawPage = (match: string, prefix: boolean, upTo: number, limit: number, offset: number) =>
      prefix
        ? (sql.pageByRank.all(match, upTo, limit, offset) as [number, number, ...string[]][]).map(
            ([rowid, rank, ...marked]) => ({ rowid, rank, marked }),
          )
        : sql.pageByBm25
            .all(match, upTo, limit, offset)
            .map(({ rowid, rank }) => ({ rowid, rank, marked: highlightRow.get(match, rowid) ?? [] }));
    /** A page of matching briefings, their columns highlighted in the original (unfolded) text. */
    const pageOf = (match: string, prefix: boolean, upTo: number, limit: number, offset: number) =>
      rawPage(match, prefix, upTo, limit, offset).flatMap(({ rowid, rank, marked }) => {
        const briefing = byRow.get(rowid);
        if (!briefing) return [];
        if (!foldedRows.has(rowid)) return [{ briefing, rank, marked }];
        const original = marked.map((m, i) => {
          const spec = COLUMNS[i];
          return spec ? unfold(m, columnText(briefing, spec)) : m;
        });
        return [{ briefing, rank, marked: original }];
      });

    const isFrequent = (match: string) =>
      frequentDocs < byRow.size && (sql.countUpTo.get(match, frequentDocs + 1) ?? 0) > frequentDocs;

    /**
     * The terms worth their cost: each frequent word walks a doclist as long as the archive, so
     * only the first `maxFrequentWords` of them are kept (phrases count each of theirs); the rest
     * are named in `ignored`. Rare words are always kept: they are cheap and they are what narrows.
     */
    const affordable = (terms: QueryTerm[]) => {
      const kept: QueryTerm[] = [];
      const ignored: string[] = [];
      let frequent = 0;
      for (const term of terms) {
        const cost = [...new Set(term.words)].filter((w) => isFrequent(`"${w}"`)).length;
        if (cost > 0 && frequent + cost > SEARCH_LIMITS.maxFrequentWords) {
          ignored.push(termText(term));
          continue;
        }
        frequent += cost;
        kept.push(term);
      }
      return { kept, ignored, frequentLeft: SEARCH_LIMITS.maxFrequentWords - frequent };
    };

    /**
     * Whether the last term is widened to a prefix: "recon" finds "reconstruction", but a word that
     * exists as typed is not widened ("port" ≠ "Portugal"), nor is a phrase. A prefix shared by
     * many briefings ("stra") merges the doclists of every word it starts, on every statement of
     * the query, so it is one of the frequent words the query may afford.
     */
    const widenLast = (terms: QueryTerm[], frequentLeft: number): boolean => {
      const last = terms.at(-1);
      const word = last?.words.length === 1 ? (last.words[0] ?? '') : '';
      if (word.length < SEARCH_LIMITS.minPrefix || sql.exists.get(`"${word}"`) !== undefined) return false;
      return frequentLeft > 0 || !isFrequent(`"${word}"*`);
    };

    const run = (
      match: string,
      prefix: boolean,
      terms: readonly string[],
      limit: number,
      offset: number,
    ): SearchResult => {
      const newest = sql.newest.all(match, maxRanked);
      const last = newest.at(-1);
      if (last === undefined) return { total: 0, hits: [] };
      const matched =
        newest.length + (newest.length < maxRanked ? 0 : (sql.countAfter.get(match, last) ?? 0));
      if (matched <= expandBelow) {
        // Few briefings match: show where in each, so one briefing can answer with several hits.
        const each = Math.max(
          SEARCH_LIMITS.hitsPerBriefing,
          Math.floor(SEARCH_LIMITS.expandedHits / matched),
        );
        const hits = pageOf(match, prefix, MAX_ROWID, matched, 0).flatMap(({ briefing, rank, marked }) =>
          matchingItems(briefing, marked, terms, each).map((item) => ({ briefing, ...item, score: -rank })),
        );
        // Hits with more of the terms first, across briefings; the sort is stable, so ties keep rank.
        hits.sort((a, b) => b.terms - a.terms);
        // Items holding every term answer the query; those holding only some of it are shown only
        // when no single item holds all (the terms are then spread over a briefing's items).
        const whole = hits[0]?.terms === terms.length ? hits.filter((h) => h.terms === terms.length) : hits;
        return { total: whole.length, hits: whole.slice(offset, offset + limit).map(withoutTerms) };
      }
      if (offset >= matched) return { total: matched, hits: [] };
      // bm25 costs ~0.5 µs per matching briefing and term (several times that on a busy machine),
      // so a word found in every one of 10,000 briefings would take ~6 ms to rank. Past `maxRanked`
      // matches, only the newest `maxRanked` are ranked (rows are numbered newest first): the most
      // relevant of the recent ones.
      const upTo = matched > maxRanked ? last : MAX_ROWID;
      const hits: SearchHit[] = [];
      for (const { briefing, rank, marked } of pageOf(match, prefix, upTo, limit, offset)) {
        const [item] = matchingItems(briefing, marked, terms, 1);
        if (item) hits.push(withoutTerms({ briefing, ...item, score: -rank }));
      }
      return { total: matched, hits };
    };

    const limit = Math.min(Math.max(1, Math.floor(searchOptions.limit ?? 10)), SEARCH_LIMITS.maxLimit);
    const offset = Math.min(Math.max(0, Math.floor(searchOptions.offset ?? 0)), SEARCH_LIMITS.maxOffset);
    const { kept, ignored, frequentLeft } = affordable(parseQuery(query));
    const also = ignored.length > 0 ? { ignored } : {};
    if (kept.length === 0) return { total: 0, hits: [], ...also };
    const keys = kept.map((t) => bare(termText(t)));
    const prefix = widenLast(kept, frequentLeft);
    const all = run(toMatchExpression(kept, 'all', prefix), prefix, keys, limit, offset);
    if (all.total > 0 || kept.length === 1) return { ...all, ...also };
    // Nothing has every term: rank what has some of them rather than answer "no results".
    return { ...run(toMatchExpression(kept, 'any', prefix), prefix, keys, limit, offset), ...also };
  };
}
