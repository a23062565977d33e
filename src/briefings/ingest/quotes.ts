/**
 * Quotations with their speakers, across the forms news copy uses: speaker before or after,
 * "said", "told", "according to", the colon form, curly and straight marks, a speaker introduced
 * on the line before, and a quotation continued after its attribution. A quotation whose speaker
 * cannot be read from the text keeps `speaker` undefined and says why.
 */
import { findSpans, type QuoteSpan, sentenceEnd, sentenceStart } from './spans.js';
import {
  type Attribution,
  attributionAfter,
  attributionBefore,
  documentBefore,
  isPersonName,
  isPronoun,
} from './speakers.js';
import { squash, wordCount } from './text.js';

export interface FoundQuote {
  text: string;
  speaker?: string;
  role?: string;
  /** How the speaker was found, or why not. */
  via: Attribution['via'] | 'continued' | 'pronoun' | 'unattributed';
  /** For pronoun speakers: the pronoun as written ("she"), shown to the curator. */
  pronoun?: string;
  note?: string;
  section: number;
  paragraph: number;
}

export interface QuoteInput {
  paragraphs: string[];
}

// Organisations and places: not who "he" or "she" refers to.
const NOT_A_PERSON =
  /\b(?:Commission|Union|Ministry|Council|Office|Department|Agency|Bank|Fund|Organi[sz]ation|Forum|Summit|House|Parliament|Government|Institute|Centre|Center|University|Foundation|Committee|Group|Alliance|Nations|States|Kingdom|Republic|Newspaper|Post|Times|News|Morning|Assembly|Court|Service|Programme|Program|Treaty|Talks|Conference|Studies|Policy|Affairs|Relations|Review|Weekly|Bulletin|Wire|Daily|Journal|Press|Network|Media|Forum|Facility|Sea|Ocean|River)\b/;
const NAME_PART = "\\p{Lu}(?:\\p{Ll}+|['’]\\p{Lu}\\p{Ll}+)(?:-\\p{Lu}\\p{Ll}+)?";
const PERSON_NAME = new RegExp(
  // An acronym may lead a title ("NATO Secretary General …").
  `(?:\\p{Lu}{2,6}\\s+(?=\\p{Lu}\\p{Ll}))?(?:(?:Dr|Mr|Mrs|Ms|Prof|Gen|Amb|Sen)\\.\\s+)?${NAME_PART}(?:\\s+\\p{Lu}\\.)?(?:\\s+(?:(?:van|von|de|der|da|di|al|el|bin|ibn)\\s+)?${NAME_PART})+`,
  'gu',
);
// A name right after these is part of an organisation's or outlet's name ("told the Guardian Weekly").
const BEFORE_ORGANISATION = /\b(?:the|of|for|at|in|from)\s+$/i;
// Titles that precede a name: "Polish Prime Minister Adam Nowicki" is Adam Nowicki, Polish Prime Minister.
const TITLE_WORDS =
  /^(?:Ambassador|President|Minister|Secretary|General|Admiral|Chancellor|Commissioner|Spokesperson|Spokesman|Spokeswoman|Director|Chairman|Chairwoman|Chair|Senator|Representative|Governor|Mayor|Envoy|Representative|Chief|Commander|Colonel|Captain|Judge|Justice|Professor|Rapporteur|Coordinator|Negotiator|Mediator|Adviser|Advisor)$/;

// Capitalised only because they open a sentence: "The Brussels talks", "When Weber".
const LEADING_FUNCTION_WORDS =
  /^(?:(?:The|A|An|In|On|At|As|But|And|When|After|Before|While|For|With|From|Yet|Still|Then|Asked|Speaking|Meanwhile)\s+)+/;

const MIN_WORDS = 3;

export function findQuotes(sections: QuoteInput[]): FoundQuote[] {
  const found: FoundQuote[] = [];
  // First mention of each person, in order: the full name a later "Lindqvist" points back to.
  const people = personMentions(sections.flatMap((x) => x.paragraphs).join('\n')).filter(
    (m, i, all) => all.findIndex((o) => o.name === m.name) === i,
  );
  let lastNamed: FoundQuote | undefined;
  sections.forEach((section, s) => {
    section.paragraphs.forEach((p, pi) => {
      const spans = findSpans(p);
      let previousInParagraph: FoundQuote | undefined;
      spans.forEach((span, k) => {
        const text = cleanQuoteText(span.inner);
        const prevSpan = spans[k - 1];
        const nextSpan = spans[k + 1];
        const floor = prevSpan ? prevSpan.close + 1 : 0;
        const ceiling = nextSpan ? nextSpan.open : p.length;
        const before = p.slice(sentenceStart(p, span.open, floor), span.open);
        const after = span.closed ? p.slice(span.close + 1, sentenceEnd(p, span.close + 1, ceiling)) : '';
        let attribution = attributionAfter(after, /\.[’'"”]*$/.test(span.inner)) ?? attributionBefore(before);
        // Only a quotation that opens its paragraph can be introduced by the paragraph before.
        if (!attribution && squash(before) === '' && pi > 0 && k === 0) {
          const prevParagraph = section.paragraphs[pi - 1] ?? '';
          const lastSentence = prevParagraph.slice(sentenceStart(prevParagraph, prevParagraph.length));
          if (/[,:]\s*$/.test(prevParagraph)) {
            attribution = attributionBefore(lastSentence);
          } else if (/\.\s*$/.test(prevParagraph) && findSpans(prevParagraph).length === 0) {
            // "Admiral X described the challenge in detail." introducing a quoted paragraph.
            const intro = attributionBefore(lastSentence.replace(/\.\s*$/, ':'));
            if (intro?.via === 'said-before' && !isPronoun(intro.speaker)) attribution = intro;
          }
        }
        const quote: FoundQuote = { text, via: 'unattributed', section: s, paragraph: pi };
        if (attribution) {
          quote.via = attribution.via;
          quote.speaker = attribution.speaker;
          if (attribution.role) quote.role = attribution.role;
        } else if (previousInParagraph?.speaker && isContinuation(p, prevSpan, span, previousInParagraph)) {
          inherit(quote, previousInParagraph, 'continued');
        } else if (
          pi > 0 &&
          span.open === 0 &&
          lastNamed &&
          lastNamed.section === s &&
          lastNamed.paragraph === pi - 1
        ) {
          const prev = findSpans(section.paragraphs[pi - 1] ?? '').at(-1);
          if (prev && !prev.closed) inherit(quote, lastNamed, 'continued');
        }
        // "One document … set out the stakes. It read: “…”": the thing the sentence before is about.
        if (quote.via === 'document' && quote.speaker === 'it') {
          const thing = documentBefore(p.slice(0, sentenceStart(p, span.open, floor)));
          if (thing) quote.speaker = thing;
        }
        if (quote.speaker && isPronoun(quote.speaker))
          resolvePronoun(quote, p.slice(0, span.open), section, pi, lastNamed, people);
        if (!keep(quote, span)) return;
        if (quote.speaker === undefined && !quote.note) quote.note = 'no speaker named next to the quotation';
        found.push(quote);
        previousInParagraph = quote;
        if (quote.speaker) lastNamed = quote;
      });
    });
  });
  for (const q of found) if (q.speaker && !/^(?:a|an|the|one)\s/i.test(q.speaker)) fullName(q, people);
  return found;
}

function cleanQuoteText(inner: string): string {
  return squash(inner)
    .replace(/^[‘'"“]+|[’'"”]+$/g, '')
    .replace(/[,;:—–-]+$/, '')
    .trim();
}

/** Short quoted phrases are scare quotes or titles, not quotations, unless someone is said to have said them. */
function keep(quote: FoundQuote, span: QuoteSpan): boolean {
  const words = wordCount(quote.text);
  if (words < MIN_WORDS) return false;
  if (quote.speaker) return true;
  if (quote.via === 'pronoun') return true;
  // Titles of reports and programmes: capitalised words with no sentence in them.
  const titleLike = quote.text
    .split(/\s+/)
    .every((w) => /^[\p{Lu}\p{N}]|^(?:of|and|the|for|in|on|to|a|an|at)$/u.test(w));
  if (titleLike) return false;
  return words >= 5 || (span.closed && /[.!?]$/.test(quote.text));
}

/**
 * "“A,” she said. “B.”": nothing but the first part's attribution (or a few words) lies between
 * the two parts, so the second is the same speaker's.
 */
function isContinuation(
  p: string,
  prev: QuoteSpan | undefined,
  current: QuoteSpan,
  prevQuote: FoundQuote,
): boolean {
  if (!prev) return false;
  const between = p.slice(prev.close + 1, current.open);
  const words = wordCount(between);
  if (words <= 12) return true;
  const attributedBetween =
    prevQuote.via === 'said-after' || prevQuote.via === 'according-to' || prevQuote.via === 'pronoun';
  return attributedBetween && words <= 35 && sentenceEnd(between, 0) >= between.trimEnd().length;
}

function inherit(quote: FoundQuote, from: FoundQuote, via: FoundQuote['via']): void {
  quote.via = via;
  if (from.speaker) quote.speaker = from.speaker;
  if (from.role) quote.role = from.role;
}

/**
 * "he said" names someone only through the text before it: the last person named in this
 * paragraph or the one before, or else the last speaker quoted in the same section. Anything
 * less certain is left for the curator.
 */
function resolvePronoun(
  quote: FoundQuote,
  textBefore: string,
  section: QuoteInput,
  paragraph: number,
  lastNamed: FoundQuote | undefined,
  people: { at: number; name: string }[],
): void {
  const pronoun = quote.speaker ?? '';
  quote.pronoun = pronoun;
  quote.via = 'pronoun';
  delete quote.speaker;
  delete quote.role;
  const nearby = `${section.paragraphs[paragraph - 1] ?? ''} ${textBefore}`;
  const lastSpeaker = lastNamed?.speaker;
  const mentions = personMentions(nearby);
  // Second references ("Lund", "Mr. Lund", "Bennett") count as mentions of the full name.
  const known = lastSpeaker ? [...people, { at: 0, name: lastSpeaker }] : people;
  for (const person of known) {
    const surname = person.name.split(/\s+/).at(-1) ?? '';
    if (!/^\p{Lu}/u.test(surname)) continue;
    for (const m of nearby.matchAll(new RegExp(`\\b${escapeRe(surname)}\\b(?!\\s+\\p{Lu})`, 'gu'))) {
      // Where the whole name starts, when it is written out, so the appositive check below sees it.
      const full = (m.index ?? 0) + surname.length - person.name.length;
      const at = full >= 0 && nearby.startsWith(person.name, full) ? full : (m.index ?? 0);
      mentions.push({ at, name: person.name });
    }
  }
  // "Dr. Nomvula Dlamini, South Africa's lead negotiator": a possessive in an appositive is a role.
  const latest = mentions
    .filter(
      (m) => !(/,\s*$/.test(nearby.slice(0, m.at)) && /^['’]s\b/.test(nearby.slice(m.at + m.name.length))),
    )
    .sort((a, b) => a.at - b.at)
    .at(-1);
  const sameSection = lastNamed && lastNamed.section === quote.section ? lastNamed : undefined;
  // A banner or a statement that "read" something is no "he" or "she".
  const human = sameSection?.via === 'document' ? undefined : sameSection;
  if (pronoun === 'he' || pronoun === 'she') {
    if (latest) {
      const isLast = latest.name === lastSpeaker || (lastSpeaker?.endsWith(` ${latest.name}`) ?? false);
      quote.speaker = isLast && lastSpeaker ? lastSpeaker : latest.name;
      if (isLast && lastNamed?.role) quote.role = lastNamed.role;
      return;
    }
    if (human?.speaker) {
      quote.speaker = human.speaker;
      if (human.role) quote.role = human.role;
      return;
    }
  } else if (sameSection?.speaker && sameSection.paragraph >= paragraph - 1) {
    quote.speaker = sameSection.speaker;
    if (sameSection.role) quote.role = sameSection.role;
    return;
  }
  quote.note = `attributed only to "${pronoun}", and no one is named before it`;
}

/** People named in `text`, in order: capitalised runs that are not organisations or outlets. */
function personMentions(text: string): { at: number; name: string }[] {
  return [...text.matchAll(PERSON_NAME)]
    .filter((m) => !BEFORE_ORGANISATION.test(text.slice(Math.max(0, (m.index ?? 0) - 6), m.index ?? 0)))
    .map((m) => ({ at: m.index ?? 0, name: m[0].replace(LEADING_FUNCTION_WORDS, '') }))
    .filter((m) => !NOT_A_PERSON.test(m.name) && m.name.includes(' '));
}

/**
 * "Lindqvist" or "Mr. Lund" on second reference becomes the full name the article introduced
 * ("NATO Secretary General Mette Lindqvist"), with leading titles moved into the role.
 */
function fullName(quote: FoundQuote, people: { at: number; name: string }[]): void {
  const speaker = quote.speaker ?? '';
  const surname = /^(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Gen|Amb|Sen)\.?\s+)?(\p{Lu}[\p{L}'’-]+)$/u.exec(speaker)?.[1];
  if (surname) {
    // Family name last ("Lindqvist") or, in names written family name first, before the given name
    // ("Liu" for "Liu Jianhua"); only when exactly one person introduced fits.
    const last = people.filter((p) => p.name.split(/\s+/).at(-1) === surname);
    const first = people.filter((p) => {
      const w = p.name.split(/\s+/);
      return w.length >= 2 && w.at(-2) === surname;
    });
    const introduced = last.length > 0 ? last[0] : first.length === 1 ? first[0] : undefined;
    if (introduced) quote.speaker = introduced.name;
  }
  const words = (quote.speaker ?? '').split(/\s+/);
  const lastTitle = words.findLastIndex((w) => TITLE_WORDS.test(w));
  if (
    lastTitle >= 0 &&
    words.length - lastTitle - 1 >= 2 &&
    isPersonName(words.slice(lastTitle + 1).join(' '))
  ) {
    quote.speaker = words.slice(lastTitle + 1).join(' ');
    quote.role ??= words.slice(0, lastTitle + 1).join(' ');
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
