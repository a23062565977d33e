import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { analyseArticle } from '../../../src/briefings/ingest/analyse.js';
import { buildDraft } from '../../../src/briefings/ingest/draft.js';
import { decodeArticle } from '../../../src/briefings/ingest/input.js';
import { loadThemes } from '../../../src/briefings/ingest/themes.js';
import { BriefingSchema } from '../../../src/briefings/schema.js';
import { SEED_HEADINGS } from '../../fixtures/seed-article.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SEED = join(ROOT, 'bench', 'ingest-corpus', 'brussels-us-ukraine-talks-2026-01.txt');
const now = new Date('2026-11-28T09:00:00Z');
const themes = await loadThemes(join(import.meta.dirname, 'fixtures', 'themes.yaml'));

describe('GIVEN the seed article', async () => {
  const text = decodeArticle(await readFile(SEED), 'seed');
  const analysis = analyseArticle(text, {
    themes,
    origin: 'seed.txt',
    now,
    id: 'brussels-us-ukraine-talks-2026-01',
  });
  const draft = buildDraft(analysis, { origin: 'seed.txt', now });
  const reparsed = parse(draft.yaml);

  test('THEN the YAML passes the briefing schema as a draft', () => {
    const result = BriefingSchema.safeParse(reparsed);
    expect(result.success).toBe(true);
    expect(result.data?.status).toBe('draft');
  });

  test('THEN every section heading of the article is there, after a flagged opening section', () => {
    const headings = reparsed.sections.map((s: { heading: string }) => s.heading);
    expect(headings).toEqual(['Opening (untitled)', ...SEED_HEADINGS]);
    expect(reparsed.sections.every((s: { themes: string[] }) => s.themes.length >= 1)).toBe(true);
  });

  test('THEN its one quote has the speaker "A senior transatlantic official"', () => {
    expect(reparsed.quotes).toEqual([
      expect.objectContaining({
        speaker: 'A senior transatlantic official',
        text: 'Durable partnerships are built through consistent dialogue and strategic patience, not through sudden gestures.',
      }),
    ]);
  });

  test('THEN its forward-looking sentences are looking-ahead items, with the year where stated', () => {
    const items = reparsed.looking_ahead.map((l: { text: string; horizon?: string }) => [l.text, l.horizon]);
    expect(items).toEqual(
      expect.arrayContaining([
        ['As the year continues, further rounds of engagement are anticipated.', '2026'],
        ['Future engagements are planned across multiple levels, reinforcing continuity.', undefined],
        [
          'As 2026 unfolds, the direction set in Brussels is likely to shape the trajectory of bilateral and transatlantic engagement alike.',
          '2026',
        ],
      ]),
    );
  });

  test('THEN the dateline gives month-only publication, place and source, and no URL is invented', () => {
    expect(reparsed).toMatchObject({
      published: '2026-01',
      location: 'Washington, D.C., United States',
      source: { name: 'Brussels Morning Newspaper' },
    });
    expect(reparsed.source.url).toBeUndefined();
  });

  test('THEN machine-made values carry comments for the curator', () => {
    const doc = parseDocument(draft.yaml);
    expect(doc.commentBefore).toMatch(/DRAFT made by `npm run ingest`/);
    expect(draft.yaml).toMatch(/^title: .* # DERIVED: no title line/m);
    expect(draft.yaml).toMatch(/^published: 2026-01 # machine-extracted \(dateline, month only\)/m);
    expect(draft.yaml).toMatch(/^# EXTRACTIVE: TextRank picked these sentences/m);
    expect(draft.yaml).toMatch(/# heading: DERIVED \(the article's lead has no heading\)/);
    expect(draft.yaml).toMatch(/# machine-extracted: speaker named before the quotation/);
    expect(draft.yaml).toMatch(
      /# machine-extracted \(cue: "are anticipated"\); horizon read from the sentence: 2026/,
    );
  });

  test('THEN the summary is two or three sentences lifted from the article', () => {
    const parts = reparsed.summary.match(/[^.!?]+[.!?]/g) ?? [];
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThanOrEqual(3);
    for (const p of parts) expect(text.replace(/\s+/g, ' ')).toContain(p.trim());
  });
});

describe('GIVEN an article with no date, no source, no headings and an unattributed quote', () => {
  const article = [
    'Talks Stall Over Corridor Verification',
    '',
    'Negotiators failed to agree on corridor verification on Friday and will meet again next month.',
    'A banner outside read: “Open the corridors now, before winter comes.”',
    '“We will not sign this text as it stands,” he said.',
  ].join('\n');
  const analysis = analyseArticle(article, { themes, origin: 'a.txt', now });
  const draft = buildDraft(analysis, { origin: 'a.txt', now });
  const reparsed = parse(draft.yaml);

  test('THEN the draft still passes the schema, with placeholders marked and warned about', () => {
    expect(BriefingSchema.safeParse(reparsed).success).toBe(true);
    expect(draft.yaml).toMatch(/^published: 2026-11-28 # PLACEHOLDER/m);
    expect(draft.yaml).toMatch(/name: Unknown source # PLACEHOLDER/);
    expect(analysis.warnings.join('\n')).toMatch(/no publication date[\s\S]*no source named/);
  });

  test('THEN the whole article is one flagged section', () => {
    expect(reparsed.sections.map((s: { heading: string }) => s.heading)).toEqual(['Full article (untitled)']);
  });

  test('THEN the banner that read a quotation is its speaker, and a "he" with no one named stays unattributed', () => {
    expect(reparsed.quotes.map((q: { speaker: string; text: string }) => [q.speaker, q.text])).toEqual([
      ['A banner', 'Open the corridors now, before winter comes.'],
    ]);
    expect(analysis.unattributed.map((q) => q.text)).toEqual(['We will not sign this text as it stands']);
    expect(draft.yaml).toMatch(/# UNATTRIBUTED: these quotations have no speaker/);
    expect(draft.yaml).toMatch(/# {3}“We will not sign this text as it stands” \(attributed only to "he"/);
  });

  test('THEN the id comes from the title and date', () => {
    expect(reparsed.id).toBe('talks-stall-corridor-verification-2026-11');
  });
});

test('GIVEN values from the command line THEN they win over detection and are marked as given', () => {
  const analysis = analyseArticle('Some Title\nBRUSSELS, Jan. 14, 2026 — Ministers met.', {
    themes,
    origin: 'a.txt',
    now,
    source: 'Reuters',
    url: 'https://example.org/a',
    published: '2026-01-15',
  });
  const draft = buildDraft(analysis, { origin: 'a.txt', now });
  expect(draft.briefing).toMatchObject({
    source: { name: 'Reuters', url: 'https://example.org/a' },
    published: '2026-01-15',
  });
  expect(draft.yaml).toMatch(/name: Reuters # given on the command line/);
});
