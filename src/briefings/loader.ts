/**
 * Loads a data folder (`themes.yaml`, `briefings/*.yaml`) into a LoadResult: every valid briefing
 * and every problem, each pointing at file, line, column and field. A bad file never takes the
 * good ones down.
 *
 * Two stages, so hot reload can reuse the first: `scanData` checks each file on its own (and
 * skips files unchanged since a previous scan); `settle` adds what needs all files together
 * (theme ids against themes.yaml, duplicate briefing ids) and assembles the result.
 */
import { createHash } from 'node:crypto';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closestName } from '../text/nearest.js';
import { type Archive, openArchive } from './archive.js';
import type { Briefing, DataProblem, LoadResult } from './index.js';
import { type BriefingOutcome, type ThemeRef, themeRefsOf } from './load/briefing-file.js';
import { capProblems } from './load/cap.js';
import {
  checkFile,
  type FileResult,
  type FileTask,
  isMissing,
  storeChecked,
  unchangedStamp,
} from './load/file-task.js';
import { MAX_FILE_BYTES } from './load/limits.js';
import { createPacer, mapLimit } from './load/pace.js';
import { decodeUtf8 } from './load/text.js';
import { readThemesFile, type ThemesOutcome } from './load/themes-file.js';
import { type ExactDoc, fieldOf, type Position, parseExact } from './load/yaml-exact.js';

export type { BriefingOutcome } from './load/briefing-file.js';
export type { ThemesOutcome } from './load/themes-file.js';

export interface LoadOptions {
  /** Read every file with the exact reader, not only those the fast path rejects (slower; for tests). */
  exact?: boolean;
  /** Files read at once. */
  concurrency?: number;
  /** Longest stretch of CPU work before yielding to the event loop, in ms. */
  sliceMs?: number;
  /**
   * Where valid briefings are stored, by file name and bytes: a file already stored is not parsed
   * again, and the briefings come back as the archive's records. Without one, nothing is kept.
   */
  archive?: Archive;
}

interface CachedFile {
  stamp: string;
  outcome: BriefingOutcome;
}

export interface DataScan {
  dir: string;
  themes: ThemesOutcome;
  /** One per `briefings/*.yaml`, in file-name order. */
  briefings: BriefingOutcome[];
  /** Problems with the folder itself: missing, or files that would be silently ignored. */
  folder: DataProblem[];
  files: number;
  /** Lets the next scan skip files whose size, mtime and inode are unchanged. */
  cache: Map<string, CachedFile>;
  /**
   * Outcomes found to name only known themes, with the theme ids they were checked against: a
   * reload checks only the files that changed, unless themes.yaml did.
   */
  themesChecked: WeakMap<BriefingOutcome, string>;
}

export interface Settled {
  result: LoadResult;
  /** Valid briefings by path on disk. */
  accepted: Map<string, Briefing>;
  themesUsable: boolean;
}

/** Paths as a curator would type them: relative to the working directory when inside it. */
/** Files checked before their valid briefings are stored, in one transaction. */
const STORE_CHUNK = 500;

const displayBase = (dir: string): string => {
  if (!isAbsolute(dir)) return normalize(dir);
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
};

const folderProblem = (file: string, message: string): DataProblem => ({
  file,
  line: 1,
  column: 1,
  field: '',
  message,
});

const readIfExists = async (path: string): Promise<Buffer | undefined> => {
  try {
    return await readFile(path);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
};

const listBriefings = async (dir: string): Promise<Dirent[] | undefined> => {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
};

/** What the scan keeps of one file's check: its outcome, and the stamp that lets the next scan skip it. */
const outcomeOf = (
  task: FileTask,
  result: FileResult,
  previous: DataScan | undefined,
  cache: Map<string, CachedFile>,
): BriefingOutcome | undefined => {
  if ('gone' in result) return undefined;
  if ('unreadable' in result) {
    return {
      file: task.file,
      path: task.path,
      expectedId: task.expectedId,
      problems: [folderProblem(task.file, `cannot read the file (${result.unreadable})`)],
      themeRefs: [],
    };
  }
  const outcome = 'outcome' in result ? result.outcome : previous?.cache.get(task.path)?.outcome;
  // A stamp can only match a cached one, so a missing outcome means the cache changed under us.
  if (!outcome) throw new Error(`no outcome for ${task.file}`);
  cache.set(task.path, { stamp: result.stamp, outcome });
  return outcome;
};

export const scanData = async (
  dir: string,
  options: LoadOptions & { previous?: DataScan } = {},
): Promise<DataScan> => {
  const base = displayBase(dir);
  const show = (rel: string) => join(base, rel);
  const pace = createPacer(options.sliceMs);
  const cache = new Map<string, CachedFile>();
  const folder: DataProblem[] = [];

  const info = await stat(dir).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)));
  if (!info?.isDirectory()) {
    const message = info
      ? 'not a folder: point at a data folder holding themes.yaml and briefings/'
      : 'no such folder';
    return {
      dir,
      themes: { file: show('themes.yaml'), themes: [], usable: false, problems: [] },
      briefings: [],
      folder: [folderProblem(base, message)],
      files: 0,
      cache,
      themesChecked: new WeakMap(),
    };
  }

  const { outcome: themes, found: themesFound } = await readThemesFile(
    join(dir, 'themes.yaml'),
    show('themes.yaml'),
  );

  const entries = await listBriefings(join(dir, 'briefings'));
  if (entries === undefined) {
    folder.push(
      folderProblem(
        show('briefings'),
        'missing: put briefing files in a briefings/ folder beside themes.yaml',
      ),
    );
  }
  const names: string[] = [];
  for (const entry of entries ?? []) {
    // Editors' swap and lock files start with a dot; they are not the curator's files.
    if (entry.name.startsWith('.') || !(entry.isFile() || entry.isSymbolicLink())) continue;
    if (entry.name.endsWith('.yaml')) names.push(entry.name);
    else if (entry.name.endsWith('.yml')) {
      const fixed = `${entry.name.slice(0, -4)}.yaml`;
      folder.push(
        folderProblem(
          show(join('briefings', entry.name)),
          `not loaded: briefing files end in .yaml, rename it ${fixed}`,
        ),
      );
    }
  }
  names.sort();

  const folderPath = join(dir, 'briefings');
  const folderShown = show('briefings');
  const tasks: FileTask[] = names.map((name) => {
    // Plain concatenation: the folder is normalised already, and a name holds no separator.
    const path = `${folderPath}${sep}${name}`;
    const stamp = options.previous?.cache.get(path)?.stamp;
    return {
      path,
      file: `${folderShown}${sep}${name}`,
      expectedId: name.slice(0, -'.yaml'.length),
      ...(stamp === undefined ? {} : { stamp }),
    };
  });
  // On a reload, find the files that changed first, so that a one-file edit costs a stat per file.
  const same: (string | undefined)[] = [];
  for (const task of tasks) {
    same.push(unchangedStamp(task));
    await pace();
  }
  const changed = tasks.filter((_, i) => same[i] === undefined);
  const check = { exact: options.exact ?? false, ...(options.archive ? { archive: options.archive } : {}) };
  // In chunks: each chunk's valid briefings are stored together, then only their records are kept.
  const fresh: FileResult[] = [];
  for (let at = 0; at < changed.length; at += STORE_CHUNK) {
    const checked = await mapLimit(
      changed.slice(at, at + STORE_CHUNK),
      options.concurrency ?? 32,
      async ({ stamp: _, ...task }) => {
        const result = await checkFile(task, check);
        await pace();
        return result;
      },
    );
    fresh.push(...storeChecked(checked, options.archive));
    await pace();
  }
  let next = 0;
  const checked = same.map((stamp): FileResult | undefined =>
    stamp === undefined ? fresh[next++] : { stamp, unchanged: true },
  );
  const read = checked.map((result, i) => {
    const task = tasks[i];
    return task && result && outcomeOf(task, result, options.previous, cache);
  });
  const briefings = read.filter((o) => o !== undefined);

  return {
    dir,
    themes,
    briefings,
    folder,
    files: (themesFound ? 1 : 0) + briefings.length,
    cache,
    themesChecked: options.previous?.themesChecked ?? new WeakMap(),
  };
};

const listThemes = (ids: readonly string[]): string =>
  ids.length <= 12 ? ids.join(', ') : `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more`;

export const settle = async (scan: DataScan, options: LoadOptions = {}): Promise<Settled> => {
  const pace = createPacer(options.sliceMs);
  // Files accepted by the fast path carry no positions; read them exactly only if they turn out wrong.
  const exactDocs = new Map<string, Promise<ExactDoc | undefined>>();
  const exactOf = (o: BriefingOutcome) => {
    let doc = exactDocs.get(o.path);
    if (!doc) {
      doc = readIfExists(o.path).then((bytes) => {
        // Grown past the limit since the scan: positions are not worth parsing it for.
        const decoded = bytes && bytes.length <= MAX_FILE_BYTES ? decodeUtf8(bytes) : undefined;
        return decoded?.ok ? parseExact(decoded.text) : undefined;
      });
      exactDocs.set(o.path, doc);
    }
    return doc;
  };
  const where = async (
    o: BriefingOutcome,
    at: Position | undefined,
    path: ThemeRef['path'],
  ): Promise<Position> => at ?? (await exactOf(o))?.at(path) ?? { line: 1, column: 1 };

  const extra = new Map<BriefingOutcome, DataProblem[]>();
  const add = (o: BriefingOutcome, p: DataProblem) => extra.set(o, [...(extra.get(o) ?? []), p]);

  if (scan.themes.usable) {
    const ids = scan.themes.themes.map((t) => t.id);
    const known = new Set(ids);
    const checkedAgainst = ids.join('\n');
    for (const o of scan.briefings) {
      if (scan.themesChecked.get(o) === checkedAgainst) continue;
      const unknown = (o.themeRefs ?? themeRefsOf(o.briefing, (id) => !known.has(id))).filter(
        (ref) => !known.has(ref.id),
      );
      if (unknown.length === 0) scan.themesChecked.set(o, checkedAgainst);
      for (const ref of unknown) {
        const near = closestName(ref.id, ids);
        const hint = near
          ? `did you mean "${near}"? (themes are defined in ${scan.themes.file})`
          : `themes in ${scan.themes.file}: ${listThemes(ids)}`;
        add(o, {
          file: o.file,
          ...(await where(o, ref.at, ref.path)),
          field: fieldOf(ref.path),
          message: `unknown theme "${ref.id}": ${hint}`,
        });
      }
      await pace();
    }
  }

  const byId = new Map<string, BriefingOutcome[]>();
  for (const o of scan.briefings) {
    if (o.id === undefined) continue;
    const same = byId.get(o.id);
    if (same) same.push(o);
    else byId.set(o.id, [o]);
  }
  await pace();
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    const owner = group.find((o) => o.expectedId === id) ?? group[0];
    for (const o of group) {
      if (o === owner || !owner) continue;
      add(o, {
        file: o.file,
        ...(await where(o, o.idAt, ['id'])),
        field: 'id',
        message: `duplicate briefing id "${id}": ${owner.file} already uses it (ids must be unique)`,
      });
    }
  }

  const accepted = new Map<string, Briefing>();
  const problems: DataProblem[] = [...scan.folder, ...scan.themes.problems];
  for (const o of scan.briefings) {
    const more = extra.get(o);
    const own = o.problems.length === 0 && !more ? [] : capProblems(o.file, [...o.problems, ...(more ?? [])]);
    problems.push(...own);
    if (o.briefing && own.length === 0) accepted.set(o.path, o.briefing);
    await pace();
  }

  return {
    result: { themes: scan.themes.themes, briefings: [...accepted.values()], problems, files: scan.files },
    accepted,
    themesUsable: scan.themes.usable,
  };
};

/**
 * A fingerprint of the rules that decide whether a briefing file is valid: the code of this folder
 * (schema, readers, checks, the draft marks ingest writes) and the versions of the libraries it
 * parses and validates with. A briefing stored under other rules is checked again.
 */
export const validationRules = (): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const files = readdirSync(here, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js|mjs)$/.test(f))
    .sort();
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(here, file)));
  for (const lib of ['zod', 'js-yaml', 'yaml']) {
    const manifest = fileURLToPath(import.meta.resolve(`${lib}/package.json`));
    hash.update(lib).update(JSON.parse(readFileSync(manifest, 'utf8')).version);
  }
  return hash.digest('base64url');
};

/** The archive for a data folder kept in `file`: valid briefings by name and bytes, across restarts. */
export const openDataArchive = (file: string, warn: (detail: object, message: string) => void): Archive =>
  openArchive({ file, rules: validationRules(), warn });

/** Reads and checks a data folder; never throws for bad data, only for unreadable disks. */
export const loadData = async (dir: string, options: LoadOptions = {}): Promise<LoadResult> =>
  (await settle(await scanData(dir, options), options)).result;
