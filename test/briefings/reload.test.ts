import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import type { Briefing, Library, LoadResult } from '../../src/briefings/index.js';
import { derivedOf } from '../../src/briefings/library.js';
import {
  createLiveLibrary,
  type LiveLibrary,
  type ReloadInfo,
  type ReloadLogger,
} from '../../src/briefings/reload.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Just enough of a Library to see which load it was built from. */
interface FakeLibrary extends Library {
  readonly load: LoadResult;
  disposed: boolean;
  dispose(): void;
}

const fakeBuild = (load: LoadResult): FakeLibrary => {
  const published = load.briefings.filter((b) => b.status === 'published');
  const library: FakeLibrary = {
    load,
    disposed: false,
    dispose() {
      this.disposed = true;
    },
    loadedAt: new Date(),
    stats: {
      briefings: published.length,
      drafts: 0,
      themes: load.themes.length,
      sections: 0,
      quotes: 0,
      lookahead: 0,
    },
    themes: load.themes,
    theme: (id) => load.themes.find((t) => t.id === id),
    latest: () => published,
    briefing: (id) => load.briefings.find((b) => b.id === id),
    byTheme: () => [],
    quotes: () => [],
    speakers: () => [],
    randomQuote: () => undefined,
    lookahead: () => [],
    search: () => ({ total: 0, hits: [] }),
    sources: () => [],
    derived: derivedOf(() => library),
  };
  return library;
};

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const ids = (lib: FakeLibrary) => lib.load.briefings.map((b: Briefing) => b.id);

const opened: LiveLibrary<FakeLibrary>[] = [];
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const goodData = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'attache-reload-'));
  temps.push(dir);
  await cp(join(FIXTURES, 'good'), dir, { recursive: true });
  return dir;
};

const live = async (
  dir: string,
  build: (load: LoadResult) => FakeLibrary | Promise<FakeLibrary> = fakeBuild,
  options: { debounceMs?: number; log?: ReloadLogger } = {},
) => {
  const lib = await createLiveLibrary({
    dir,
    build,
    log: options.log ?? silent,
    debounceMs: options.debounceMs ?? 60,
  });
  opened.push(lib);
  return lib;
};

/** Resolves with the next reload that matches, whatever triggered it. */
const nextReload = (lib: LiveLibrary<FakeLibrary>, match: (info: ReloadInfo) => boolean = () => true) =>
  new Promise<ReloadInfo>((resolve) => {
    const off = lib.onReload((info) => {
      if (!match(info)) return;
      off();
      resolve(info);
    });
  });

const briefingYaml = (id: string, title: string, theme = 'economy') =>
  `id: ${id}\ntitle: ${title}\nsource:\n  name: Example\npublished: 2026-03-01\nsummary: Fine.\nsections:\n  - heading: One\n    themes: [${theme}]\n    summary: Fine.\n`;

describe('GIVEN a live library over a valid folder', () => {
  test('WHEN created THEN the first snapshot holds every briefing and the start is recorded as ok', async () => {
    const lib = await live(await goodData());
    expect(ids(lib.current())).toEqual(['alpha', 'beta']);
    expect(lib.lastReload()).toMatchObject({
      trigger: 'start',
      outcome: 'ok',
      briefings: 2,
      problems: 0,
      kept: [],
    });
    expect(lib.problems()).toEqual([]);
  });

  test('WHEN a valid briefing file is added THEN a new snapshot is swapped in and the old one disposed', async () => {
    const dir = await goodData();
    const lib = await live(dir);
    const before = lib.current();
    const reloaded = nextReload(lib);
    await writeFile(join(dir, 'briefings', 'gamma.yaml'), briefingYaml('gamma', 'Gamma'));
    expect(await reloaded).toMatchObject({ trigger: 'watch', outcome: 'ok', briefings: 3 });
    expect(ids(lib.current())).toEqual(['alpha', 'beta', 'gamma']);
    expect(lib.current()).not.toBe(before);
    expect(before.disposed).toBe(true);
  });

  test('WHEN a briefing becomes invalid THEN its last good version stays and the problem is reported', async () => {
    const dir = await goodData();
    const lib = await live(dir);
    const reloaded = nextReload(lib);
    const alpha = join(dir, 'briefings', 'alpha.yaml');
    await writeFile(
      alpha,
      (await readFile(alpha, 'utf8')).replace('published: 2026-01-15', 'published: 2026-02-30'),
    );
    const info = await reloaded;
    expect(info).toMatchObject({ outcome: 'partial', problems: 1, kept: [alpha] });
    expect(lib.current().briefing('alpha')?.published).toBe('2026-01-15');
    expect(ids(lib.current())).toEqual(['alpha', 'beta']);
    expect(lib.problems().map((p) => [p.file, p.line, p.field])).toEqual([[alpha, 6, 'published']]);
  });

  test('WHEN a briefing file is deleted THEN its briefing leaves the snapshot', async () => {
    const dir = await goodData();
    const lib = await live(dir);
    const reloaded = nextReload(lib);
    await unlink(join(dir, 'briefings', 'beta.yaml'));
    expect(await reloaded).toMatchObject({ outcome: 'ok', briefings: 1 });
    expect(ids(lib.current())).toEqual(['alpha']);
  });

  test('WHEN themes.yaml breaks THEN the previous snapshot is kept whole; WHEN fixed THEN reloading resumes', async () => {
    const dir = await goodData();
    const lib = await live(dir);
    const before = lib.current();
    const themes = join(dir, 'themes.yaml');
    const good = await readFile(themes, 'utf8');

    const broken = nextReload(lib);
    await writeFile(themes, good.replace('colour: "#27ae60"', 'colour: green'));
    expect(await broken).toMatchObject({ outcome: 'kept-previous', problems: 1 });
    expect(lib.current()).toBe(before);
    expect(before.disposed).toBe(false);
    expect(lib.problems().map((p) => [p.file, p.line, p.field])).toEqual([[themes, 10, 'themes[1].colour']]);

    const fixed = nextReload(lib);
    await writeFile(themes, good.replace('label: Outlook', 'label: Looking ahead'));
    expect(await fixed).toMatchObject({ outcome: 'ok' });
    expect(lib.current().theme('outlook')?.label).toBe('Looking ahead');
    expect(lib.problems()).toEqual([]);
  });

  test('WHEN a theme a broken file relied on is removed THEN its last good version is dropped, not kept dangling', async () => {
    const dir = await goodData();
    const lib = await live(dir);
    const beta = join(dir, 'briefings', 'beta.yaml');
    const broke = nextReload(lib);
    await writeFile(beta, (await readFile(beta, 'utf8')).replace('title: Beta follow-up', 'title: ""'));
    expect(await broke).toMatchObject({ outcome: 'partial', kept: [beta] });

    const themes = join(dir, 'themes.yaml');
    const text = await readFile(themes, 'utf8');
    const withoutEconomy = text.replace(/ {2}- id: economy\n(?: {4}.*\n)+/, '');
    const removed = nextReload(lib, (i) => i.outcome !== 'kept-previous');
    await writeFile(themes, withoutEconomy);
    const info = await removed;
    expect(info.kept).toEqual([]);
    expect(ids(lib.current())).toEqual([]);
    expect(lib.problems().map((p) => p.message)).toContainEqual(
      expect.stringMatching(/^unknown theme "economy"/),
    );
  });
});

describe('GIVEN a burst of changes', () => {
  test('WHEN several files are written at once THEN one debounced reload picks them all up', async () => {
    const dir = await goodData();
    const lib = await live(dir, fakeBuild, { debounceMs: 250 });
    const runs: ReloadInfo[] = [];
    lib.onReload((i) => runs.push(i));
    const all = nextReload(lib, (i) => i.briefings === 7);
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    await Promise.all(names.map((n) => writeFile(join(dir, 'briefings', `${n}.yaml`), briefingYaml(n, n))));
    await all;
    expect(ids(lib.current())).toEqual(['alpha', 'beta', ...names]);
    expect(runs.length).toBeLessThan(names.length);
  });
});

describe('GIVEN a logger', () => {
  test('WHEN a reload finds problems THEN every problem is logged as file:line:column field — message', async () => {
    const dir = await goodData();
    const warnings: object[] = [];
    const log = { ...silent, warn: (o: object) => warnings.push(o) };
    const lib = await live(dir, fakeBuild, { log });
    const reloaded = nextReload(lib);
    await cp(join(FIXTURES, 'malformed', 'many-problems.yaml'), join(dir, 'briefings', 'many-problems.yaml'));
    await reloaded;
    const logged = warnings.find((w): w is { problems: string[] } => 'problems' in w);
    expect(logged?.problems).toHaveLength(9);
    expect(logged?.problems[0]).toBe(
      `${join(dir, 'briefings', 'many-problems.yaml')}:3:1 sumary — unknown field "sumary": did you mean "summary"? allowed here: id, status, title, source, published, location, summary, sections, quotes, looking_ahead`,
    );
  });
});

describe('GIVEN a build that takes its time', () => {
  test('WHEN a reload is under way THEN queries keep seeing the whole previous snapshot until the swap', async () => {
    const dir = await goodData();
    let release: () => void = () => {};
    let building: () => void = () => {};
    const started = new Promise<void>((r) => {
      building = r;
    });
    let slow = false;
    const build = async (load: LoadResult) => {
      if (slow) {
        building();
        await new Promise<void>((r) => {
          release = r;
        });
      }
      return fakeBuild(load);
    };
    const lib = await live(dir, build);
    const before = lib.current();
    slow = true;
    await writeFile(join(dir, 'briefings', 'gamma.yaml'), briefingYaml('gamma', 'Gamma'));
    const done = lib.reload();
    await started;
    slow = false;
    expect(lib.current()).toBe(before);
    expect(ids(lib.current())).toEqual(['alpha', 'beta']);
    release();
    await done;
    expect(ids(lib.current())).toEqual(['alpha', 'beta', 'gamma']);
  });

  test('WHEN the build throws THEN the previous snapshot is kept and the failure recorded', async () => {
    const dir = await goodData();
    let fail = false;
    const lib = await live(dir, (load) => {
      if (fail) throw new Error('index exploded');
      return fakeBuild(load);
    });
    const before = lib.current();
    fail = true;
    const info = await lib.reload();
    expect(info).toMatchObject({ trigger: 'manual', outcome: 'failed', error: 'index exploded' });
    expect(lib.current()).toBe(before);
    expect(lib.lastReload()).toBe(info);
  });

  test('WHEN reloads are asked for while none has started yet THEN they share one run', async () => {
    const lib = await live(await goodData());
    const runs: ReloadInfo[] = [];
    lib.onReload((i) => runs.push(i));
    const [a, b, c] = [lib.reload(), lib.reload(), lib.reload()];
    expect(a).toBe(b);
    expect(b).toBe(c);
    await a;
    expect(runs).toHaveLength(1);
  });
});

describe('GIVEN a folder with problems at start', () => {
  test('WHEN created THEN the bad file is left out, the rest serves, and the problems are available', async () => {
    const dir = await goodData();
    await cp(
      join(FIXTURES, 'malformed', 'unattributed-quote.yaml'),
      join(dir, 'briefings', 'unattributed-quote.yaml'),
    );
    const lib = await live(dir);
    expect(ids(lib.current())).toEqual(['alpha', 'beta']);
    expect(lib.lastReload()).toMatchObject({ outcome: 'partial', problems: 1, kept: [] });
    expect(lib.problems()[0]).toMatchObject({ line: 12, field: 'quotes[0].speaker' });
  });

  test('WHEN the first build throws THEN creating the live library fails', async () => {
    const dir = await goodData();
    await expect(
      createLiveLibrary({
        dir,
        build: () => {
          throw new Error('no index');
        },
        log: silent,
        watch: false,
      }),
    ).rejects.toThrow('no index');
  });
});
