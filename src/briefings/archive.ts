/**
 * The archive: where briefing text lives, outside the JS heap.
 *
 * One SQLite database (better-sqlite3) holds every briefing that passed its file's checks, keyed
 * by a hash of the file's name and bytes, with the full-text index over the published ones. The
 * heap keeps a record per briefing: ids, titles, sources, dates, themes, headings, quotes and
 * looking-ahead items (what every index and most answers need, about a tenth of the text). The
 * long text (the briefing's summary, each section's summary and points) is read back from the
 * database when an answer shows it, and the last few hundred are kept parsed.
 *
 * Beside `STATE_DIR` the database is a cache that outlives the process: it also remembers each
 * file's stamp when its bytes were read (`seen`, see load/file-task.ts), so a restart reads only
 * the files whose stamp changed, and parses and validates only those whose bytes changed. A
 * database written under other validation rules (see `rules`), or one SQLite cannot read, is
 * discarded with a warning and rebuilt, never trusted.
 *
 * Rows are never changed, only added: a file edited gets a new row, so a snapshot still
 * answering from the old version keeps its text until a reload replaces it. Rows no snapshot
 * has used for `KEEP_UNUSED_MS` are collected; the delay lets several processes share the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Briefing, LookaheadItem, Section } from './index.js';
import { createFts, type Fts, foldLetters, searchColumns } from './search.js';

/** A row nobody has used for a week is collected. */
const KEEP_UNUSED_MS = 7 * 24 * 3600 * 1000;
/** Rows in use are marked at most this often, so a restart does not rewrite them all. */
const MARK_EVERY_MS = 3600 * 1000;
/** Long text parsed and kept, most recently used first. */
const BODIES_KEPT = 512;
/** Bumped when the layout of the tables changes. */
const FORMAT = '2';

/** What is kept in the heap of a section: its long text is read on demand. */
interface OutlineSection {
  heading: string;
  themes: string[];
}

/** The stored record of a briefing, without its long text. */
interface Outline {
  briefing: Omit<Briefing, 'summary' | 'sections'> & { sections: OutlineSection[] };
  /** Characters of each section's summary and points: enough to lay out pages without the text. */
  sizes: number[];
  /** Each looking-ahead item's key (see LookaheadEntry.key). */
  keys: string[];
  /** Whether a letter `foldLetters` changes appears in the indexed text. */
  folded: boolean;
}

/** The long text. */
interface Body {
  summary: string;
  sections: { summary: string; points: string[] }[];
}

export interface ArchiveOptions {
  /** The database file; default a temporary one, removed by `close()`. */
  file?: string;
  /** Fingerprint of the rules that validated the stored briefings: a file written under others is discarded. */
  rules: string;
  warn?: (detail: object, message: string) => void;
  /** For tests: the clock that marks rows used. */
  now?: () => number;
}

export interface Archive {
  readonly file: string;
  /** The stored briefing for this key (see `archiveKey`), if any. */
  find(key: string): Briefing | undefined;
  /** Stores a briefing that passed its file's checks; returns the record to use in its place. */
  put(key: string, briefing: Briefing): Briefing;
  /**
   * What the cache last knew of the file at `path`: its stamp (see file-task.ts) when its bytes,
   * stored under `key`, were read, and when that was (epoch ms).
   */
  seen(path: string): { stamp: string; key: string; checked: number } | undefined;
  /** Remembers that the file at `path`, with `stamp` at `checked`, holds the bytes stored under `key`. */
  saw(path: string, stamp: string, key: string, checked: number): void;
  /** Whether the briefing is one of this archive's records. */
  holds(briefing: Briefing): boolean;
  /** Runs `fn` in one write transaction: a load's puts, committed together. */
  batch<T>(fn: () => T): T;
  /** Marks the records in use (a snapshot was built from them) and collects rows long unused. */
  use(records: readonly Briefing[]): void;
  /** The full-text index, shared by every snapshot built on this archive. */
  readonly fts: Fts;
  close(): void;
}

/** The key a file's briefing is stored under: its name (the id it must declare) and its bytes. */
export const archiveKey = (expectedId: string, bytes: Uint8Array): string =>
  createHash('sha256').update(expectedId).update('\0').update(bytes).digest('base64url');

interface Owner {
  row: number;
  outline: Outline;
  archive: ArchiveInternals;
  /** When the row was last marked in use, as far as this process knows. */
  used: number;
}

interface ArchiveInternals {
  body(row: number): Body;
}

/**
 * A section whose summary and points are read from the archive when asked for. They are getters
 * on the class, not copies: spreading a section or passing it to JSON.stringify leaves them out.
 */
class SectionRecord {
  readonly heading: string;
  readonly themes: string[];
  readonly #owner: Owner;
  readonly #index: number;
  constructor(owner: Owner, index: number, outline: OutlineSection) {
    this.heading = outline.heading;
    this.themes = Object.freeze(outline.themes) as string[];
    this.#owner = owner;
    this.#index = index;
    Object.freeze(this);
  }
  #text() {
    const section = this.#owner.archive.body(this.#owner.row).sections[this.#index];
    if (!section) throw new Error(`archive: row ${this.#owner.row} has no section ${this.#index}`);
    return section;
  }
  get summary(): string {
    return this.#text().summary;
  }
  get points(): string[] {
    return this.#text().points;
  }
}

/** Records made by an archive: the way back to their row. */
const owners = new WeakMap<object, Owner>();

/**
 * Freezes a value and everything in it. Indexed loops rather than Object.values: over a whole
 * archive (about a million objects and arrays) the copies Object.values makes cost more than the
 * freezing itself.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}

/** A briefing whose long text stays in the archive; it reads like any other Briefing. */
/**
 * A briefing whose long text stays in the archive; it reads like any other Briefing. One class, with
 * its fields in one order, so that every record has the same shape: the indexes and the views read
 * their ids, dates and titles in tight loops over thousands of them.
 */
class BriefingRecord {
  declare readonly summary: string;
  readonly id: string;
  readonly status: Briefing['status'];
  readonly title: string;
  readonly source: Briefing['source'];
  readonly published: string;
  readonly location: string | undefined;
  readonly sections: readonly SectionRecord[];
  readonly quotes: Briefing['quotes'];
  readonly looking_ahead: Briefing['looking_ahead'];
  readonly #owner: Owner;
  /** An own, enumerable property, as a briefing's summary is, read from the archive when asked. */
  static readonly #summary: PropertyDescriptor = {
    enumerable: true,
    get(this: BriefingRecord) {
      return this.#owner.archive.body(this.#owner.row).summary;
    },
  };
  constructor(owner: Owner) {
    const b = owner.outline.briefing;
    this.#owner = owner;
    this.id = b.id;
    this.status = b.status;
    this.title = b.title;
    this.source = deepFreeze(b.source);
    this.published = b.published;
    this.location = b.location;
    Object.defineProperty(this, 'summary', BriefingRecord.#summary);
    this.sections = Object.freeze(b.sections.map((s, i) => new SectionRecord(owner, i, s)));
    this.quotes = deepFreeze(b.quotes);
    this.looking_ahead = deepFreeze(b.looking_ahead);
    Object.freeze(this);
  }
}

function recordOf(owner: Owner): Briefing {
  const record = new BriefingRecord(owner) as unknown as Briefing;
  owners.set(record, owner);
  return record;
}

/** The row of a record this archive made, and what is stored beside it. */
export const recordInfo = (
  briefing: Briefing,
): { row: number; size(section: number): number; key(item: number): string; folded: boolean } | undefined => {
  const owner = owners.get(briefing);
  if (!owner) return undefined;
  const { outline } = owner;
  return {
    row: owner.row,
    size: (i) => outline.sizes[i] ?? 0,
    key: (i) => outline.keys[i] ?? '',
    folded: outline.folded,
  };
};

/** Stable across reloads: the item's place in its briefing, hashed with its text. */
const lookaheadKey = (briefingId: string, index: number, text: string): string =>
  `${briefingId}#${index}:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;

/** Characters of a section's summary and points, as `SectionEntry.size` reports them. */
export const sectionSize = (s: Section): number =>
  s.summary.length + s.points.reduce((n, p) => n + p.length + 3, 2);

/**
 * Rows are numbered newest first: the publication day, counted back from the year 9999, times
 * 2^20, plus the order the day's briefings were stored in. Full-text search ranks only the newest
 * matches of a common word by looking at row numbers alone.
 */
const DAY_SLOTS = 2 ** 20;
const dayBase = (published: string): number => {
  const [y = '0', m = '0', d = '0'] = published.split('-');
  return (99991231 - (Number(y) * 10000 + Number(m) * 100 + Number(d))) * DAY_SLOTS;
};

const split = (briefing: Briefing): { outline: Outline; body: Body; folded: string[] } => {
  const { summary, sections, ...rest } = briefing;
  const texts = searchColumns(briefing);
  const folded = texts.map(foldLetters);
  return {
    outline: {
      briefing: { ...rest, sections: sections.map((s) => ({ heading: s.heading, themes: [...s.themes] })) },
      sizes: sections.map(sectionSize),
      keys: briefing.looking_ahead.map((item: LookaheadItem, i) => lookaheadKey(briefing.id, i, item.text)),
      folded: folded.some((t, i) => t !== texts[i]),
    },
    body: { summary, sections: sections.map((s) => ({ summary: s.summary, points: [...s.points] })) },
    folded,
  };
};

const isCorrupt = (e: unknown): boolean =>
  typeof e === 'object' &&
  e !== null &&
  'code' in e &&
  typeof e.code === 'string' &&
  /^SQLITE_(CORRUPT|NOTADB|FORMAT)/.test(e.code);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS briefings(
    row INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    published INTEGER NOT NULL,
    outline TEXT NOT NULL,
    body TEXT NOT NULL,
    used INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS briefings_used ON briefings(used);
  CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    key TEXT NOT NULL,
    checked INTEGER NOT NULL
  );
`;

function openDatabase(file: string, rules: string, warn: ArchiveOptions['warn']): Database.Database {
  const open = () => {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      const stored = db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck();
      const format = stored.get('format');
      const storedRules = stored.get('rules');
      if (format !== undefined && (format !== FORMAT || storedRules !== rules)) {
        db.close();
        return 'outdated' as const;
      }
      if (format === undefined) {
        const set = db.prepare('INSERT OR REPLACE INTO settings(name, value) VALUES (?, ?)');
        db.transaction(() => {
          set.run('format', FORMAT);
          set.run('rules', rules);
        })();
      }
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  };
  const discard = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  };
  try {
    const db = open();
    if (db !== 'outdated') return db;
    warn?.({ file }, 'the briefing cache was written under other validation rules: rebuilding it');
  } catch (e) {
    if (!isCorrupt(e)) throw e;
    warn?.(
      { file, reason: e instanceof Error ? e.message : String(e) },
      'the briefing cache cannot be read: discarding it and rebuilding',
    );
  }
  discard();
  const db = open();
  if (db === 'outdated') throw new Error(`cannot reset the briefing cache ${file}`);
  return db;
}

export function openArchive(options: ArchiveOptions): Archive {
  const temporary = options.file === undefined ? mkdtempSync(join(tmpdir(), 'attache-archive-')) : undefined;
  const file = options.file ?? join(temporary ?? '', 'briefings.sqlite');
  const now = options.now ?? Date.now;
  const warn = options.warn;
  const db = openDatabase(file, options.rules, warn);
  // Text is read on a second connection: the full-text index asks for a row's text from inside a
  // query (to highlight a hit), when the first connection cannot run another statement.
  const reader = new Database(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');

  const findRow = db.prepare<[string], { row: number; outline: string; used: number }>(
    'SELECT row, outline, used FROM briefings WHERE key = ?',
  );
  const lastOfDay = db
    .prepare<[number, number], number | null>('SELECT max(row) FROM briefings WHERE row >= ? AND row < ?')
    .pluck();
  const insert = db.prepare(
    'INSERT INTO briefings(row, key, published, outline, body, used) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const bodyOf = reader.prepare<[number], string>('SELECT body FROM briefings WHERE row = ?').pluck();
  const outlineOf = reader.prepare<[number], { outline: string; used: number }>(
    'SELECT outline, used FROM briefings WHERE row = ?',
  );
  const markUsed = db.prepare('UPDATE briefings SET used = ? WHERE row = ? AND used < ?');
  const unused = db.prepare<[number], { row: number; published: number }>(
    'SELECT row, published FROM briefings WHERE used < ?',
  );
  const remove = db.prepare('DELETE FROM briefings WHERE row = ?');

  const bodies = new Map<number, Body>();
  const internals: ArchiveInternals = {
    body(row) {
      const kept = bodies.get(row);
      if (kept) {
        // Most recently used last: a Map keeps insertion order.
        bodies.delete(row);
        bodies.set(row, kept);
        return kept;
      }
      const json = bodyOf.get(row);
      if (json === undefined) throw new Error(`archive: briefing row ${row} is gone from ${file}`);
      const body = deepFreeze(JSON.parse(json) as Body);
      bodies.set(row, body);
      if (bodies.size > BODIES_KEPT) bodies.delete(bodies.keys().next().value as number);
      return body;
    },
  };
  /** The records this process made, so every snapshot shares one object per row. */
  const records = new Map<number, WeakRef<Briefing>>();
  const recordFor = (row: number, outline: string | Outline, used: number): Briefing => {
    const known = records.get(row)?.deref();
    if (known) return known;
    const parsed = typeof outline === 'string' ? (JSON.parse(outline) as Outline) : outline;
    const record = recordOf({ row, outline: parsed, archive: internals, used });
    records.set(row, new WeakRef(record));
    return record;
  };
  const recordAt = (row: number): Briefing | undefined => {
    const known = records.get(row)?.deref();
    if (known) return known;
    const found = outlineOf.get(row);
    return found && recordFor(row, found.outline, found.used);
  };

  const fts = createFts(db, recordAt);

  const saveFile = db.prepare(
    'INSERT INTO files(path, stamp, key, checked) VALUES (?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET stamp = excluded.stamp, key = excluded.key, checked = excluded.checked',
  );
  /** Read once, at the first question: a hint only, since a stamp that matched nothing is re-read. */
  let files: Map<string, { stamp: string; key: string; checked: number }> | undefined;
  const knownFiles = () => {
    if (!files) {
      files = new Map();
      const rows = db
        .prepare<[], { path: string; stamp: string; key: string; checked: number }>(
          'SELECT path, stamp, key, checked FROM files',
        )
        .all();
      for (const { path, ...file } of rows) files.set(path, file);
    }
    return files;
  };
  let closed = false;

  const archive: Archive = {
    file,
    fts,
    find(key) {
      const found = findRow.get(key);
      return found && recordFor(found.row, found.outline, found.used);
    },
    put(key, briefing) {
      return db
        .transaction(() => {
          const found = findRow.get(key);
          if (found) return recordFor(found.row, found.outline, found.used);
          const base = dayBase(briefing.published);
          const last = lastOfDay.get(base, base + DAY_SLOTS);
          const row = last === null || last === undefined ? base : last + 1;
          if (row >= base + DAY_SLOTS)
            throw new Error(`archive: too many briefings on ${briefing.published}`);
          const { outline, body, folded } = split(briefing);
          const published = briefing.status === 'published';
          const outlineJson = JSON.stringify(outline);
          insert.run(row, key, published ? 1 : 0, outlineJson, JSON.stringify(body), now());
          const record = recordFor(row, outlineJson, now());
          if (published) fts.add(row, folded);
          return record;
        })
        .immediate();
    },
    seen: (path) => knownFiles().get(path),
    saw(path, stamp, key, checked) {
      saveFile.run(path, stamp, key, checked);
      knownFiles().set(path, { stamp, key, checked });
    },
    holds: (briefing) => owners.get(briefing)?.archive === internals,
    batch: (fn) => db.transaction(fn).immediate(),
    use(used) {
      const at = now();
      const stale = at - MARK_EVERY_MS;
      const toMark = used.flatMap((record) => {
        const owner = owners.get(record);
        return owner && owner.used < stale ? [owner] : [];
      });
      const unusedRows = unused.all(at - KEEP_UNUSED_MS);
      // Most builds have nothing to write: no write lock, which another process may be holding.
      if (toMark.length === 0 && unusedRows.length === 0) return;
      db.transaction(() => {
        for (const owner of toMark) {
          markUsed.run(at, owner.row, stale);
          owner.used = at;
        }
        // Read again under the lock: another process may have marked a row meanwhile.
        for (const { row, published } of unused.all(at - KEEP_UNUSED_MS)) {
          if (published === 1) {
            const record = recordAt(row);
            if (record) fts.remove(row, record);
          }
          remove.run(row);
          bodies.delete(row);
          records.delete(row);
        }
      }).immediate();
    },
    close() {
      if (closed) return;
      closed = true;
      reader.close();
      db.close();
      if (temporary) rmSync(temporary, { recursive: true, force: true });
    },
  };
  return archive;
}
