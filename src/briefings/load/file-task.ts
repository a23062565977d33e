/**
 * One briefing file to check, and what checking it found, in a shape that crosses a thread
 * boundary as JSON. The same function runs in a worker thread and, as the fallback, on the main
 * thread, so both paths report exactly the same outcome for the same bytes.
 */
import { readFile, readFileSync, type Stats, stat, statSync } from 'node:fs';
import { promisify } from 'node:util';
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
  | { stamp: string; outcome: BriefingOutcome }
  | { stamp: string; unchanged: true }
  /** Gone since the folder was listed (an editor's save-by-rename): it is simply not there. */
  | { gone: true }
  | { unreadable: string };

export interface CheckOptions {
  exact?: boolean;
}

/** Size, mtime and inode: an editor's save changes at least one of them. */
export const stampOf = (s: Stats): string => `${s.size}:${s.mtimeMs}:${s.ino}`;

const refused = (task: FileTask, size: number): BriefingOutcome => ({
  file: task.file,
  path: task.path,
  expectedId: task.expectedId,
  problems: [{ file: task.file, line: 1, column: 1, field: '', message: tooLarge(size) }],
  themeRefs: [],
});

export const isMissing = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR');

export const errorReason = (e: unknown): string =>
  e instanceof Error && 'code' in e ? String(e.code) : String(e);

/** Blocking reads: meant for a worker thread, where blocking costs no one anything. */
export const checkFileSync = (task: FileTask, options: CheckOptions): FileResult => {
  let stamp: string;
  let bytes: Buffer;
  try {
    // Stat before reading: a write in between leaves an older stamp, so the next scan reads again.
    const info = statSync(task.path);
    stamp = stampOf(info);
    if (stamp === task.stamp) return { stamp, unchanged: true };
    if (info.size > MAX_FILE_BYTES) return { stamp, outcome: refused(task, info.size) };
    bytes = readFileSync(task.path);
  } catch (e) {
    return isMissing(e) ? { gone: true } : { unreadable: errorReason(e) };
  }
  return { stamp, outcome: checkBriefingFile(task.file, task.path, task.expectedId, bytes, options) };
};

// The callback API, promisified: measured here it reads 10,000 small files several times faster
// than fs/promises, whose FileHandle bookkeeping dominates for files this size.
const statAsync = promisify(stat);
const readAsync = promisify(readFile);

/** The file's stamp when it still equals `task.stamp`; undefined when it changed, vanished or cannot be read. */
export const unchangedStamp = async (task: FileTask): Promise<string | undefined> => {
  if (task.stamp === undefined) return undefined;
  try {
    const stamp = stampOf(await statAsync(task.path));
    return stamp === task.stamp ? stamp : undefined;
  } catch {
    return undefined;
  }
};

/** Same as `checkFileSync`, without blocking: for the main thread. */
export const checkFile = async (task: FileTask, options: CheckOptions): Promise<FileResult> => {
  let stamp: string;
  let bytes: Buffer;
  try {
    const info = await statAsync(task.path);
    stamp = stampOf(info);
    if (stamp === task.stamp) return { stamp, unchanged: true };
    if (info.size > MAX_FILE_BYTES) return { stamp, outcome: refused(task, info.size) };
    bytes = await readAsync(task.path);
  } catch (e) {
    return isMissing(e) ? { gone: true } : { unreadable: errorReason(e) };
  }
  return { stamp, outcome: checkBriefingFile(task.file, task.path, task.expectedId, bytes, options) };
};
