/**
 * Who said it: reading the attribution next to a quotation. The text handed in is the part of the
 * sentence before the opening mark or after the closing one. Nothing here guesses: when the words
 * do not name a speaker, the answer is undefined and the quotation is reported as unattributed.
 */
import { sentenceEnd } from './spans.js';
import { capitalizeFirst, isStopWord, squash, type Token, tokenize, wordCount } from './text.js';

export interface Attribution {
  speaker: string;
  role?: string;
  /** How it was found, shown in the report so the curator knows what to check. */
  via: 'said-after' | 'said-before' | 'according-to' | 'colon' | 'put-it' | 'document';
}

// Lower case only: "United States" must not read as "United" + "states".
const SAY =
  'said|says|say|told|tells|added|adds|noted|notes|stressed|stresses|explained|explains|warned|warns|argued|argues|' +
  'insisted|insists|wrote|writes|declared|declares|remarked|observed|observes|emphasi[sz]ed|emphasi[sz]es|' +
  'acknowledged|acknowledges|asked|asks|replied|replies|recalled|recalls|concluded|concludes|cautioned|cautions|' +
  'conceded|concedes|announced|announces|commented|continued|continues|admitted|admits|suggested|suggests|stated|' +
  'confirmed|confirms|claimed|maintained|maintains|predicted|predicts|pointed out|points out|posted|tweeted|' +
  'reiterated|reiterates|underlined|underlines|responded|countered|objected|recounted|reflected|agreed|agrees|' +
  'insisted|remarks|vowed|vows|promised|promises|conceded|described|describes|outlined|set out|spoke|called|' +
  'told reporters|told journalists';
// A fresh regex per use: a shared global one carries lastIndex from call to call (matchAll copies it).
// "so-called" is not a speech verb, hence the look-behind.
const sayVerbs = (): RegExp => new RegExp(`(?<!-)\\b(?:${SAY})\\b`, 'g');
const STARTS_WITH_SAY_RE = new RegExp(`^(?:(?:also|then|later|further|simply)\\s+)?(?:${SAY})\\b`);
const HAS_SAY = new RegExp(`(?<!-)\\b(?:${SAY})\\b`);

const PRONOUNS = new Set(['he', 'she', 'they', 'it', 'we', 'i', 'him', 'her', 'them']);
export const isPronoun = (s: string): boolean => PRONOUNS.has(s.toLowerCase());

// Lower-case words that may begin a speaker ("a senior official", "officials", "the ministry").
const LOWER_STARTS = new Set([
  'a',
  'an',
  'the',
  'one',
  'another',
  'some',
  'several',
  'many',
  'most',
  'two',
  'three',
  'four',
  'his',
  'her',
  'its',
  'their',
  'officials',
  'diplomats',
  'analysts',
  'participants',
  'observers',
  'experts',
  'sources',
  'negotiators',
  'ministers',
  'envoys',
  'delegates',
  'aides',
  'spokespeople',
]);

// Where a verb-first speaker ("said Anna Weber on Tuesday") stops.
const NP_STOP = new Set([
  'on',
  'in',
  'at',
  'during',
  'after',
  'before',
  'when',
  'while',
  'who',
  'which',
  'last',
  'this',
  'earlier',
  'later',
  'yesterday',
  'today',
  'tonight',
  'recently',
  'afterwards',
  'adding',
  'noting',
  'as',
  'and',
  'but',
  'because',
  'following',
  'speaking',
  'told',
  'to',
]);

const NAME_WORD = "\\p{Lu}[\\p{L}'’-]*\\.?";
// Up to six capitalised words: "Deputy Infrastructure Minister Serhiy Bondar" (titles are split off later).
const SURNAME_OR_NAME = new RegExp(
  `^(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen)\\.\\s+)?${NAME_WORD}(?:\\s+(?:(?:van|von|de|der|da|di|al|bin)\\s+)?${NAME_WORD}){0,5}$`,
  'u',
);
// A possessive or an office makes a phrase a role: "Moldova's President", "Ukraine's representative".
const ROLE_LIKE =
  /['’]s\b|\b(?:President|Minister|Secretary|Ambassador|Chancellor|Commissioner|Spokesperson|Director|Chair|Envoy|Representative|Governor|Mayor|Chief|Head)\b/;
const PERSON = new RegExp(
  `^(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen)\\.\\s+)?${NAME_WORD}(?:\\s+(?:(?:van|von|de|der|da|di|al|bin)\\s+)?${NAME_WORD}){1,3}$`,
  'u',
);

/** Capitalised words only, two to four of them: "Anna Weber", "Dr. Ingrid Solberg". */
export const isPersonName = (s: string): boolean => PERSON.test(s.trim());

const TITLE_ABBREVIATION =
  /^(?:Dr|Mr|Mrs|Ms|Mx|Prof|Gen|Sen|Rep|Gov|Col|Lt|Capt|Amb|St|Jr|Sr)\.$|^(?:\p{L}\.)+$/u;

// "Ambassador Tomás Ruiz-Ortega of Colombia": where a person is from, after the name.
const AFFILIATION = /\s+of\s+(?:the\s+)?\p{Lu}.*$/u;

/** A speaker and optional role from text such as "Anna Weber, director of the institute". */
function splitRole(np: string): { speaker: string; role?: string } {
  const parts = np
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
  const [first, second] = parts;
  if (first && second && !/^(?:who|which|whose)\b/.test(second)) {
    // "the institute's director, Anna Weber" names the person second.
    // "The next day, Weber" or "Hungary’s state secretary, László Farkas": the name is second.
    if (
      SURNAME_OR_NAME.test(second.replace(AFFILIATION, '')) &&
      (!isPersonName(first) || (ROLE_LIKE.test(first) && !ROLE_LIKE.test(second)))
    ) {
      return { speaker: second, role: first };
    }
    return { speaker: first, role: second };
  }
  if (first) {
    // "Fatou Diallo of the Sahel Civil Society Network": a person, then where they are from.
    const affiliated = withAffiliation({ speaker: first });
    if (affiliated.role) return affiliated;
    // "EU special envoy Maria Lopez": the role runs up to a capitalised name at the end.
    const m =
      /^(.*\b\p{Ll}[\p{L}'’-]*)\s+((?:(?:Dr|Mr|Mrs|Ms|Prof|Gen)\.\s+)?\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)+)$/u.exec(
        first,
      );
    if (m?.[1] && m[2] && /^\p{Lu}/u.test(m[1]) && wordCount(m[1]) <= 6) return { speaker: m[2], role: m[1] };
  }
  return { speaker: first ?? np };
}

/** "were", "met": a clause. "abstaining", "named": a participle describing a noun, as in a speaker. */
const isFiniteVerb = (t: Token): boolean =>
  t.pos === 'AUX' || (t.pos === 'VERB' && !/(?:ing|ed|en)$/.test(t.text));

function plausible(speaker: string): boolean {
  const words = speaker.split(/\s+/);
  const firstWord = words[0] ?? '';
  if (words.length === 0 || words.length > 12 || speaker.length > 120) return false;
  // "One of the" is cut short: a speaker does not end on a function word.
  if (words.length > 1 && isStopWord(words.at(-1) ?? '') && !isPronoun(words.at(-1) ?? '')) return false;
  if (/[“”"«»]/.test(speaker) || HAS_SAY.test(speaker)) return false;
  // "Asked whether he": a subordinate clause, not a person.
  if (/\b(?:whether|if|that|because|although)\b/i.test(speaker)) return false;
  if (isPronoun(speaker)) return true;
  // "the talks were private" is a clause, not a speaker.
  if (words.length >= 3 && tokenize(speaker).some((t) => /^\p{Ll}/u.test(t.text) && isFiniteVerb(t))) {
    return false;
  }
  if (/^\p{Lu}/u.test(firstWord))
    return !/^(?:It|This|That|These|Those|There|Here|What|Which)$/.test(firstWord);
  return LOWER_STARTS.has(firstWord.toLowerCase());
}

function finish(np: string, via: Attribution['via']): Attribution | undefined {
  const cleaned = withoutRelativeClauses(squash(np))
    .replace(/^[\s,;:—–-]+|[\s,;:—–-]+$/g, '')
    .replace(/^(?:and|but|while|as|then|also|later|meanwhile|however|yet|so|when|where)\s+/i, '');
  if (!cleaned) return undefined;
  const split = splitRole(dropFinalStop(cleaned));
  const { speaker, role } = withAffiliation(split);
  const s = speaker.replace(/\s+(?:has|had|have|also|then|later|once|again)$/, '').trim();
  if (!plausible(s)) return undefined;
  const out: Attribution = { speaker: isPronoun(s) ? s.toLowerCase() : capitalizeFirst(s), via };
  const cleanRole = role?.replace(/[\s.,;:]+$/, '');
  if (cleanRole && cleanRole.length <= 120 && !/^(?:who|which)\b/.test(cleanRole)) out.role = cleanRole;
  return out;
}

/** "Grace Mensah of Ghana": the person is the name; "of Ghana" joins the role. */
function withAffiliation(found: { speaker: string; role?: string }): { speaker: string; role?: string } {
  const m = /^(.+?)\s+(of\s+(?:the\s+)?\p{Lu}.*)$/u.exec(found.speaker);
  if (
    !m?.[1] ||
    !m[2] ||
    !isPersonName(m[1].replace(/^(?:Ambassador|President|Minister|Secretary|Dr\.|Prof\.)\s+/, ''))
  )
    return found;
  return { speaker: m[1], role: found.role ? `${found.role}, ${m[2]}` : m[2] };
}

/** "Anna Weber." → "Anna Weber"; "Gen." or "U.S." at the end keep their stop. */
function dropFinalStop(np: string): string {
  const last = np.split(/\s+/).at(-1) ?? '';
  return /\.$/.test(last) && !TITLE_ABBREVIATION.test(last) ? np.slice(0, -1) : np;
}

/** ", who asked not to be named because …," says nothing about who is speaking. */
const withoutRelativeClauses = (s: string): string =>
  s.replace(/,\s*(?:who|which|whose)\b[^,]*(?:,|$)/g, ',');

/** Words from the start of `text` up to where a noun phrase plainly ends. */
function leadingNounPhrase(text: string): string {
  const words = text.trim().split(/\s+/);
  const taken: string[] = [];
  for (const w of words) {
    const bare = w.replace(/[,.;:!?)”"’]+$/, '');
    if (taken.length > 0 && NP_STOP.has(bare.toLowerCase())) break;
    taken.push(w);
    if (/[;:!?)”"]$/.test(w)) break;
    if (/\.$/.test(w) && !TITLE_ABBREVIATION.test(w)) break;
    if (/,$/.test(w)) {
      // Keep one appositive ("said Anna Weber, the envoy"): read on to the next comma or full stop.
      if (taken.some((t, i) => i < taken.length - 1 && /,$/.test(t))) break;
    }
    if (taken.length >= 14) break;
  }
  return taken.join(' ').replace(/,$/, '');
}

/** Attribution in the words after a closing mark: "…,” said X", "…,” X told Y", "…,” according to X". */
export function attributionAfter(after: string, quoteEndedSentence = false): Attribution | undefined {
  const text = squash(after).replace(/^[\s,;:—–-]+/, '');
  if (!text) return undefined;
  const according = /^according to\s+(.+)/i.exec(text);
  if (according?.[1]) return finish(leadingNounPhrase(according[1]), 'according-to');
  const verbFirst = STARTS_WITH_SAY_RE.exec(text);
  if (verbFirst) {
    const rest = text.slice(verbFirst[0].length);
    return finish(leadingNounPhrase(rest), 'said-after');
  }
  const m = sayVerbs().exec(text);
  if (!m) return undefined;
  const np = text.slice(0, m.index);
  // After “…done.” a new sentence begins: only a bare "Weber said." still attributes the quotation,
  // not "Several delegates predicted that …", which reports something else.
  const rest = text.slice(m.index + m[0].length);
  if (
    quoteEndedSentence &&
    (/,/.test(np) || wordCount(np) > 6 || /^\s*(?:that\b|\p{Ll}+\s+that\b)/u.test(rest))
  )
    return undefined;
  // The speaker must be in the same sentence as the quotation ("U.S." and "Dr." do not end one).
  if (wordCount(np) > 14 || sentenceEnd(np, 0) < np.trimEnd().length) return undefined;
  return finish(np, 'said-after');
}

/**
 * Attribution in the words before an opening mark: "X said, “…", "X told reporters: “…",
 * "According to X, “…", "As X put it, “…", and the colon form "Minister X: “…".
 */
export function attributionBefore(before: string): Attribution | undefined {
  const text = squash(before);
  if (!text) return undefined;
  const according = /\baccording to\s+(.+?)[,:]?\s*$/i.exec(text);
  if (according?.[1]) return finish(according[1], 'according-to');
  const putIt = /\b(?:as|in the words of)\s+(.+?)\s*(?:put it|puts it|said|says)?[,:]\s*$/i.exec(text);
  if (putIt?.[1] && /^(?:as|in the words of)\b/i.test(putIt[0]) && /put it|in the words of/i.test(putIt[0])) {
    return finish(putIt[1].replace(/\s+put(?:s)? it$/i, ''), 'put-it');
  }
  const verbs = [...text.matchAll(sayVerbs())];
  const last = verbs.at(-1);
  if (last && last.index !== undefined) {
    const between = text.slice(last.index + last[0].length);
    // Reported speech leading into a partial quote is fine; a whole new clause is not.
    if (between.length <= 90 && !/[.!?]\s+\p{Lu}/u.test(between)) {
      const head = withoutRelativeClauses(text.slice(0, last.index));
      const clause =
        head.split(/;\s+|\s+(?:and|but|while|because|whereas|although)\s+(?=[\p{Lu}\p{Ll}])/u).at(-1) ?? head;
      const lastPart = clause.split(/,\s*/).at(-1) ?? '';
      const attribution =
        finish(clauseSubject(clause), 'said-before') ??
        // "Asked whether he had them, he smiled and said": the subject of the last clause.
        (/\s+and\s*$/.test(clause) ? finish(sentenceSubject(lastPart), 'said-before') : undefined) ??
        finish(sentenceSubject(head), 'said-before');
      if (attribution) return attribution;
    }
  }
  const expressed = expressedBefore(text);
  if (expressed) return expressed;
  const colon = /(?:^|[.!?]\s+)([^.!?:]{2,80}):\s*$/u.exec(text);
  if (colon?.[1] && isNameLike(colon[1])) return finish(colon[1], 'colon');
  return undefined;
}

// "X, the finance minister, put it bluntly:", "The joint statement read:", "One placard read:".
const EXPRESSION =
  /^(.{2,160}?)\s+(?:put\s+(?:it|the\s+stakes|the\s+point|things|the\s+case)(?:\s+\p{Ll}+ly|\s+differently|\s+another\s+way)?|summed\s+(?:it|this|things)\s+up|was\s+(?:blunt|blunter|frank|direct|more\s+direct)|read|reads)\s*:\s*$/u;
// A sentence that opens on where or when, not who: "In the hallway after the session, a banner …".
const LEADING_ADVERBIAL =
  /^(?:In|At|On|Outside|Inside|After|Before|During|Later|Earlier|By|From|Over|Throughout)\b[^,]*,\s*/u;

function expressedBefore(text: string): Attribution | undefined {
  const sentence = text.slice(sentenceStartIn(text));
  const m = EXPRESSION.exec(sentence);
  if (!m?.[1]) return undefined;
  const subject = m[1]
    .replace(LEADING_ADVERBIAL, '')
    .replace(/,\s*$/, '')
    .replace(/\s+(?:outside|inside|nearby|here|there)$/i, '');
  // Name and appositive ("Edgars Kalniņš, Latvia's defence minister") or role and name: two parts at most.
  const parts = subject.split(/,\s*/);
  if (parts.length > 2 || wordCount(subject) > 14) return undefined;
  // A text that "read" is a document, a sign or a banner: never someone a later "he" points to.
  return finish(subject, /\bread[s]?\s*:\s*$/.test(sentence) ? 'document' : 'colon');
}

/**
 * What the last sentence of `text` is about, when it is a thing that can be read from ("One
 * document circulated among delegations"): the words before its first verb, never a person or a
 * pronoun. Undefined when there is no such subject, so nothing is invented.
 */
export function documentBefore(text: string): string | undefined {
  const last = text.slice(sentenceStartIn(text.trimEnd())).trim();
  const subject = squash(sentenceSubject(last)).replace(/,\s*$/, '');
  if (!/^(?:a|an|the|one|this|that)\s+\p{Ll}/iu.test(subject) || wordCount(subject) > 8) return undefined;
  const found = finish(subject, 'colon');
  return found && !isPronoun(found.speaker) && !isPersonName(found.speaker) ? found.speaker : undefined;
}

/** Where the last sentence of `text` starts ("U.S." and "Dr." do not end one). */
function sentenceStartIn(text: string): number {
  let start = 0;
  for (const m of text.matchAll(/[.!?]\s+(?=\p{Lu})/gu)) {
    const word =
      text
        .slice(0, (m.index ?? 0) + 1)
        .split(/\s+/)
        .at(-1) ?? '';
    if (!TITLE_ABBREVIATION.test(word)) start = (m.index ?? 0) + m[0].length;
  }
  return start;
}

/**
 * The sentence's subject, for a speech verb in a second predicate: "Ana Ceban, welcomed the
 * decision but warned that …" — everything before the first lower-case verb.
 */
function sentenceSubject(head: string): string {
  let cursor = 0;
  for (const t of tokenize(head)) {
    const at = head.indexOf(t.text, cursor);
    if (at < 0) return '';
    if (t.isWord && /^\p{Ll}/u.test(t.text) && (t.pos === 'VERB' || t.pos === 'AUX'))
      return head.slice(0, at);
    cursor = at + t.text.length;
  }
  return '';
}

/** The subject at the end of a clause, keeping a name with its appositive ("X, the envoy,"). */
function clauseSubject(clause: string): string {
  const t = clause.trim();
  if (t.endsWith(',')) {
    const parts = t.replace(/,$/, '').split(/,\s*/);
    return parts.slice(-2).join(', ');
  }
  return t.split(/,\s*/).at(-1) ?? t;
}

/** No verb among the words: "Foreign Minister Jan Novak", "EU envoy Maria Lopez". */
function isNameLike(text: string): boolean {
  if (wordCount(text) > 8 || !/^\p{Lu}/u.test(text.trim())) return false;
  return tokenize(text).every((t) => !t.isWord || !['VERB', 'AUX', 'PRON'].includes(t.pos));
}
