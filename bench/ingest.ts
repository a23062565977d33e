/**
 * npm run bench:ingest [-- --verbose] [--check] [--themes <file>] [--only <set>|heldout]
 *
 * Runs ingest over the labelled articles in bench/ingest-corpus/ and prints precision and recall
 * per field against labels.yaml (matching rules are described at the top of that file), for the
 * whole set, the held-out group and the blind 2027 group. --check exits non-zero when a target is
 * missed; --verbose lists every miss and false alarm; --only scores one group and skips the timing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { analyseArticle } from '../src/briefings/ingest/analyse.js';
import type { Analysis } from '../src/briefings/ingest/index.js';
import { decodeArticle } from '../src/briefings/ingest/input.js';
import { loadThemes } from '../src/briefings/ingest/themes.js';
import type { Theme } from '../src/briefings/schema.js';

const CORPUS = resolve(import.meta.dirname, 'ingest-corpus');

const speakerList = z.union([z.string(), z.array(z.string()), z.null()]);
const LabelSchema = z.object({
  file: z.string(),
  heldout: z.boolean().optional(),
  /** A group measured blind as a whole, e.g. "blind-2027"; reported in its own table. */
  set: z.string().optional(),
  title: z.string().nullable(),
  published: z.string(),
  location: z.string().nullable(),
  source: z.string().nullable(),
  headings: z.array(z.string()),
  quotes: z.array(z.object({ text: z.string(), speaker: speakerList, optional: z.boolean().optional() })),
  lookahead: z.array(z.object({ text: z.string(), horizon: z.string().optional() })),
  themes: z.record(z.string(), z.array(z.string())).optional(),
});
type Label = z.infer<typeof LabelSchema>;

interface Tally {
  expected: number;
  found: number;
  tp: number;
  /** Recall's numerator can differ from precision's when one prediction matches several labels. */
  recalled: number;
}
const tally = (): Tally => ({ expected: 0, found: 0, tp: 0, recalled: 0 });

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .replace(/[’']/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);

/** Dice overlap of the two word multisets. */
function similar(a: string, b: string): boolean {
  const wa = words(a);
  const wb = words(b);
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of wb) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return wa.length + wb.length > 0 && (2 * shared) / (wa.length + wb.length) >= 0.8;
}

const normSpeaker = (s: string): string =>
  s
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();

function sameSpeaker(found: string | undefined, expected: Label['quotes'][number]['speaker']): boolean {
  if (found === undefined || expected === null) return false;
  const f = normSpeaker(found);
  return (Array.isArray(expected) ? expected : [expected]).some((e) => {
    const x = normSpeaker(e);
    if (x === f) return true;
    const [shorter, longer] = x.length < f.length ? [x, f] : [f, x];
    return shorter.split(' ').length >= 2 && longer.endsWith(` ${shorter}`);
  });
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const sameSentence = (a: string, b: string): boolean =>
  squash(a).replace(/[“”]/g, '"').replace(/[‘’]/g, "'") ===
  squash(b).replace(/[“”]/g, '"').replace(/[‘’]/g, "'");

interface Fields {
  headings: Tally;
  quotes: Tally;
  quoteText: Tally;
  unattributed: Tally;
  lookahead: Tally;
  horizon: Tally;
  themes: Tally;
  title: Tally;
  place: Tally;
  year: Tally;
  month: Tally;
  day: Tally;
  source: Tally;
  /** Quotes the label leaves unattributed that came back with a speaker. */
  invented: number;
  /** Heading false alarms that are the dateline or byline line. */
  datelineHeadings: number;
}

function score(label: Label, a: Analysis, fields: Fields, misses: string[]): void {
  const say = (what: string) => misses.push(`  ${label.file}: ${what}`);

  const headings = a.sections.filter((s) => s.headingFound).map((s) => s.heading);
  fields.headings.expected += label.headings.length;
  fields.headings.found += headings.length;
  for (const h of headings) {
    if (label.headings.some((e) => squash(e) === squash(h))) fields.headings.tp++;
    else {
      say(`heading false alarm: "${h}"`);
      if (looksLikeDateline(h, label)) fields.datelineHeadings++;
    }
  }
  for (const e of label.headings) {
    if (headings.some((h) => squash(h) === squash(e))) fields.headings.recalled++;
    else say(`heading missed: "${e}"`);
  }

  const attributed = a.quotes;
  const required = label.quotes.filter((q) => !q.optional);
  const withSpeaker = required.filter((q) => q.speaker !== null);
  fields.quotes.expected += withSpeaker.length;
  for (const q of attributed) {
    const optional = label.quotes.find((e) => e.optional && similar(e.text, q.text));
    if (optional) continue;
    fields.quotes.found++;
    if (required.some((e) => e.speaker === null && similar(e.text, q.text))) {
      fields.invented++;
      say(`speaker invented: ${q.speaker} — “${q.text.slice(0, 70)}”`);
    }
    if (withSpeaker.some((e) => similar(e.text, q.text) && sameSpeaker(q.speaker, e.speaker)))
      fields.quotes.tp++;
    else say(`quote wrong or extra: ${q.speaker} — “${q.text.slice(0, 70)}”`);
  }
  for (const e of withSpeaker) {
    if (attributed.some((q) => similar(e.text, q.text) && sameSpeaker(q.speaker, e.speaker)))
      fields.quotes.recalled++;
    else {
      const near = [...a.quotes, ...a.unattributed].find((q) => similar(e.text, q.text));
      say(
        `quote missed: ${JSON.stringify(e.speaker)} — “${e.text.slice(0, 60)}” (found as: ${near ? (near.speaker ?? 'unattributed') : 'not found'})`,
      );
    }
  }

  const all = [...a.quotes, ...a.unattributed];
  fields.quoteText.expected += required.length;
  fields.quoteText.found += all.filter(
    (q) => !label.quotes.some((e) => e.optional && similar(e.text, q.text)),
  ).length;
  fields.quoteText.tp += all.filter((q) => required.some((e) => similar(e.text, q.text))).length;
  fields.quoteText.recalled += required.filter((e) => all.some((q) => similar(e.text, q.text))).length;

  const nobody = required.filter((q) => q.speaker === null);
  fields.unattributed.expected += nobody.length;
  const unattributed = a.unattributed.filter(
    (u) => !label.quotes.some((e) => e.optional && similar(e.text, u.text)),
  );
  fields.unattributed.found += unattributed.length;
  for (const u of unattributed) {
    if (nobody.some((e) => similar(e.text, u.text))) fields.unattributed.tp++;
    else say(`reported unattributed but the label names a speaker or no quote: “${u.text.slice(0, 60)}”`);
  }
  fields.unattributed.recalled += nobody.filter((e) =>
    a.unattributed.some((u) => similar(e.text, u.text)),
  ).length;

  fields.lookahead.expected += label.lookahead.length;
  fields.lookahead.found += a.lookahead.length;
  for (const l of a.lookahead) {
    if (label.lookahead.some((e) => sameSentence(e.text, l.text))) fields.lookahead.tp++;
    else say(`looking-ahead false alarm (cue "${l.cue}"): ${l.text}`);
  }
  for (const e of label.lookahead) {
    const hit = a.lookahead.find((l) => sameSentence(e.text, l.text));
    if (hit) fields.lookahead.recalled++;
    else say(`looking-ahead missed: ${e.text}`);
    // Sets labelled with an explicit "no horizon" convention (`set`) count every matched item, so a
    // horizon reported where none is stated is wrong; earlier labels give a horizon only to check it.
    if (hit && (e.horizon !== undefined || label.set !== undefined)) {
      fields.horizon.expected++;
      fields.horizon.found++;
      if ((hit.horizon ?? 'none') === (e.horizon ?? 'none')) {
        fields.horizon.tp++;
        fields.horizon.recalled++;
      } else
        say(`horizon ${hit.horizon ?? 'none'} instead of ${e.horizon ?? 'none'}: ${e.text.slice(0, 60)}`);
    }
  }

  for (const [heading, expected] of Object.entries(label.themes ?? {})) {
    const section = a.sections.find((s) => s.headingFound && squash(s.heading) === squash(heading));
    if (!section) continue;
    const got = section.themes.themes;
    fields.themes.expected += expected.length;
    fields.themes.found += got.length;
    fields.themes.tp += got.filter((t) => expected.includes(t)).length;
    fields.themes.recalled += expected.filter((t) => got.includes(t)).length;
    if (got.join() !== expected.join())
      say(`themes of "${heading}": ${got.join(', ')} (labelled ${expected.join(', ')})`);
  }

  const [year, month, day] = label.published.split('-');
  const [gotYear, gotMonth, gotDay] = a.published.how === 'found' ? a.published.value.split('-') : [];
  const meta: [keyof Fields & string, boolean, unknown, unknown][] = [
    [
      'title',
      label.title === null
        ? a.title.how === 'derived'
        : a.title.how === 'found' && a.title.value === label.title,
      a.title.value,
      label.title,
    ],
    ['place', (a.location?.value ?? null) === label.location, a.location?.value, label.location],
    ['year', gotYear === year, gotYear, year],
    ['month', gotMonth === month, gotMonth, month],
    // A month-only dateline must not come back with a day.
    ['day', gotDay === day, gotDay, day],
    [
      'source',
      label.source === null ? a.source.how === 'placeholder' : a.source.value === label.source,
      a.source.how === 'placeholder' ? null : a.source.value,
      label.source,
    ],
  ];
  for (const [field, ok, got, expected] of meta) {
    const t = fields[field] as Tally;
    t.expected++;
    t.found++;
    if (ok) {
      t.tp++;
      t.recalled++;
    } else say(`${field}: got ${JSON.stringify(got ?? null)}, labelled ${JSON.stringify(expected ?? null)}`);
  }
}

/** A heading that is really the dateline or byline: it names a year, the source or the place, or opens with "By". */
function looksLikeDateline(heading: string, label: Label): boolean {
  const h = heading.toLowerCase();
  return (
    /^by\s/.test(h) ||
    /\b(?:19|20)\d{2}\b/.test(h) ||
    (label.source !== null && h.includes(label.source.toLowerCase())) ||
    (label.location !== null && h.startsWith(label.location.toLowerCase()))
  );
}

const emptyFields = (): Fields => ({
  headings: tally(),
  quotes: tally(),
  quoteText: tally(),
  unattributed: tally(),
  lookahead: tally(),
  horizon: tally(),
  themes: tally(),
  title: tally(),
  place: tally(),
  year: tally(),
  month: tally(),
  day: tally(),
  source: tally(),
  invented: 0,
  datelineHeadings: 0,
});

const recall = (t: Tally): number => (t.expected === 0 ? 1 : t.recalled / t.expected);
const precision = (t: Tally): number => (t.found === 0 ? 1 : t.tp / t.found);

function table(fields: Fields): string[] {
  type Row = [string, Tally, string, (t: Tally) => boolean];
  const field = (name: string, t: Tally): Row => [name, t, 'R >= 0.90', (x) => recall(x) >= 0.9];
  const rows: Row[] = [
    ['headings', fields.headings, 'R >= 0.95', (t) => recall(t) >= 0.95],
    ['quotes with right speaker', fields.quotes, 'R >= 0.95', (t) => recall(t) >= 0.95],
    ['quotes found (any speaker)', fields.quoteText, '', () => true],
    ['unattributed reported', fields.unattributed, '', () => true],
    [
      'looking-ahead sentences',
      fields.lookahead,
      'P,R >= 0.90',
      (t) => precision(t) >= 0.9 && recall(t) >= 0.9,
    ],
    ['horizons (of matched items)', fields.horizon, 'R >= 0.90', (t) => recall(t) >= 0.9],
    ['section themes', fields.themes, '', () => true],
    field('title', fields.title),
    field('dateline place', fields.place),
    field('dateline year', fields.year),
    field('dateline month', fields.month),
    field('dateline day', fields.day),
    field('dateline source', fields.source),
  ];
  const out = [
    '| field                        | expected | found |  TP | precision | recall | target        |',
    '|------------------------------|---------:|------:|----:|----------:|-------:|---------------|',
  ];
  for (const [name, t, target, ok] of rows) {
    const met = target === '' ? '' : ok(t) ? `${target} ✓` : `${target} ✗`;
    out.push(
      `| ${name.padEnd(28)} | ${String(t.expected).padStart(8)} | ${String(t.found).padStart(5)} | ${String(t.tp).padStart(3)} |    ${pct(t.tp, t.found)} | ${pct(t.recalled, t.expected)} | ${met.padEnd(13)} |`,
    );
  }
  const count = (name: string, n: number): string =>
    `| ${name.padEnd(28)} | ${''.padStart(8)} | ${String(n).padStart(5)} |     |           |        | ${`0 ${n === 0 ? '✓' : '✗'}`.padEnd(13)} |`;
  out.push(
    count('invented speakers', fields.invented),
    count('dateline/byline as heading', fields.datelineHeadings),
  );
  return out;
}

/** Ingest speed on a long article: the corpus bodies repeated to 20,000 words, under headings. */
async function timeLongArticle(themes: Theme[], now: Date): Promise<{ words: number; ms: number }> {
  const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.txt')).sort();
  const bodies = await Promise.all(files.map((f) => readFile(join(CORPUS, f), 'utf8')));
  const parts = ['Annual Review of Diplomatic Engagement', ''];
  let words = 0;
  for (let i = 0; words < 20_000; i++) {
    const body = bodies[i % bodies.length] ?? '';
    parts.push(`Part ${i + 1} of the Review`, '', body.split('\n').slice(1).join('\n'), '');
    words += body.split(/\s+/).length;
  }
  const text = parts.join('\n');
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    analyseArticle(text, { themes, origin: 'long', now });
    times.push(performance.now() - t);
  }
  return { words: text.split(/\s+/).length, ms: times.sort((a, b) => a - b)[1] ?? 0 };
}

const pct = (n: number, d: number): string => (d === 0 ? '   —  ' : (n / d).toFixed(3).padStart(6));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      verbose: { type: 'boolean', short: 'v' },
      check: { type: 'boolean' },
      themes: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const themes = await loadThemes(resolve(values.themes ?? 'data/themes.yaml'));
  const labels = z
    .object({ articles: z.array(LabelSchema) })
    .parse(parse(await readFile(join(CORPUS, 'labels.yaml'), 'utf8')));
  const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.txt'));
  const unlabelled = files.filter((f) => !labels.articles.some((l) => l.file === f));
  const misses: string[] = [];
  const groups: { name: string; of: (l: Label) => boolean; fields: Fields; misses: string[] }[] = [
    { name: 'All labelled articles', of: () => true, fields: emptyFields(), misses },
    {
      name: 'Held-out articles (written after tuning; blind first figures in labels.yaml)',
      of: (l) => l.heldout === true,
      fields: emptyFields(),
      misses: [],
    },
    {
      name: 'Blind 2027 set (written and labelled without reading the detectors; first figures in labels.yaml)',
      of: (l) => l.set === 'blind-2027',
      fields: emptyFields(),
      misses: [],
    },
  ];
  const now = new Date('2026-11-28T00:00:00Z');
  let words = 0;
  const started = performance.now();
  const chosen = labels.articles.filter(
    (l) => values.only === undefined || l.set === values.only || (values.only === 'heldout' && l.heldout),
  );
  for (const label of chosen) {
    const text = decodeArticle(await readFile(join(CORPUS, label.file)), label.file);
    const analysis = analyseArticle(text, { themes, origin: label.file, now });
    words += analysis.words;
    for (const g of groups) if (g.of(label)) score(label, analysis, g.fields, g.misses);
  }
  const elapsed = performance.now() - started;
  const long = values.only === undefined ? await timeLongArticle(themes, now) : undefined;

  const out: string[] = [];
  out.push(`Ingest benchmark: ${chosen.length} labelled articles, ${words} words, ${elapsed.toFixed(0)} ms`);
  if (long)
    out.push(`A ${long.words.toLocaleString('en-US')}-word article: ${long.ms.toFixed(0)} ms (median of 3)`);
  if (unlabelled.length > 0) out.push(`(not labelled, skipped: ${unlabelled.join(', ')})`);
  for (const g of groups) {
    const n = chosen.filter(g.of).length;
    if (n > 0) out.push('', `${g.name}: ${n}`, ...table(g.fields));
  }
  const failed = out.some((l) => l.includes('✗'));
  if (values.verbose && misses.length > 0) out.push('', 'Misses and false alarms:', ...misses);
  else if (misses.length > 0) out.push('', `${misses.length} misses or false alarms; --verbose lists them.`);
  console.log(out.join('\n'));
  return values.check && failed ? 1 : 0;
}

process.exitCode = await main();
