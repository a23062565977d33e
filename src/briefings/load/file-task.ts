/**
 * One briefing file to check, and what checking it found. With an archive, a file whose name and
 * bytes are already stored is not parsed again: its stored briefing is the outcome. A file that
 * passes its checks is stored, and the archive's record (text outside the heap) replaces it.
 */
import { readFile, type Stats, stat, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Archive, archiveKey } from '../archive.js';
import type { Briefing } from '../index.js';
import { type BriefingOutcome, checkBriefingFile } from './briefing-file.js';
import { MAX_FILE_BYTES, tooLarge } from './limits.js';

export interface FileTask {
  /** Path on disk. */
  path: string;
  /** Path shown to curators. */
  file: string;
  expectedId: string;
  /** Stamp of the previous scan: an unchanged file is not read again. */
  stamp?: string;
}

export type FileResult =
  /**
   * `store`: the archive key to store the valid briefing under; `seen`: what to remember of the file
   * so that the next start can skip reading it (see `storeChecked`).
   */
  | { stamp: string; outcome: BriefingOutcome; store?: string; seen?: Seen }
  | { stamp: string; unchanged: true }
  /** Gone since the folder was listed (an editor's save-by-rename): it is simply not there. */
  | { gone: true }
  | { unreadable: string };

interface CheckOptions {
  exact?: boolean;
  archive?: Archive;
}

/**
 * Size, inode, mtime and ctime: any write sets ctime to the time of the write, and no tool can set
 * it back, so a file with the same stamp holds the same bytes, even after an edit that kept its
 * size and mtime. Provided its ctime was already in the past when the bytes were read: a write in
 * the same clock tick as the read would keep the stamp (git calls such entries racy), so the
 * briefing cache reads those files again (`RACY_MS`).
 */
const stampOf = (s: Stats): string => `${s.size}:${s.ino}:${s.mtimeMs}:${s.ctimeMs}`;
const RACY_MS = 3000;

interface Seen {
  path: string;
  stamp: string;
  key: string;
  checked: number;
}

const refused = (task: FileTask, size: number): BriefingOutcome => ({
  file: task.file,
  path: task.path,
  expectedId: task.expectedId,
  problems: [{ file: task.file, line: 1, column: 1, field: '', message: tooLarge(size) }],
  themeRefs: [],
});

export const isMissing = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR');

const errorReason = (e: unknown): string => (e instanceof Error && 'code' in e ? String(e.code) : String(e));

// The callback API, promisified: measured here it reads 10,000 small files several times faster
// than fs/promises, whose FileHandle bookkeeping dominates for files this size.
const statAsync = promisify(stat);
const readAsync = promisify(readFile);

/**
 * The file's stamp when it still equals `task.stamp`; undefined when it changed, vanished or cannot
 * be read. Blocking, on purpose: a stat of a file the page cache holds takes microseconds, several
 * times less than the round trip of an asynchronous one, and callers pace it (see pace.ts).
 */
export const unchangedStamp = (task: FileTask): string | undefined => {
  if (task.stamp === undefined) return undefined;
  try {
    const info = statSync(task.path, { throwIfNoEntry: false });
    const stamp = info && stampOf(info);
    return stamp === task.stamp ? stamp : undefined;
  } catch {
    return undefined;
  }
};

/** Checks the file, or finds it in the archive (see the top of this file). */
export const checkFile = async (task: FileTask, options: CheckOptions): Promise<FileResult> => {
  const { archive } = options;
  let stamp: string;
  let seen: Omit<Seen, 'key'> | undefined;
  let bytes: Buffer;
  try {
    const info = await statAsync(task.path);
    stamp = stampOf(info);
    if (stamp === task.stamp) return { stamp, unchanged: true };
    if (info.size > MAX_FILE_BYTES) return { stamp, outcome: refused(task, info.size) };
    if (archive && !options.exact) {
      seen = { path: task.path, stamp, checked: Date.now() };
      const known = archive.seen(task.path);
      const unchanged = known?.stamp === seen.stamp && info.ctimeMs < known.checked - RACY_MS;
      const stored = unchanged && known ? archive.find(known.key) : undefined;
      if (stored) return { stamp, outcome: storedOutcome(task, stored) };
    }
    bytes = await readAsync(task.path);
  } catch (e) {
    return isMissing(e) ? { gone: true } : { unreadable: errorReason(e) };
  }
  const key = archive ? archiveKey(task.expectedId, bytes) : undefined;
  const remember = seen && key !== undefined ? { seen: { ...seen, key } } : {};
  const stored = key === undefined || options.exact ? undefined : archive?.find(key);
  if (stored) return { stamp, outcome: storedOutcome(task, stored), ...remember };
  const outcome = checkBriefingFile(task.file, task.path, task.expectedId, bytes, options);
  const valid = outcome.briefing !== undefined && outcome.problems.length === 0;
  return { stamp, outcome, ...(valid && key !== undefined ? { store: key, ...remember } : {}) };
};

const storedOutcome = (task: FileTask, stored: Briefing): BriefingOutcome => ({
  file: task.file,
  path: task.path,
  expectedId: task.expectedId,
  id: stored.id,
  briefing: stored,
  problems: [],
});

/**
 * Stores the valid briefings of freshly checked files, in one transaction (a commit per briefing
 * would flush the full-text index each time), and puts the archive's records in their place.
 */
export const storeChecked = (results: FileResult[], archive: Archive | undefined): FileResult[] => {
  if (!archive || !results.some((r) => 'store' in r || 'seen' in r)) return results;
  return archive.batch(() =>
    results.map((result) => {
      if (!('outcome' in result)) return result;
      const { seen, store, ...kept } = result;
      if (seen) archive.saw(seen.path, seen.stamp, seen.key, seen.checked);
      if (store === undefined || !result.outcome.briefing) return kept;
      const record = archive.put(store, result.outcome.briefing);
      // The record's id, not the parsed one: a parsed string may be a slice of the file's text and
      // would keep all of it alive for as long as the scan remembers this outcome.
      return { stamp: result.stamp, outcome: { ...result.outcome, id: record.id, briefing: record } };
    }),
  );
};
