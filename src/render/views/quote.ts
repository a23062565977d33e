/**
 * An attributed quote card: the words, who said them and in what role, the briefing, date and
 * source, with an "Another" button that carries the filters (and the quote shown, to avoid
 * showing it twice in a row).
 */
import { type APIEmbed, ButtonStyle } from 'discord.js';
import type { Library, QuoteEntry } from '../../briefings/index.js';
import { customId, encodeState, refOf } from '../custom-id.js';
import { escapeInline, escapeText, maskedLink } from '../escape.js';
import type { ButtonRow, Reply } from '../index.js';
import { DISCORD_LIMITS } from '../limits.js';
import { colourOf, sourceFooter, themeLabels } from '../style.js';
import { publishedMarkdown } from '../timestamps.js';
import { quoteLines } from './brief.js';

export interface QuoteFilter {
  theme?: string;
  speaker?: string;
}

/** `theme|speaker|briefing|index`: filters to keep, and the quote to skip next time. */
export const quoteState = (filter: QuoteFilter, shown?: QuoteEntry): string =>
  encodeState([
    filter.theme ? refOf(filter.theme, 24) : '',
    filter.speaker ? refOf(filter.speaker, 20) : '',
    shown ? refOf(shown.briefing.id, 24) : '',
    shown ? String(shown.index) : '',
  ]);

/**
 * `only`: the sentence saying this is the only quote the filters match. The "another" button then
 * cannot help, so it is shown disabled and says why rather than repeating the same quote.
 */
export function renderQuote(
  library: Library,
  entry: QuoteEntry,
  filter: QuoteFilter,
  locale: string,
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
        custom_id: customId('quote', 'another', quoteState(filter, entry)),
        ...(only ? { disabled: true } : {}),
      },
      ...(source.url && source.url.length <= DISCORD_LIMITS.buttonUrl
        ? [{ type: 2 as const, style: ButtonStyle.Link as const, label: 'Source', url: source.url }]
        : []),
    ],
  };
  return { ...(only ? { content: only } : {}), embeds: [embed], components: [row] };
}

// Entries belong to a frozen snapshot: whether one is attributed is worked out once, not with two
// trims per quote on every click.
const attributedEntries = new WeakMap<QuoteEntry, boolean>();
const isAttributed = (e: QuoteEntry): boolean => {
  let known = attributedEntries.get(e);
  if (known === undefined) {
    known = e.quote.speaker.trim() !== '' && e.quote.text.trim() !== '';
    attributedEntries.set(e, known);
  }
  return known;
};

export const attributedCount = (entries: readonly QuoteEntry[]): number => {
  let n = 0;
  for (const e of entries) if (isAttributed(e)) n++;
  return n;
};

/** Picks a quote at random, avoiding the one just shown when there is another. */
export function pickQuote(
  entries: readonly QuoteEntry[],
  random: () => number,
  skip?: { briefingId: string; index: number },
): QuoteEntry | undefined {
  const attributed = entries.filter(isAttributed);
  const pool =
    skip && attributed.length > 1
      ? attributed.filter((e) => !(e.briefing.id === skip.briefingId && e.index === skip.index))
      : attributed;
  if (pool.length === 0) return undefined;
  const r = random();
  const i = Math.min(pool.length - 1, Math.max(0, Math.floor((Number.isFinite(r) ? r : 0) * pool.length)));
  return pool[i];
}
