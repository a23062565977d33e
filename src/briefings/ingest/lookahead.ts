/**
 * Forward-looking sentences: what is expected, planned or scheduled, with a horizon when the
 * sentence states one. Tuned for precision: a curator deletes a wrong item more slowly than they
 * notice a missing one in a draft that lists the article beside it, so weak signals ("future",
 * "ahead of") never count on their own.
 */
import { horizonOf, mentionsFutureDate, type PartialDate } from './dates.js';
import { tokenize } from './text.js';

export interface LookaheadSignal {
  /** The phrase that made the sentence count, for the report. */
  cue: string;
  horizon?: string;
}

const STRONG: RegExp[] = [
  /\bshall\b/i,
  /\b(?:is|are|remains?)\s+(?:now\s+|also\s+)?(?:expected|scheduled|set|due|slated|poised|likely|unlikely|going|planned)\s+to\b/i,
  // "are to take over": the formal future, but not "the aim is to".
  /(?<!\b(?:aim|goal|idea|task|purpose|point|challenge|plan|hope|priority|question)\s)\b(?:is|are)\s+to\s+(?!be\s+(?:blamed|found|seen)\b)(?:start|begin|take|hold|meet|open|run|report|publish|present|visit|sign|return|resume|be)\b/i,
  // Timetable verbs: "the timetable foresees six more rounds".
  /\b(?:foresees?|envisages?|provides\s+for)\b/i,
  /\b(?:is|are)\s+(?:now\s+|also\s+)?(?:planned|scheduled|anticipated|expected|envisaged|foreseen|pencilled in|penciled in)\b/i,
  /\b(?:will be|are to be|is to be)\s+(?:held|hosted|convened|published|presented|signed|launched|reviewed|discussed)\b/i,
  /\b(?:upcoming|forthcoming)\b/i,
  /\bnext\s+(?:round|meeting|session|summit|week|month|year|phase|stage|step|steps|talks|visit|review|ministerial)\b/i,
  /\b(?:in|over|within|during|for)\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:days|weeks|months|years|quarter)\b/i,
  /\b(?:planned|scheduled|slated|pencilled|penciled)\s+(?:in\s+)?for\b/i,
  // Reported future: "said they would finance", "told reporters that the systems would be deployed".
  // "would be the real test" is a judgement, not an expected event: after "would be" only a participle counts.
  /\b(?:said|says|told\s+\S+(?:\s+\S+)?|announced|confirmed|promised|pledged|signall?ed|indicated|hoped|hopes|expects|expected)\s+(?:that\s+)?[^.;:!?“”"]{0,80}?\bwould\s+(?:be\s+(?:\w+(?:ed|en|wn)|held|built|sent|set|made|paid|kept|run|shut|cut)\b|have\s+to\s+\w+|(?!be\b|have\b)\w+)/i,
  /\b(?:expects?|expected)\s+(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){0,6}to\s+(?!date\b)\w+/i,
  /\bthe\s+(?:days|weeks|months|years|period)\s+ahead\b/i,
  /\blater\s+(?:this|in the|next)\s+(?:year|month|week|spring|summer|autumn|fall|winter|decade)\b/i,
  /\b(?:plans?|intends?|is preparing|are preparing|is poised|are poised)\s+to\b/i,
  /\b(?:by|before|until)\s+the\s+end\s+of\s+(?:the\s+)?(?:year|month|quarter|20\d{2}|next)\b/i,
  /\blooking ahead\b/i,
  /\b(?:agreed|decided|voted)\s+to\s+(?:meet|reconvene|resume|hold|return|convene|review)\b/i,
];

// Weaker modals count only with a stated time that has not passed: "could arrive in September".
// Lower case only, so the month "May" is not read as the verb.
const MODAL = /\b(?:should|could|may|might|would|must)\b/;

// A sentence about the past that merely mentions plans ("had been expected to", "was planned but",
// "first planned for March", "planned for last June"). "would have to" is an obligation ahead.
const BACKWARD =
  /\b(?:had been|(?:would|could|should) have(?!\s+to\b)|was originally|were originally|(?:was|were)\s+(?:first\s+|originally\s+|initially\s+)?(?:planned|scheduled|set|slated|due|expected)\b|first\s+(?:planned|scheduled|set)|(?:planned|scheduled|set|slated)\s+for\s+last\b)/i;

/**
 * Sentences that carry a forward-looking word but are no item (the labelling rules): a party's
 * opinion or prediction, a statement of need, a proposal or demand, what someone will not do or
 * say, an open question, a warning that hangs on a condition, and a promise reported from the past.
 */
const NOT_AN_ITEM: [string, RegExp][] = [
  [
    'opinion',
    /\b(?:insists?|insisted|argues?|argued|predicts?|predicted|believes?|believed|fears?|feared|doubts?|doubted|claims?|claimed|is convinced|are convinced|privately|bets?)\b/i,
  ],
  ['need', /\b(?:will|would|'ll|’ll)\s+(?:still\s+|also\s+)?(?:need|require)\b/i],
  [
    'proposal or demand',
    /\b(?:wants?|wanted|demands?|demanded|has proposed|have proposed|proposed that|calls? for|called for|urges?|urged)\b/i,
  ],
  ['refusal or silence', /\b(?:will|would)\s+not\b|\bwon[’']t\b|\bdeclined\s+to\b/i],
  ['open question', /\b(?:whether|if)\s+(?:\w+\s+){0,4}(?:will|would)\b/i],
];

// A reported promise placed in the past: "In 2023 the ministry pledged", "said last year that".
const PAST_TIME =
  /\b(?:in\s+((?:19|20)\d{2})|last\s+(?:year|month|week)|earlier\s+this\s+(?:year|month)|years?\s+ago|previously)\b/gi;

function notAnItem(
  sentence: string,
  cueAt: number,
  cueLength: number,
  hasHorizon: boolean,
  published?: PartialDate,
): boolean {
  for (const [kind, re] of NOT_AN_ITEM) {
    // An open question with a date is still a dated item ("if the council agrees in May, ... will").
    if (kind === 'open question' && hasHorizon) continue;
    if (re.test(sentence)) return true;
  }
  // A warning that hangs on a condition and names no time: "companies will stop if the terms are strict".
  if (
    !hasHorizon &&
    /\b(?:will|would)\b/i.test(sentence) &&
    /\b(?:if|unless|whatever|whichever)\b/i.test(sentence)
  )
    return true;
  for (const m of sentence.matchAll(PAST_TIME)) {
    if ((m.index ?? 0) > cueAt + cueLength) continue;
    if (!m[1] || !published || Number(m[1]) < published.year) return true;
  }
  return false;
}

/** Why a sentence looks forward, or undefined when it does not. */
export function lookaheadSignal(sentence: string, published?: PartialDate): LookaheadSignal | undefined {
  const horizon = horizonOf(sentence, published);
  let cue = strongCue(sentence) ?? (mentionsFutureDate(sentence, published) ? 'future date' : undefined);
  if (!cue && horizon !== undefined) cue = MODAL.exec(sentence)?.[0];
  if (!cue) return undefined;
  const cueAt = Math.max(0, sentence.indexOf(cue));
  // Past-perfect or past planning before the cue ends it; after it ("though no date had been fixed") it is an aside.
  const backward = BACKWARD.exec(sentence);
  if (backward && backward.index <= cueAt + cue.length) return undefined;
  // Quotations are quotes, not looking-ahead items, however forward their words.
  if (insideQuotation(sentence, cue) || isQuotation(sentence)) return undefined;
  if (notAnItem(sentence, cueAt, cue.length, horizon !== undefined, published)) return undefined;
  return horizon === undefined ? { cue } : { cue, horizon };
}

/** A sentence that is mostly a quotation: more than five quoted words. */
function isQuotation(sentence: string): boolean {
  const quoted = [...sentence.matchAll(/[“"«]([^”"»]*)[”"»]?/g)].map((m) => m[1] ?? '');
  if (/^[^“"«]*[”»]/.test(sentence) && !/[“"«]/.test(sentence)) return true;
  return quoted.some((q) => q.trim().split(/\s+/).length > 5);
}

function insideQuotation(sentence: string, cue: string): boolean {
  const at = sentence.search(new RegExp(`\\b${cue}\\b`, 'i'));
  const before = sentence.slice(0, Math.max(0, at));
  const opens = (before.match(/[“«]/g) ?? []).length + ((before.match(/"/g) ?? []).length % 2);
  const closes = (before.match(/[”»]/g) ?? []).length;
  // A sentence that starts inside a quotation opened earlier in the paragraph shows no opening mark.
  const startsInside = !/[“"«]/.test(before) && /[”"»]/.test(sentence.slice(at));
  return opens > closes || startsInside;
}

function strongCue(sentence: string): string | undefined {
  for (const re of STRONG) {
    const m = re.exec(sentence);
    if (m) return m[0];
  }
  if (/\bwill\b|'ll\b|’ll\b/i.test(sentence)) {
    // "will" is a noun in "political will" and "the will of the people".
    const tokens = tokenize(sentence);
    const modal = tokens.find(
      (t, i) =>
        /^(?:will|'ll|’ll)$/i.test(t.text) &&
        t.pos !== 'NOUN' &&
        !/^(?:political|the|good|free|popular|own|of|a|their|its|his|her)$/i.test(tokens[i - 1]?.text ?? ''),
    );
    if (modal) return modal.text;
  }
  return undefined;
}
