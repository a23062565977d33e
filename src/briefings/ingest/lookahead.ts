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
  /\b(?:is|are|was|were|remains?)\s+(?:now\s+|also\s+)?(?:expected|scheduled|set|due|slated|poised|likely|unlikely|going|planned)\s+to\b/i,
  /\b(?:is|are)\s+(?:now\s+|also\s+)?(?:planned|scheduled|anticipated|expected|envisaged|foreseen|pencilled in|penciled in)\b/i,
  /\b(?:will be|are to be|is to be)\s+(?:held|hosted|convened|published|presented|signed|launched|reviewed|discussed)\b/i,
  /\b(?:upcoming|forthcoming)\b/i,
  /\bnext\s+(?:round|meeting|session|summit|week|month|year|phase|stage|step|steps|talks|visit|review|ministerial)\b/i,
  /\b(?:in|over|within|during|for)\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:days|weeks|months|years|quarter)\b/i,
  /\b(?:planned|scheduled|slated|pencilled|penciled)\s+(?:in\s+)?for\b/i,
  // Reported future: "said they would finance", "told reporters that the systems would be deployed".
  // "would be the real test" is a judgement, not an expected event: after "would be" only a participle counts.
  /\b(?:said|says|told\s+\S+(?:\s+\S+)?|announced|confirmed|promised|pledged|signall?ed|indicated|hoped|hopes|expects|expected)\s+(?:that\s+)?[^.;:!?“”"]{0,80}?\bwould\s+(?:be\s+(?:\w+(?:ed|en|wn)|held|built|sent|set|made|paid|kept|run|shut|cut)\b|have\s+to\s+\w+|(?!be\b|have\b)\w+)/i,
  /\b(?:expects?|expected)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,3}to\s+(?!date\b)\w+/i,
  /\bthe\s+(?:days|weeks|months|years|period)\s+ahead\b/i,
  /\blater\s+(?:this|in the|next)\s+(?:year|month|week|spring|summer|autumn|fall|winter|decade)\b/i,
  /\b(?:plans?|intends?|is preparing|are preparing|is poised|are poised)\s+to\b/i,
  /\b(?:by|before|until)\s+the\s+end\s+of\s+(?:the\s+)?(?:year|month|quarter|20\d{2}|next)\b/i,
  /\blooking ahead\b/i,
  /\b(?:agreed|decided|voted)\s+to\s+(?:meet|reconvene|resume|hold|return|convene|review)\b/i,
];

// Weaker modals count only with a stated time that has not passed: "could arrive in September".
// Lower case only, so the month "May" is not read as the verb.
const MODAL = /\b(?:should|could|may|might|would)\b/;

// A sentence about the past that merely mentions plans ("had been expected to", "was planned but").
// "would have to" is an obligation ahead, not a counterfactual.
const BACKWARD = /\b(?:had been|(?:would|could|should) have(?!\s+to\b)|was originally|were originally)\b/i;

/** Why a sentence looks forward, or undefined when it does not. */
export function lookaheadSignal(sentence: string, published?: PartialDate): LookaheadSignal | undefined {
  if (BACKWARD.test(sentence)) return undefined;
  const horizon = horizonOf(sentence, published);
  let cue = strongCue(sentence) ?? (mentionsFutureDate(sentence, published) ? 'future date' : undefined);
  if (!cue && horizon !== undefined) cue = MODAL.exec(sentence)?.[0];
  if (!cue) return undefined;
  // Inside a quotation, "we will keep doing it" is a pledge or an opinion; it needs a time to be an item.
  if (/^(?:will|'ll|’ll|would)$/i.test(cue) && horizon === undefined && insideQuotation(sentence, cue))
    return undefined;
  return horizon === undefined ? { cue } : { cue, horizon };
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
