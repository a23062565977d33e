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
  const out = nlp
    .readDoc(paragraph)
    .sentences()
    .out()
    .map((s) => s.trim())
    .filter(Boolean);
  return mergeQuoteTails(out);
}

/**
 * The splitter may cut after a closing quote mark's sentence end ("…sudden gestures.” She left."
 * is fine) but it also sometimes leaves a lone closing mark as its own "sentence"; glue it back.
 */
function mergeQuoteTails(sentences: string[]): string[] {
  const out: string[] = [];
  for (const s of sentences) {
    const prev = out.at(-1);
    if (prev !== undefined && /^[”"’»)\]]+$/.test(s)) out[out.length - 1] = prev + s;
    else out.push(s);
  }
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
