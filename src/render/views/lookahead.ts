/**
 * Forward-looking items: dated ones soonest first with Discord timestamps, then undated ones;
 * one field per item, packed into pages.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Library, LookaheadEntry, LookaheadWindow, Theme } from '../../briefings/index.js';
import { escapeInline, escapeText } from '../escape.js';
import type { Reply } from '../index.js';
import { type PageId, packedPage, pageButtons, pageLabel, pageStarts } from '../pagination.js';
import { colourOf, notice, themeLabels } from '../style.js';
import { periodLabel, periodRelative } from '../timestamps.js';

const WINDOW_WORDS: Record<LookaheadWindow, string> = {
  week: 'in the next week',
  month: 'in the next month',
  quarter: 'in the next three months',
  year: 'in the next year',
  all: 'all items, dated and undated',
};

export interface LookaheadView {
  library: Library;
  theme?: Theme;
  within: LookaheadWindow;
  page: number;
  now: Date;
  locale: string;
  pageId: PageId;
}

/** Packed on raw lengths so only the page shown is rendered; escaping and timestamps fit the slack. */
const PAGE_BUDGET = 4500;

const estimateItem = ({ item, briefing }: LookaheadEntry): number =>
  item.text.length + briefing.title.length + item.themes.length * 30 + 80;
const PER_PAGE = 10;

function itemField(library: Library, entry: LookaheadEntry, now: Date, locale: string, showThemes: boolean) {
  const when = entry.period ? periodRelative(entry.period, now) : undefined;
  const themes = showThemes ? ` · ${themeLabels(library, entry.item.themes).join(', ')}` : '';
  const lines = [
    ...(when ? [when] : []),
    escapeText(entry.item.text),
    `*${escapeInline(entry.briefing.title)}*${themes}`,
  ];
  return {
    name: entry.period ? periodLabel(entry.period, locale) : 'No date given',
    value: lines.join('\n'),
  } satisfies APIEmbedField;
}

const PACKING = { budget: PAGE_BUDGET, maxPerPage: PER_PAGE };
const allPagesByTheme = (_: Library) => new Map<string, readonly number[]>();
const allPages = (library: Library, theme: string, entries: readonly LookaheadEntry[]): readonly number[] => {
  const known = library.derived(allPagesByTheme);
  let starts = known.get(theme);
  if (!starts) {
    starts = pageStarts(entries, estimateItem, PACKING);
    known.set(theme, starts);
  }
  return starts;
};

/** Lays out the pages of 'all', for every theme and none, and each theme's spans (see Command.prepare). */
export function prepareLookahead(library: Library): void {
  for (const theme of [undefined, ...library.themes.map((t) => t.id)]) {
    allPages(library, theme ?? '', library.lookahead(theme === undefined ? {} : { theme }));
    library.lookahead({ ...(theme === undefined ? {} : { theme }), within: 'week' });
  }
}

export function renderLookahead({ library, theme, within, page, now, locale, pageId }: LookaheadView): Reply {
  const entries = library.lookahead({ ...(theme && { theme: theme.id }), within, now });
  const colour = colourOf(theme);
  const scope = theme ? ` on ${escapeInline(theme.label)}` : '';
  if (entries.length === 0) {
    const wider =
      within === 'all'
        ? 'No briefing has looking-ahead items on it yet.'
        : 'Try a longer window, such as `within:year`, or `within:all` to include undated items.';
    return notice('Nothing ahead', `Nothing is expected${scope} ${WINDOW_WORDS[within]}. ${wider}`, colour);
  }
  // Every item, whatever the date: the same list all day, so its pages are laid out once per snapshot.
  const starts = within === 'all' ? allPages(library, theme?.id ?? '', entries) : undefined;
  const shown = packedPage(entries, estimateItem, PACKING, page, starts);
  // Dated items come first (Library.lookahead), so the first undated one says how many are dated.
  const undated = entries.findIndex((e) => !e.period);
  const dated = undated === -1 ? entries.length : undated;
  const header: APIEmbed = {
    title: theme ? `Looking ahead: ${escapeInline(theme.label)}` : 'Looking ahead',
    description: `${entries.length} item${entries.length === 1 ? '' : 's'}${scope}, ${WINDOW_WORDS[within]}; ${dated} dated, soonest first.`,
    color: colour,
    fields: shown.items.map((e) => itemField(library, e, now, locale, !theme)),
    footer: { text: pageLabel(shown.at, shown.count) },
  };
  return {
    embeds: [header],
    components: pageButtons(shown.at, shown.count, pageId),
  };
}
