/**
 * Language helpers shared by the detectors: sentence splitting, stems and part-of-speech tags from
 * wink-nlp's English lite model (bundled as an npm package, so nothing is downloaded at run time).
 */
import model from 'wink-eng-lite-web-model';
import winkNLP, { type ItsFunction } from 'wink-nlp';

// Sentiment, negation and custom entities are not used; leaving them out of the pipe saves time on
// long articles. NER stays: the sentence splitter leans on it to keep "Jan. 5" or "3 p.m." whole.
const nlp = winkNLP(model, ['sbd', 'pos', 'ner']);
const its = nlp.its;

export interface Token {
  text: string;
  /** Lower-cased Porter2 stem; what theme keywords are matched on. */
  stem: string;
  lemma: string;
  pos: string;
  isWord: boolean;
}

/** Splits one paragraph into sentences; abbreviations such as Dr., U.S., Jan. and p.m. stay whole. */
export function splitSentences(paragraph: string): string[] {
  if (paragraph.trim() === '') return [];
  const spans: [number, number][] = [];
  let cursor = 0;
  for (const raw of nlp.readDoc(paragraph).sentences().out()) {
    const t = raw.trim();
    if (!t) continue;
    const at = paragraph.indexOf(t, cursor);
    // wink returns sentences verbatim; if one cannot be found, fall back to its own text.
    if (at < 0)
      return mergeBrokenSentences(
        nlp
          .readDoc(paragraph)
          .sentences()
          .out()
          .map((x) => x.trim()),
      );
    spans.push([at, at + t.length]);
    cursor = at + t.length;
  }
  return mergeBrokenSentences(
    spans.map(([a, b]) => paragraph.slice(a, b)),
    paragraph,
    spans,
  );
}

const TITLE_END = /(?:^|[\s(])(?:Dr|Mr|Mrs|Ms|Mx|Prof|Gen|Sen|Rep|Gov|Col|Lt|Capt|Adm|Amb|St)\.$/;
const MONTH_END = /(?:^|\s)(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$/;
const INITIALISM_END = /(?:^|[\s(-])(?:\p{Lu}\.)+$/u;
const ATTRIBUTION_START =
  /^(?:(?:said|says|told|added|asked|wrote|replied)\b|(?:he|she|they|it)\s+(?:said|says|added|asked|told|wrote)\b|(?:[\p{Lu}][\p{L}.'’-]*\s+){1,4}(?:said|says|told|added|asked|wrote|replied)\b)/u;

/**
 * Undo the splitter's known slips: "EU-U.S. task force" cut after "U.", "Dr. | Weber", "Jan. | 5",
 * and "“…months?” | Lindqvist said." where the attribution belongs to the quoted question.
 */
function mergeBrokenSentences(sentences: string[], paragraph?: string, spans?: [number, number][]): string[] {
  const out: string[] = [];
  const outSpans: [number, number][] = [];
  sentences.forEach((s, i) => {
    const prev = out.at(-1);
    const glue =
      prev !== undefined &&
      ((INITIALISM_END.test(prev) && /^\p{Lu}\./u.test(s)) ||
        TITLE_END.test(prev) ||
        (MONTH_END.test(prev) && /^\d/.test(s)) ||
        /^[”"’»)\]]+$/.test(s) ||
        (/[?!][”"’]$/.test(prev) && ATTRIBUTION_START.test(s)));
    const span = spans?.[i];
    const prevSpan = outSpans.at(-1);
    if (glue && prev !== undefined) {
      // Rejoin from the paragraph itself so "EU-U.S." keeps having no space in it.
      if (paragraph !== undefined && span && prevSpan) {
        prevSpan[1] = span[1];
        out[out.length - 1] = paragraph.slice(prevSpan[0], prevSpan[1]);
      } else out[out.length - 1] = `${prev}${/^[”"’»)\]]/.test(s) ? '' : ' '}${s}`;
    } else {
      out.push(s);
      if (span) outSpans.push([span[0], span[1]]);
    }
  });
  return out;
}

export function tokenize(text: string): Token[] {
  const doc = nlp.readDoc(text);
  const texts = doc.tokens().out();
  // The bundled typings declare stem/lemma with an extra addons parameter the runtime supplies itself.
  const stems = doc.tokens().out(its.stem as unknown as ItsFunction<string>);
  const lemmas = doc.tokens().out(its.lemma as unknown as ItsFunction<string>);
  const pos = doc.tokens().out(its.pos);
  const types = doc.tokens().out(its.type);
  return texts.map((t, i) => ({
    text: t,
    stem: String(stems[i] ?? t).toLowerCase(),
    lemma: String(lemmas[i] ?? t).toLowerCase(),
    pos: String(pos[i] ?? ''),
    isWord: types[i] === 'word',
  }));
}

/** Stems of the words in `text`, in order (punctuation and numbers dropped). */
export function stems(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.isWord)
    .map((t) => t.stem);
}

const STOP = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being it its this that ' +
    'these those there their they them he she his her we our you your i not no so than then also which who whom ' +
    'whose what when where while has have had do does did can could would should may might must will shall into ' +
    'over under about after before between through during up down out off more most such only other any each both ' +
    'all some very just one two'
  ).split(' '),
);

export const isStopWord = (word: string): boolean => STOP.has(word.toLowerCase());

/** Content-word stems, for similarity between sentences. */
export function contentStems(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.isWord && !isStopWord(t.text) && t.text.length > 1)
    .map((t) => t.stem);
}

/** Whitespace collapsed, typographic spaces made plain; what detectors compare. */
export const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

export const wordCount = (s: string): number => (s.trim() === '' ? 0 : s.trim().split(/\s+/).length);

/** Cuts at a word boundary so the result, ellipsis included, is at most `max` characters. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

export const capitalizeFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Letters that open or close a quotation, straight and typographic. */
export const OPEN_QUOTES = '“"«„‘';
export const CLOSE_QUOTES = '”"»“’';
