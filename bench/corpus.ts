/**
 * The synthetic corpus: N briefings of realistic size, the same for the same seed and start date.
 *
 * Sizes follow the curated briefings: a summary of about 100 words, 8-16 sections of 2-4 points,
 * 0-3 quotes by speakers from a shared pool (so /quote speaker autocomplete has a realistic
 * spread), 2-8 looking-ahead items whose horizons mix days, months, quarters, years and none,
 * spread over the two years after `from`. Themes are the ids of the real data/themes.yaml.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { parse } from 'yaml';
import { seededRandom } from '../src/briefings/random.js';
import type { BriefingInput } from '../src/briefings/schema.js';
import * as words from './vocabulary.js';

export const THEMES_FILE = resolve(import.meta.dirname, '../data/themes.yaml');

export interface CorpusOptions {
  n: number;
  seed?: number | string;
  /** Looking-ahead horizons fall in the two years after this day; publication dates before it. */
  from?: Date;
  themeIds: readonly string[];
}

export const DEFAULT_SEED = 'attache-bench';

interface Rng {
  next: () => number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  some<T>(items: readonly T[], min: number, max: number): T[];
}

const rng = (seed: number | string): Rng => {
  const next = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const pool = [...items];
    const count = Math.min(pool.length, int(min, max));
    const chosen: T[] = [];
    for (let i = 0; i < count; i++) chosen.push(pool.splice(int(0, pool.length - 1), 1)[0] as T);
    return chosen;
  };
  return { next, int, pick, some };
};

const fill = (frame: string, r: Rng, city: string): string =>
  frame
    .replace('{topic}', r.pick(words.TOPICS))
    .replace('{city}', city)
    .replace('{qualifier}', r.pick(words.QUALIFIERS))
    .replace('{tone}', r.pick(words.TONES));

const sentence = (r: Rng): string =>
  `${r.pick(words.SUBJECTS)} ${r.pick(words.VERBS)} ${r.pick(words.TOPICS)} ${r.pick(words.QUALIFIERS)}.`;

/** Whole sentences up to about `target` words (at least one), under `max` characters. */
const prose = (r: Rng, target: number, max: number): string => {
  let text = sentence(r);
  let count = text.split(' ').length;
  for (;;) {
    const next = sentence(r);
    const more = next.split(' ').length;
    if (count + more > target || text.length + next.length + 1 > max) return text;
    text = `${text} ${next}`;
    count += more;
  }
};

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const slugify = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const pad = (n: number): string => String(n).padStart(2, '0');
const isoDay = (d: Date): string =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const DAY_MS = 86_400_000;

/** A horizon somewhere in the two years after `from`, at a random precision (or none). */
const horizon = (r: Rng, from: Date): string | undefined => {
  const at = new Date(from.getTime() + r.int(0, 730) * DAY_MS);
  const year = at.getUTCFullYear();
  const kind = r.next();
  if (kind < 0.35) return isoDay(at);
  if (kind < 0.6) return `${year}-${pad(at.getUTCMonth() + 1)}`;
  if (kind < 0.8) return `${year}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
  if (kind < 0.9) return String(year);
  return undefined;
};

/** The shared pool of speakers: a few are quoted often, most rarely, as in real coverage. */
const speakerPool = (r: Rng): { speaker: string; role: string }[] =>
  Array.from({ length: 240 }, () => ({
    speaker: `${r.pick(words.FIRST_NAMES)} ${r.pick(words.LAST_NAMES)}`,
    role: r.pick(words.ROLES),
  }));

const oneBriefing = (
  r: Rng,
  index: number,
  options: Required<Omit<CorpusOptions, 'n'>>,
  speakers: { speaker: string; role: string }[],
): BriefingInput => {
  const { from, themeIds } = options;
  const city = r.pick(words.CITIES);
  const published = new Date(from.getTime() - r.int(1, 3 * 365) * DAY_MS);
  const title = capitalise(fill(r.pick(words.TITLE_FRAMES), r, city));
  const month = `${published.getUTCFullYear()}-${pad(published.getUTCMonth() + 1)}`;
  const id = `${slugify(title).slice(0, 40).replace(/-$/, '')}-${month}-${index}`;
  const publication = r.pick(words.PUBLICATIONS);
  const themesOf = () => r.some(themeIds, 1, 3);

  const sections = Array.from({ length: r.int(8, 16) }, () => ({
    heading: r
      .pick(words.HEADING_FRAMES)
      .replace('{w}', r.pick(words.HEADING_WORDS))
      .replace('{v}', r.pick(words.HEADING_WORDS)),
    themes: themesOf(),
    summary: prose(r, r.int(28, 50), 900),
    points: Array.from({ length: r.int(2, 4) }, () => prose(r, r.int(10, 26), 300)),
  }));

  // Zipf-like: low indexes are picked far more often, so some speakers recur across briefings.
  const quotes = Array.from({ length: r.int(0, 3) }, () => {
    const who = speakers[Math.floor(speakers.length * r.next() ** 3)] ?? speakers[0];
    return {
      text: fill(r.pick(words.QUOTE_FRAMES), r, city),
      speaker: who?.speaker ?? 'A senior official',
      role: who?.role ?? 'not named by the source',
      context: prose(r, 20, 300),
      themes: themesOf(),
    };
  });

  const lookingAhead = Array.from({ length: r.int(2, 8) }, () => {
    const when = horizon(r, from);
    return {
      text: fill(r.pick(words.LOOKAHEAD_FRAMES), r, r.pick(words.CITIES)),
      themes: themesOf(),
      ...(when ? { horizon: when } : {}),
    };
  });

  return {
    id,
    status: r.next() < 0.03 ? 'draft' : 'published',
    title,
    source: {
      name: publication,
      url: `https://news.example.org/${slugify(publication)}/${id}`,
    },
    published: r.next() < 0.1 ? month : isoDay(published),
    location: city,
    summary: prose(r, r.int(95, 120), 1500),
    sections,
    quotes,
    looking_ahead: lookingAhead,
  };
};

/** The N briefings for this seed; briefing i is the same whatever N is. */
export function generateCorpus(options: CorpusOptions): BriefingInput[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const from = options.from ?? new Date(Date.UTC(2026, 0, 1));
  const speakers = speakerPool(rng(`${seed}:speakers`));
  return Array.from({ length: options.n }, (_, i) =>
    oneBriefing(rng(`${seed}:${i}`), i, { seed, from, themeIds: options.themeIds }, speakers),
  );
}

/** Theme ids of the real taxonomy, so synthetic briefings tag with what users can pick. */
export async function realThemeIds(file = THEMES_FILE): Promise<string[]> {
  const parsed = parse(await readFile(file, 'utf8')) as { themes?: { id?: unknown }[] };
  return (parsed.themes ?? []).map((t) => t.id).filter((id): id is string => typeof id === 'string');
}

export interface WrittenCorpus {
  dir: string;
  briefings: BriefingInput[];
  bytes: number;
}

/**
 * Writes a data folder (themes.yaml + briefings/<id>.yaml) into `dir`, which should be a fresh
 * temporary folder: synthetic data never goes into data/.
 */
export async function writeCorpus(
  dir: string,
  options: Omit<CorpusOptions, 'themeIds'> & { themeIds?: readonly string[] },
): Promise<WrittenCorpus> {
  const themesYaml = await readFile(THEMES_FILE, 'utf8');
  const themeIds = options.themeIds ?? (await realThemeIds());
  const briefings = generateCorpus({ ...options, themeIds });
  await mkdir(join(dir, 'briefings'), { recursive: true });
  await writeFile(join(dir, 'themes.yaml'), themesYaml);
  let bytes = themesYaml.length;
  // Written in batches: 10,000 files at once would exhaust file descriptors.
  for (let start = 0; start < briefings.length; start += 200) {
    const batch = briefings.slice(start, start + 200).map((b) => {
      const body = dump(b, { lineWidth: 100, noRefs: true });
      bytes += Buffer.byteLength(body);
      return writeFile(join(dir, 'briefings', `${b.id}.yaml`), body);
    });
    await Promise.all(batch);
  }
  return { dir, briefings, bytes };
}
