/**
 * Runs the detectors over one article and gathers what they found into an Analysis. Each detector
 * lives in its own module and knows nothing of the others; this is the only place they meet.
 */
import { UserError } from '../../errors.js';
import { LIMITS, publicationDate, slug } from '../schema.js';
import { type Dateline, parseDateline, parseHeaderLine } from './dateline.js';
import { formatPartialDate, type PartialDate } from './dates.js';
import { PLACEHOLDER_SOURCE_NAME } from './draft.js';
import type {
  Analysis,
  Finding,
  IngestOptions,
  LookaheadFinding,
  QuoteFinding,
  SectionFinding,
} from './index.js';
import { lookaheadSignal } from './lookahead.js';
import { findQuotes } from './quotes.js';
import { type ArticleStructure, parseStructure, type RawSection } from './structure.js';
import { pickSentences, textRank } from './summary.js';
import { clip, contentStems, isStopWord, splitSentences, squash, wordCount } from './text.js';
import { chooseThemes, compileThemes, fallbackTheme } from './themes.js';
import { deriveTitle } from './title.js';

// The curators' house rule (data/README.md): a passage without a heading of its own gets one
// ending in "(untitled)", so nobody mistakes it for the article's words.
const LEAD_HEADING = 'Opening (untitled)';
const WHOLE_HEADING = 'Full article (untitled)';

interface SentenceRef {
  text: string;
  section: number;
}

export function analyseArticle(text: string, options: IngestOptions): Analysis {
  const structure = parseStructure(text);
  const warnings: string[] = [];
  if (structure.sections.length === 0) {
    throw new UserError('the article has no body text: only a title or header lines were found');
  }
  const firstParagraph = structure.sections[0]?.paragraphs[0] ?? '';
  const inline = parseDateline(firstParagraph);
  // A dateline or byline on its own line above the lead, when the lead opens without one.
  const dateline = inline ?? structure.headerLines.map(parseHeaderLine).find((d) => d?.place !== undefined);
  // The lead without its dateline: what the summary and the title read from.
  const sectionsForText: RawSection[] = structure.sections.map((s, i) =>
    i === 0 && inline ? { ...s, paragraphs: [inline.rest, ...s.paragraphs.slice(1)] } : s,
  );

  const sentences: SentenceRef[] = [];
  sectionsForText.forEach((s, i) => {
    for (const p of s.paragraphs) for (const t of splitSentences(p)) sentences.push({ text: t, section: i });
  });
  const scores = textRank(sentences.map((s) => contentStems(s.text)));

  const published = publication(dateline, structure, options, warnings);
  const anchor = parsePartial(published.value);
  const compiled = compileThemes(options.themes);
  const fallback = fallbackTheme(options.themes);

  const sections: SectionFinding[] = sectionsForText.map((raw, i) => {
    const heading = raw.heading ?? (sectionsForText.length === 1 ? WHOLE_HEADING : LEAD_HEADING);
    const body = raw.paragraphs.join('\n');
    const themes = chooseThemes(raw.heading, body, compiled, fallback);
    const own = sentences.map((s, k) => ({ s, k })).filter((x) => x.s.section === i);
    const ownScores = own.map((x) => scores[x.k] ?? 0);
    const ownTexts = own.map((x) => x.s.text);
    const summaryIdx = pickSentences(ownTexts, ownScores, 2, LIMITS.sectionSummary);
    const summary =
      summaryIdx.map((k) => ownTexts[k]).join(' ') || clip(ownTexts[0] ?? body, LIMITS.sectionSummary);
    const rest = ownTexts.map((t, k) => ({ t, k })).filter((x) => !summaryIdx.includes(x.k));
    const pointIdx = pickSentences(
      rest.map((x) => x.t),
      rest.map((x) => ownScores[x.k] ?? 0),
      3,
      Number.POSITIVE_INFINITY,
    );
    return {
      heading: clip(heading, LIMITS.heading),
      headingFound: raw.heading !== undefined,
      paragraphs: structure.sections[i]?.paragraphs ?? raw.paragraphs,
      themes,
      summary: clip(summary, LIMITS.sectionSummary),
      points: pointIdx.map((k) => clip(rest[k]?.t ?? '', LIMITS.point)).filter(Boolean),
    };
  });

  const found = findQuotes(structure.sections);
  const quoteFindings: QuoteFinding[] = found.map((q) => {
    const section = sections[q.section];
    const own = chooseThemes(undefined, q.text, compiled, fallback);
    const themes = own.fallback ? (section?.themes.themes ?? [fallback]) : own.themes;
    const finding: QuoteFinding = { ...q, text: clip(q.text, LIMITS.quote), themes };
    if (section?.headingFound)
      finding.context = clip(`From the section "${section.heading}".`, LIMITS.context);
    return finding;
  });

  const lookahead: LookaheadFinding[] = [];
  for (const s of sentences) {
    const signal = lookaheadSignal(s.text, anchor);
    if (!signal) continue;
    const own = chooseThemes(undefined, s.text, compiled, fallback);
    const sectionThemes = sections[s.section]?.themes.themes ?? [fallback];
    const item: LookaheadFinding = {
      text: clip(s.text, LIMITS.lookahead),
      themes: own.fallback ? sectionThemes : own.themes.slice(0, 2),
      cue: signal.cue,
      section: s.section,
    };
    if (signal.horizon) item.horizon = signal.horizon;
    lookahead.push(item);
  }

  const summaryIdx = pickSentences(
    sentences.map((s) => s.text),
    scores,
    3,
    LIMITS.briefingSummary,
    (i) => (i < 2 ? 1.5 : i < 5 ? 1.15 : 1),
  );
  const summary = summaryIdx.map((i) => sentences[i]?.text ?? '').join(' ');

  const title = titleOf(structure, dateline, sentences, warnings);
  const id = idOf(options, title.value, published.value, warnings);
  const source = sourceOf(options, dateline, structure, warnings);
  const headings = sections.filter((s) => s.headingFound).length;
  if (headings === 0) warnings.push('no section headings found: the whole article is one section');
  const unattributed = quoteFindings.filter((q) => q.speaker === undefined);
  if (unattributed.length > 0) {
    warnings.push(
      `${unattributed.length} quotation(s) without a speaker in the text: left as comments in the draft`,
    );
  }

  const analysis: Analysis = {
    title,
    id,
    source,
    published,
    summary: clip(summary || (sentences[0]?.text ?? ''), LIMITS.briefingSummary),
    sections,
    quotes: quoteFindings.filter((q) => q.speaker !== undefined),
    unattributed,
    lookahead,
    words: wordCount(text),
    warnings,
  };
  if (options.url) analysis.url = options.url;
  if (dateline?.place)
    // Where the story was filed, which need not be where the events happened.
    analysis.location = {
      value: clip(dateline.place, LIMITS.location),
      how: 'found',
      note: 'dateline: where the story was filed; check it is the venue',
    };
  if (dateline) analysis.dateline = dateline.raw;
  if (structure.byline) analysis.byline = structure.byline;
  return analysis;
}

function publication(
  dateline: Dateline | undefined,
  structure: ArticleStructure,
  options: IngestOptions,
  warnings: string[],
): Finding<string> {
  if (options.published) {
    const checked = publicationDate.safeParse(options.published);
    if (!checked.success) throw new UserError(`--published ${options.published}: use YYYY-MM-DD or YYYY-MM`);
    return { value: checked.data, how: 'given', note: 'command line' };
  }
  const fromText = dateline?.date ?? structure.headerDate;
  if (fromText?.month !== undefined) {
    const precise = {
      year: fromText.year,
      month: fromText.month,
      ...(fromText.day ? { day: fromText.day } : {}),
    };
    const note = `${dateline?.date ? 'dateline' : 'header line'}${fromText.day ? '' : ', month only'}`;
    return { value: formatPartialDate(precise), how: 'found', note };
  }
  const today = options.now.toISOString().slice(0, 10);
  warnings.push(`no publication date in the text: ${today} (today) is a placeholder; set the real one`);
  return { value: today, how: 'placeholder', note: 'no date in the text; today is a placeholder' };
}

function parsePartial(value: string): PartialDate {
  const [y, m, d] = value.split('-').map(Number);
  return { year: y ?? 0, ...(m ? { month: m } : {}), ...(d ? { day: d } : {}) };
}

function titleOf(
  structure: ArticleStructure,
  dateline: Dateline | undefined,
  sentences: SentenceRef[],
  warnings: string[],
): Finding<string> {
  if (structure.title)
    return { value: clip(structure.title, LIMITS.title), how: 'found', note: 'first line' };
  const derived = deriveTitle(
    sentences.map((s) => s.text),
    dateline?.source,
  );
  warnings.push('the article has no title line: the title was derived from the lead; write a real one');
  return {
    value: clip(derived, LIMITS.title),
    how: 'derived',
    note: 'no title line; made from the lead and key phrase',
  };
}

function idOf(options: IngestOptions, title: string, published: string, warnings: string[]): Finding<string> {
  if (options.id) {
    if (!slug.safeParse(options.id).success) {
      warnings.push(`id "${options.id}" is not a lowercase slug; data:check will reject it until renamed`);
    }
    return { value: options.id, how: 'given', note: 'file name' };
  }
  const words = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/\s+/)
    .filter((w) => w && !isStopWord(w))
    .slice(0, 6);
  const base = `${words.join('-')}-${published.slice(0, 7)}`.replace(/[^a-z0-9-]+/g, '').replace(/-+/g, '-');
  return { value: base.slice(0, LIMITS.id).replace(/-$/, ''), how: 'derived', note: 'title and date' };
}

function sourceOf(
  options: IngestOptions,
  dateline: Dateline | undefined,
  structure: ArticleStructure,
  warnings: string[],
): Finding<string> {
  if (options.source)
    return { value: clip(options.source, LIMITS.sourceName), how: 'given', note: 'command line' };
  const found = dateline?.source ?? structure.headerSource;
  if (found) {
    return {
      value: clip(squash(found), LIMITS.sourceName),
      how: 'found',
      note: dateline?.source ? 'dateline' : 'header line',
    };
  }
  warnings.push('no source named in the text: source.name is a placeholder; set it (or pass --source)');
  return { value: PLACEHOLDER_SOURCE_NAME, how: 'placeholder', note: 'not named in the text' };
}
