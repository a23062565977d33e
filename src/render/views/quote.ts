/**
 * An attributed quote card: the words, who said them and in what role, the briefing, date and
 * source, with an "Another quote" button; or, when no quote matches, what to try instead.
 */
import { type APIEmbed, ButtonStyle } from 'discord.js';
import type { Library, QuoteEntry } from '../../briefings/index.js';
import { escapeInline, escapeText, maskedLink } from '../escape.js';
import type { ButtonRow, Reply } from '../index.js';
import { DISCORD_LIMITS } from '../limits.js';
import { colourOf, notice, sourceFooter, themeLabels } from '../style.js';
import { publishedMarkdown } from '../timestamps.js';
import { quoteLines } from './brief.js';

export interface QuoteFilter {
  theme?: string;
  speaker?: string;
}

export interface QuoteAnswer {
  library: Library;
  /** What was asked for: named in the answer. */
  filter: QuoteFilter;
  /** The quote picked; undefined when none matches. */
  entry: QuoteEntry | undefined;
  /** How many attributed quotes the filter matches. */
  matching: number;
  /** The quote picked is the one "Another quote" was pressed on. */
  repeated: boolean;
  locale: string;
  /** The custom id of "Another quote" on the card of `entry`. */
  anotherId: (entry: QuoteEntry) => string;
}

export function renderQuote({
  library,
  filter,
  entry,
  matching,
  repeated,
  locale,
  anotherId,
}: QuoteAnswer): Reply {
  const theme = filter.theme ? library.theme(filter.theme) : undefined;
  const on = theme ? ` on ${escapeInline(theme.label)}` : '';
  const by = filter.speaker ? ` from ${escapeInline(filter.speaker)}` : '';
  if (entry) {
    const only =
      matching === 1 ? `${repeated ? 'Still the' : 'The'} only quote${on}${by} in the briefings.` : undefined;
    return quoteCard(library, entry, locale, anotherId(entry), only);
  }
  const hint =
    filter.theme && filter.speaker
      ? 'Try `/quote` with only the speaker or only the theme.'
      : filter.theme
        ? 'Try `/quote` without a theme, or `/theme` for what the briefings say on it.'
        : 'Curators add quotes to briefings under `data/briefings/`.';
  return notice('No quotes', `There are no quotes${on}${by} yet. ${hint}`, colourOf(theme));
}

/**
 * `only`: the sentence saying this is the only quote the filters match. The "another" button then
 * cannot help, so it is shown disabled and says why rather than repeating the same quote.
 */
function quoteCard(
  library: Library,
  entry: QuoteEntry,
  locale: string,
  anotherId: string,
  only?: string,
): Reply {
  const { quote, briefing, source } = entry;
  const theme = library.theme(quote.themes[0] ?? '');
  const fields: APIEmbed['fields'] = [];
  if (quote.context) fields.push({ name: 'Context', value: escapeText(quote.context) });
  fields.push({
    name: 'From',
    value: `${escapeInline(briefing.title)}\n${publishedMarkdown(briefing.published, locale)} · \`/brief briefing:${briefing.id}\``,
  });
  fields.push({
    name: 'Source',
    value: source.url ? maskedLink(source.name, source.url) : escapeInline(source.name),
    inline: true,
  });
  fields.push({ name: 'Themes', value: themeLabels(library, quote.themes).join(' · '), inline: true });
  const embed: APIEmbed = {
    title: 'Quote',
    description: quoteLines(quote.text, quote.speaker, quote.role),
    color: colourOf(theme),
    fields,
    footer: sourceFooter(source.name, briefing.published, locale),
  };
  const row: ButtonRow = {
    type: 1,
    components: [
      {
        type: 2,
        style: ButtonStyle.Primary,
        label: only ? 'No other quote' : 'Another quote',
        custom_id: anotherId,
        ...(only ? { disabled: true } : {}),
      },
      ...(source.url && source.url.length <= DISCORD_LIMITS.buttonUrl
        ? [{ type: 2 as const, style: ButtonStyle.Link as const, label: 'Source', url: source.url }]
        : []),
    ],
  };
  return { ...(only ? { content: only } : {}), embeds: [embed], components: [row] };
}

// Which quotes have both words and a speaker is worked out once per snapshot, not with two trims
// per quote on every click. The schema requires both, so in a loaded library that is every quote.
const unattributedQuotes = (library: Library): ReadonlySet<QuoteEntry> =>
  new Set(library.quotes().filter((e) => e.quote.speaker.trim() === '' || e.quote.text.trim() === ''));

/** The quotes among `entries` (from `library`) that have both words and a speaker: the ones shown. */
export const attributed = (library: Library, entries: readonly QuoteEntry[]): readonly QuoteEntry[] => {
  const missing = library.derived(unattributedQuotes);
  return missing.size === 0 ? entries : entries.filter((e) => !missing.has(e));
};

/** Picks one of the attributed quotes at random, avoiding the one just shown when there is another. */
export function pickQuote(
  attributed: readonly QuoteEntry[],
  random: () => number,
  skip?: { briefingId: string; index: number },
): QuoteEntry | undefined {
  // The pool is `attributed` without the skipped quote; positions past it shift by one.
  const skipped =
    skip && attributed.length > 1
      ? attributed.findIndex((e) => e.briefing.id === skip.briefingId && e.index === skip.index)
      : -1;
  const size = attributed.length - (skipped >= 0 ? 1 : 0);
  if (size === 0) return undefined;
  const r = random();
  const i = Math.min(size - 1, Math.max(0, Math.floor((Number.isFinite(r) ? r : 0) * size)));
  return attributed[skipped >= 0 && i >= skipped ? i + 1 : i];
}
