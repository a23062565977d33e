/**
 * The archive (the briefing cache): what it stores comes back as records that read like the
 * briefings they stand for; a cache written under other rules or damaged is discarded with a
 * warning, never trusted; rows long unused are collected; and two processes filling one cache file
 * at the same time store every briefing once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { writeCorpus } from '../../bench/corpus.js';
import { type Archive, archiveKey, openArchive, recordInfo } from '../../src/briefings/archive.js';
import type { Briefing } from '../../src/briefings/index.js';
import { buildLibrary } from '../../src/briefings/library.js';
import { loadData, openDataArchive, scanData } from '../../src/briefings/loader.js';
import { ahead, briefing, quote, section } from './library-fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'attache-archive-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;
const aFile = () => join(scratch, `cache-${files++}.sqlite`);
const keyOf = (b: Briefing) => archiveKey(b.id, Buffer.from(JSON.stringify(b)));

const plainSection = (s: Briefing['sections'][number]) => ({
  heading: s.heading,
  themes: s.themes,
  summary: s.summary,
  points: s.points,
});

const sample = briefing('talks', {
  summary: 'A long summary that stays out of the heap.',
  sections: [
    section({ heading: 'First', summary: 'The first section.', points: ['one', 'two'] }),
    section({ heading: 'Second', themes: ['economy'], summary: 'The second section.' }),
  ],
  quotes: [quote({ text: 'We will stand together.', speaker: 'Kaja Kallas' })],
  looking_ahead: [ahead({ text: 'Talks resume in June.', horizon: '2026-06' })],
});

describe('GIVEN a briefing stored in an archive', () => {
  test('WHEN read back THEN the record reads like the briefing, its long text included', () => {
    const archive = openArchive({ rules: 'r1' });
    try {
      const record = archive.put(keyOf(sample), sample);
      expect(record).not.toBe(sample);
      // A section's summary and points are getters of its class, so compare field by field.
      expect({ ...record, summary: record.summary, sections: record.sections.map(plainSection) }).toEqual(
        sample,
      );
      expect(record.sections.map((s) => [s.summary, s.points])).toEqual([
        ['The first section.', ['one', 'two']],
        ['The second section.', []],
      ]);
      expect(archive.find(keyOf(sample))).toBe(record);
      expect(archive.holds(record)).toBe(true);
      expect(archive.holds(sample)).toBe(false);
      expect(Object.isFrozen(record) && Object.isFrozen(record.sections[0])).toBe(true);
      expect(recordInfo(record)?.size(0)).toBe('The first section.'.length + 'one'.length + 'two'.length + 8);
    } finally {
      archive.close();
    }
  });

  test('WHEN the same file is stored twice THEN it is one row, and another file with the same bytes is another', () => {
    const archive = openArchive({ rules: 'r1' });
    try {
      const first = archive.put(keyOf(sample), sample);
      expect(archive.put(keyOf(sample), sample)).toBe(first);
      const bytes = Buffer.from(JSON.stringify(sample));
      expect(archiveKey('talks', bytes)).not.toBe(archiveKey('other-name', bytes));
    } finally {
      archive.close();
    }
  });
});

describe('GIVEN a cache file from an earlier run', () => {
  test('WHEN it was written under the same rules THEN its briefings are found again', () => {
    const file = aFile();
    const a = openArchive({ file, rules: 'r1' });
    a.put(keyOf(sample), sample);
    a.close();
    const b = openArchive({ file, rules: 'r1' });
    try {
      expect(b.find(keyOf(sample))?.summary).toBe(sample.summary);
    } finally {
      b.close();
    }
  });

  test('WHEN the validation rules changed THEN it is discarded with a warning and nothing is found', () => {
    const file = aFile();
    const a = openArchive({ file, rules: 'r1' });
    a.put(keyOf(sample), sample);
    a.close();
    const warnings: string[] = [];
    const b = openArchive({ file, rules: 'r2', warn: (_, message) => warnings.push(message) });
    try {
      expect(b.find(keyOf(sample))).toBeUndefined();
      expect(warnings).toEqual([expect.stringMatching(/other validation rules: rebuilding/)]);
    } finally {
      b.close();
    }
  });

  test('WHEN the file is not a database THEN it is discarded with a warning and rebuilt', () => {
    const file = aFile();
    writeFileSync(
      file,
      'this is not an SQLite database, just some bytes that look like nothing '.repeat(100),
    );
    const warnings: string[] = [];
    const archive = openArchive({ file, rules: 'r1', warn: (_, message) => warnings.push(message) });
    try {
      expect(warnings).toEqual([expect.stringMatching(/cannot be read: discarding it/)]);
      expect(archive.put(keyOf(sample), sample).title).toBe(sample.title);
    } finally {
      archive.close();
    }
  });
});

describe('GIVEN rows no snapshot has used for a week', () => {
  test('WHEN a snapshot is built THEN they are collected, text and search entry, and rows in use stay', () => {
    let now = Date.UTC(2026, 0, 1);
    const archive: Archive = openArchive({ rules: 'r1', now: () => now });
    try {
      const old = archive.put(keyOf(sample), sample);
      const edited = briefing('talks', { ...sample, title: 'Talks, edited', summary: 'The new summary.' });
      now += 8 * 24 * 3600 * 1000;
      const current = archive.put(keyOf(edited), edited);
      const library = buildLibrary({ themes: [], briefings: [current], problems: [], files: 1 }, { archive });
      expect(archive.find(keyOf(sample))).toBeUndefined();
      expect(() => old.summary).toThrow(/gone/);
      expect(library.search('summary').hits.map((h) => h.briefing.title)).toEqual(['Talks, edited']);
      library.dispose?.();
    } finally {
      archive.close();
    }
  });
});

describe('GIVEN three processes starting on one data folder and one empty cache file', () => {
  test('WHEN all fill it at the same time THEN each loads everything, and each briefing is stored and indexed once', async () => {
    const dir = join(scratch, 'data');
    const corpus = await writeCorpus(dir, { n: 400, seed: 'archive-two' });
    const file = aFile();
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(tsx, [join(import.meta.dirname, 'archive-worker.ts'), dir, file, 'talks'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const results = await Promise.all([run(), run(), run()]);
    const expected = await loadData(dir);
    const published = expected.briefings.filter((b) => b.status === 'published').length;
    const fresh = buildLibrary(expected);
    const found = fresh.search('talks', { limit: 50 }).total;
    fresh.dispose?.();
    for (const r of results) {
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({
        briefings: corpus.briefings.length,
        problems: 0,
        published,
        found,
      });
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM briefings').get()).toEqual({ n: corpus.briefings.length });
      expect(db.prepare('SELECT count(DISTINCT key) AS n FROM briefings').get()).toEqual({
        n: corpus.briefings.length,
      });
    } finally {
      db.close();
    }
  }, 120_000);
});

describe('GIVEN a data folder loaded once through a cache file', () => {
  test('WHEN a file is changed (same size, same mtime), another broken and a third deleted before the restart THEN the restart sees exactly that', async () => {
    const dir = join(scratch, 'restart');
    const corpus = await writeCorpus(dir, { n: 12, seed: 'archive-restart' });
    const file = aFile();
    const [changed, broken, deleted] = corpus.briefings.map((b) => join(dir, 'briefings', `${b.id}.yaml`));
    if (!changed || !broken || !deleted) throw new Error('corpus too small');
    // A whole second, so that restoring it below gives back exactly the same mtime.
    utimesSync(changed, 1_700_000_000, 1_700_000_000);
    const first = openDataArchive(file, () => undefined);
    const before = await loadData(dir, { archive: first });
    // As if that load were long past: only the stamp can tell the restart the file changed.
    const seen = first.seen(changed);
    if (!seen) throw new Error('not remembered');
    first.saw(changed, seen.stamp, seen.key, Date.now() + 60_000);
    first.close();
    expect(before.problems).toEqual([]);

    const text = readFileSync(changed, 'utf8');
    const title = /^title: (.*)$/m.exec(text)?.[1] ?? '';
    const swapped = title.split('').reverse().join('');
    writeFileSync(changed, text.replace(`title: ${title}`, `title: ${swapped}`));
    utimesSync(changed, 1_700_000_000, 1_700_000_000);
    writeFileSync(broken, readFileSync(broken, 'utf8').replace(/^published: .*$/m, 'published: someday'));
    rmSync(deleted);

    const second = openDataArchive(file, () => undefined);
    try {
      const after = await loadData(dir, { archive: second });
      const ids = after.briefings.map((b) => b.id);
      expect(after.briefings.length).toBe(corpus.briefings.length - 2);
      expect(after.briefings.find((b) => changed.endsWith(`${b.id}.yaml`))?.title).toBe(swapped.trim());
      expect(ids.some((id) => deleted.endsWith(`${id}.yaml`))).toBe(false);
      expect(after.problems.map((p) => [p.file.endsWith(broken.split('/').at(-1) ?? '?'), p.field])).toEqual([
        [true, 'published'],
      ]);
    } finally {
      second.close();
    }
  });
});

describe('GIVEN a file the cache has seen', () => {
  const setUp = async (name: string) => {
    const dir = join(scratch, name);
    const corpus = await writeCorpus(dir, { n: 3, seed: `archive-${name}` });
    const archive = openDataArchive(aFile(), () => undefined);
    const first = await loadData(dir, { archive });
    const [a, b] = corpus.briefings.map((x) => join(dir, 'briefings', `${x.id}.yaml`));
    if (!a || !b) throw new Error('corpus too small');
    return { dir, archive, first, a, b };
  };

  test('WHEN its stamp is as remembered and its last change was well before it was read THEN it is not read again', async () => {
    const { dir, archive, a, b } = await setUp('trusted');
    try {
      const seenA = archive.seen(a);
      const seenB = archive.seen(b);
      if (!seenA || !seenB) throw new Error('not remembered');
      // Point a's remembered stamp at b's briefing, as if read long ago: only a load that trusts the
      // stamp, without reading a, can answer with b's briefing for a's file.
      archive.saw(a, seenA.stamp, seenB.key, Date.now() + 60_000);
      const again = await loadData(dir, { archive });
      // a's file now stands for b's briefing, so it clashes with b: proof it was not read.
      expect(
        again.problems.map((p) => [a.endsWith(p.file.split('/').at(-1) ?? '?'), p.field, p.message]),
      ).toEqual([[true, 'id', expect.stringMatching(/^duplicate briefing id/)]]);
    } finally {
      archive.close();
    }
  });

  test('WHEN it was read in the same moment as its last change THEN it is read again, whatever the stamp says', async () => {
    const { dir, archive, first, a, b } = await setUp('racy');
    try {
      const seenA = archive.seen(a);
      const seenB = archive.seen(b);
      if (!seenA || !seenB) throw new Error('not remembered');
      archive.saw(a, seenA.stamp, seenB.key, Date.now());
      const again = await loadData(dir, { archive });
      expect(again.briefings.map((x) => x.id).sort()).toEqual(first.briefings.map((x) => x.id).sort());
    } finally {
      archive.close();
    }
  });
});

describe('GIVEN a folder scanned once, for a hot reload', () => {
  test('WHEN a file is edited keeping its size and mtime THEN the next scan reads it again', async () => {
    const dir = join(scratch, 'rescan');
    const corpus = await writeCorpus(dir, { n: 3, seed: 'archive-rescan' });
    const target = join(dir, 'briefings', `${corpus.briefings[0]?.id}.yaml`);
    // A whole second, so that restoring it below gives back exactly the same mtime.
    utimesSync(target, 1_700_000_000, 1_700_000_000);
    const first = await scanData(dir);
    const text = readFileSync(target, 'utf8');
    const title = /^title: (.*)$/m.exec(text)?.[1] ?? '';
    const swapped = title.split('').reverse().join('');
    writeFileSync(target, text.replace(`title: ${title}`, `title: ${swapped}`));
    utimesSync(target, 1_700_000_000, 1_700_000_000);
    expect(statSync(target).mtimeMs).toBe(1_700_000_000_000);
    const second = await scanData(dir, { previous: first });
    expect(second.briefings.find((o) => o.path === target)?.briefing?.title).toBe(swapped.trim());
  });
});
