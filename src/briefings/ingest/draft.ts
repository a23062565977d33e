/**
 * The draft briefing as YAML, with a comment on every value the tool produced so the curator
 * knows what to check. Marks used:
 *   # machine-extracted: …   found in the article; check it against the text
 *   # DERIVED: …             made by the tool (no such thing in the article); replace it
 *   # EXTRACTIVE: …          sentences copied from the article; rewrite in your own words
 *   # PLACEHOLDER: …         not in the article; must be set before publishing
 *   # FALLBACK THEME: …      no keyword matched; choose the right theme
 */
import { Document, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { type BriefingInput, BriefingSchema } from '../schema.js';
import type { Analysis, Finding, IngestOptions, QuoteFinding, SectionFinding } from './index.js';

/**
 * The marks the writer puts in comments, and what the curator must do about each. data:check
 * refuses a published briefing that still carries one, so both read them from here.
 */
export const DRAFT_MARKS = [
  { mark: 'PLACEHOLDER', todo: 'set the real value' },
  { mark: 'EXTRACTIVE', todo: 'rewrite it in your own words' },
  { mark: 'DERIVED', todo: 'replace it with your own' },
  { mark: 'FALLBACK THEME', todo: 'choose the right theme' },
  { mark: 'UNATTRIBUTED', todo: 'attribute those quotations from the article or leave them out' },
  { mark: 'machine-extracted', todo: 'check it against the article' },
] as const;

type Mark = (typeof DRAFT_MARKS)[number]['mark'];
const M = Object.fromEntries(DRAFT_MARKS.map((m) => [m.mark, m.mark])) as { [K in Mark]: K };

/** First words of the header comment of every draft. */
export const DRAFT_HEADER = 'DRAFT made by `npm run ingest`';

/** The source name a draft gets when the article names none. */
export const PLACEHOLDER_SOURCE_NAME = 'Unknown source';

export interface Draft {
  briefing: BriefingInput;
  yaml: string;
}

const WRAP = 100;

export function buildDraft(analysis: Analysis, options: Pick<IngestOptions, 'origin' | 'now'>): Draft {
  const briefing: BriefingInput = {
    id: analysis.id.value,
    status: 'draft',
    title: analysis.title.value,
    source: analysis.url
      ? { name: analysis.source.value, url: analysis.url }
      : { name: analysis.source.value },
    published: analysis.published.value,
    ...(analysis.location ? { location: analysis.location.value } : {}),
    summary: analysis.summary,
    sections: analysis.sections.map((s) => ({
      heading: s.heading,
      themes: s.themes.themes,
      summary: s.summary,
      points: s.points,
    })),
    quotes: analysis.quotes.map((q) => ({
      text: q.text,
      speaker: q.speaker ?? '',
      ...(q.role ? { role: q.role } : {}),
      ...(q.context ? { context: q.context } : {}),
      themes: q.themes,
    })),
    looking_ahead: analysis.lookahead.map((l) => ({
      text: l.text,
      themes: l.themes,
      ...(l.horizon ? { horizon: l.horizon } : {}),
    })),
  };

  const checked = BriefingSchema.safeParse(briefing);
  if (!checked.success) {
    // A draft that fails the schema is a bug in ingest, not in the article: say so plainly.
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`internal error: the draft does not pass the briefing schema (${issues})`);
  }

  // Shared arrays (a section's themes reused by its items) must not become YAML aliases a curator trips over.
  const doc = new Document(briefing, { aliasDuplicateObjects: false });
  doc.commentBefore = header(analysis, options);
  const root = doc.contents as YAMLMap;
  const pair = (map: YAMLMap, key: string): Pair<Node, Node> | undefined =>
    map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair<Node, Node> | undefined;
  const markValue = (map: YAMLMap, key: string, comment: string) => {
    const v = pair(map, key)?.value;
    if (v) v.comment = ` ${comment}`;
  };
  const markKey = (map: YAMLMap, key: string, comment: string) => {
    const k = pair(map, key)?.key;
    if (k) k.commentBefore = comment;
  };

  markValue(
    root,
    'status',
    'drafts are checked by data:check but never served; set "published" once reviewed',
  );
  markValue(
    root,
    'id',
    analysis.id.how === 'derived'
      ? `${M.DERIVED} from the title and date; must equal the file name (without .yaml)`
      : `${mark(analysis.id, 'an id')}; must equal the file name (without .yaml)`,
  );
  markValue(root, 'title', mark(analysis.title, 'a title'));
  const source = pair(root, 'source')?.value;
  if (isMap(source)) markValue(source, 'name', mark(analysis.source, 'the source'));
  markValue(root, 'published', mark(analysis.published, 'the publication date'));
  if (analysis.location) markValue(root, 'location', mark(analysis.location, 'a location'));
  markKey(
    root,
    'summary',
    wrap(
      `${M.EXTRACTIVE}: TextRank picked these sentences from the article; rewrite in your own words before publishing`,
    ),
  );

  const sections = pair(root, 'sections')?.value;
  if (isSeq(sections)) {
    sections.items.forEach((node, i) => {
      const s = analysis.sections[i];
      if (isMap(node) && s) annotateSection(node, s, markKey);
    });
  }
  const quotes = pair(root, 'quotes')?.value;
  if (isSeq(quotes)) {
    quotes.items.forEach((node, i) => {
      const q = analysis.quotes[i];
      if (isMap(node) && q)
        node.commentBefore = ` ${M['machine-extracted']}: ${speakerNote(q)}; check the speaker and the verbatim text`;
    });
  }
  const quotesKey = pair(root, 'quotes')?.key;
  if (quotesKey && analysis.unattributed.length > 0)
    quotesKey.commentBefore = unattributedBlock(analysis.unattributed);
  const ahead = pair(root, 'looking_ahead')?.value;
  if (isSeq(ahead)) {
    ahead.items.forEach((node, i) => {
      const l = analysis.lookahead[i];
      if (!isMap(node) || !l) return;
      node.commentBefore = ` ${M['machine-extracted']} (cue: "${l.cue}")${l.horizon ? `; horizon read from the sentence: ${l.horizon}` : '; no horizon stated'}`;
    });
  }
  return { briefing, yaml: doc.toString({ lineWidth: 0 }) };
}

type Marker = (map: YAMLMap, key: string, comment: string) => void;

function annotateSection(node: YAMLMap, s: SectionFinding, markKey: Marker): void {
  node.commentBefore = s.headingFound
    ? ` heading: ${M['machine-extracted']} from the article (${s.paragraphs.length} paragraph(s) under it)`
    : ` heading: ${M.DERIVED} (the article's lead has no heading); rename it or merge the section`;
  const matched = s.themes.scores
    .filter((x) => s.themes.themes.includes(x.id) && x.matched.length > 0)
    .map((x) => `${x.id} (${x.matched.slice(0, 4).join(', ')})`)
    .join('; ');
  markKey(
    node,
    'themes',
    s.themes.fallback
      ? ` ${M['FALLBACK THEME']}: no theme keyword matched this section; choose the right theme`
      : wrap(`${M['machine-extracted']} from keyword stems: ${matched}`),
  );
  markKey(node, 'summary', ` ${M.EXTRACTIVE}: copied from the section; rewrite before publishing`);
  if (s.points.length > 0)
    markKey(node, 'points', ` ${M.EXTRACTIVE}: candidate key points copied from the section`);
}

function mark(f: Finding<string>, what: string): string {
  switch (f.how) {
    case 'found':
      // A note that already says what to check (the location's) needs no second "check it".
      return `${M['machine-extracted']} (${f.note})${/\bcheck\b/.test(f.note) ? '' : '; check it'}`;
    case 'derived':
      return `${M.DERIVED}: ${f.note}; replace with ${what} of your own`;
    case 'given':
      return `given on the command line (${f.note})`;
    case 'placeholder':
      return `${M.PLACEHOLDER}: ${f.note}; set ${what}`;
  }
}

function speakerNote(q: QuoteFinding): string {
  switch (q.via) {
    case 'said-after':
      return 'speaker named after the quotation';
    case 'said-before':
      return 'speaker named before the quotation';
    case 'according-to':
      return 'speaker from "according to"';
    case 'colon':
      return 'speaker from the "Name: …" form';
    case 'put-it':
      return 'speaker from "as … put it"';
    case 'document':
      return 'a document, sign or statement that "read" the quotation';
    case 'continued':
      return 'continues the previous quotation of the same speaker';
    case 'pronoun':
      return `the article says "${q.pronoun ?? 'he/she'}"; speaker resolved from the name before it`;
    case 'unattributed':
      return 'no speaker';
  }
}

function unattributedBlock(quotes: QuoteFinding[]): string {
  const lines = [
    ` ${M.UNATTRIBUTED}: these quotations have no speaker the text names, so they are not in the list below.`,
    ' Add one only if you can attribute it from the article.',
  ];
  for (const q of quotes) {
    const entry = wrap(`“${q.text}” (${q.note ?? 'no speaker'}; section ${q.section + 1})`);
    lines.push(...entry.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}

function header(analysis: Analysis, options: Pick<IngestOptions, 'origin' | 'now'>): string {
  return [
    ` ${DRAFT_HEADER} from ${options.origin} on ${options.now.toISOString().slice(0, 10)}.`,
    ' Nothing here is reviewed. Comments mark what the tool did:',
    '   machine-extracted = found in the article, check it; DERIVED = made up by the tool, replace it;',
    '   EXTRACTIVE = copied sentences, rewrite them; PLACEHOLDER = missing from the article, set it.',
    ' Summaries must be in the curator’s own words before status becomes "published".',
    ...(analysis.warnings.length > 0 ? [' Warnings:', ...analysis.warnings.map((w) => `   - ${w}`)] : []),
  ].join('\n');
}

/** A comment body split into lines of about WRAP characters (YAML comments cannot wrap themselves). */
function wrap(text: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + w.length + 1 > WRAP) {
      lines.push(` ${line}`);
      line = `  ${w}`;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(` ${line}`);
  return lines.join('\n');
}
