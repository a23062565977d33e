import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { analyseArticle } from '../../../src/briefings/ingest/analyse.js';
import { buildDraft } from '../../../src/briefings/ingest/draft.js';
import { wordCount } from '../../../src/briefings/ingest/text.js';
import { loadThemes } from '../../../src/briefings/ingest/themes.js';
import { BriefingSchema, LIMITS } from '../../../src/briefings/schema.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'bench', 'ingest-corpus');

/** A 20,000-word article built from the corpus bodies, each part under a heading of its own. */
async function longArticle(): Promise<{ text: string; parts: number }> {
  const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.txt')).sort();
  // Paragraph lines only (one paragraph per line); the hard-wrapped article has too few to use.
  const bodies = (
    await Promise.all(
      files.map(async (f) =>
        (
          await readFile(join(CORPUS, f), 'utf8')
        )
          .split('\n')
          .filter((l) => /[.!?”"’]$/.test(l.trim()))
          .join('\n'),
      ),
    )
  ).filter((b) => wordCount(b) > 200);
  const lines = [
    'Annual Review of Diplomatic Engagement',
    'BRUSSELS, Jan. 14, 2026 — The review opens here.',
  ];
  let parts = 0;
  while (wordCount(lines.join(' ')) < 20_000) {
    const body = bodies[parts % bodies.length] ?? '';
    parts++;
    lines.push(`Part ${parts} of the Review`, body);
  }
  return { text: lines.join('\n'), parts };
}

test('GIVEN a 20,000-word article THEN it is processed without error into a valid draft', async () => {
  const { text, parts } = await longArticle();
  expect(wordCount(text)).toBeGreaterThanOrEqual(20_000);
  const themes = await loadThemes(join(import.meta.dirname, 'fixtures', 'themes.yaml'));
  const now = new Date('2026-11-28T09:00:00Z');
  const analysis = analyseArticle(text, { themes, origin: 'long.txt', now, id: 'annual-review-2026-01' });
  const draft = buildDraft(analysis, { origin: 'long.txt', now });
  const parsed = BriefingSchema.parse(parse(draft.yaml));
  expect(parsed.sections.filter((s) => s.heading.startsWith('Part '))).toHaveLength(parts);
  expect(parsed.quotes.length).toBeGreaterThan(parts);
  expect(parsed.looking_ahead.length).toBeGreaterThan(parts);
  expect(parsed.summary.length).toBeLessThanOrEqual(LIMITS.briefingSummary);
});

test('GIVEN a 20,000-word article that is one paragraph with quotations THEN it is processed without error', async () => {
  const sentence =
    'Officials met again in Brussels on Tuesday, and “we will meet again in June,” said Dr. Anna Weber of the U.S. delegation. ';
  const text = sentence.repeat(Math.ceil(20_000 / wordCount(sentence)));
  expect(wordCount(text)).toBeGreaterThanOrEqual(20_000);
  const themes = await loadThemes(join(import.meta.dirname, 'fixtures', 'themes.yaml'));
  const now = new Date('2026-11-28T09:00:00Z');
  const analysis = analyseArticle(text, { themes, origin: 'one.txt', now, id: 'one-paragraph-2026-11' });
  expect(analysis.sections).toHaveLength(1);
  expect(analysis.quotes.length).toBeGreaterThan(800);
  expect(analysis.quotes.every((q) => q.speaker === 'Dr. Anna Weber')).toBe(true);
  expect(BriefingSchema.safeParse(buildDraft(analysis, { origin: 'one.txt', now }).briefing).success).toBe(
    true,
  );
});
