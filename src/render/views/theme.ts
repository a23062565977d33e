/**
 * What the briefings say on one theme: a header, then one embed per section, newest briefing
 * first, packed into pages with Previous/Next buttons.
 */
import type { APIEmbed } from 'discord.js';
import type { Briefing, Library, SectionEntry, Theme } from '../../briefings/index.js';
import { escapeInline, escapeText } from '../escape.js';
import type { Reply } from '../index.js';
import { DISCORD_LIMITS, truncate } from '../limits.js';
import { clampPage, type PageId, pack, pageButtons, pageLabel } from '../pagination.js';
import { colourOf, notice, sourceFooter } from '../style.js';

export interface ThemeView {
  library: Library;
  theme: Theme;
  briefing?: Briefing;
  page: number;
  locale: string;
  pageId: PageId;
}

/**
 * Leaves room for the header (a few hundred characters) and for escaping, which adds a backslash
 * per markdown character: pages are packed on raw lengths so that only the page shown is rendered.
 */
const PAGE_BUDGET = 4800;

/**
 * The raw size of a section's embed, from what the Library knows without reading the section's
 * text (`size`): cheap enough to run over every section of a large library.
 */
export const estimateSection = ({ briefing, section, size }: SectionEntry): number =>
  Math.min(DISCORD_LIMITS.description, size) +
  section.heading.length +
  briefing.title.length +
  briefing.source.name.length +
  30;

export function sectionEmbed(entry: SectionEntry, colour: number, locale: string): APIEmbed {
  const { briefing, section } = entry;
  const points = section.points.map((p) => `• ${escapeText(p.replace(/\s+/g, ' '))}`).join('\n');
  const body = [escapeText(section.summary), points].filter(Boolean).join('\n\n');
  return {
    author: { name: truncate(briefing.title, DISCORD_LIMITS.author) },
    title: truncate(escapeInline(section.heading), DISCORD_LIMITS.title),
    description: truncate(body, DISCORD_LIMITS.description),
    color: colour,
    footer: sourceFooter(briefing.source.name, briefing.published, locale),
  };
}

interface Layout {
  pages: SectionEntry[][];
  briefingCount: number;
}
// A theme's pages depend only on the snapshot; across a large archive packing them is the costly
// part of /theme and its page buttons, so it is done once per snapshot and theme.
const themeLayouts = (): Map<string, Layout> => new Map();
function layoutOf(
  library: Library,
  themeId: string,
  briefingId: string | undefined,
  entries: readonly SectionEntry[],
): Layout {
  const key = `${themeId}\n${briefingId ?? ''}`;
  const known = library.derived(themeLayouts).get(key);
  if (known) return known;
  const layout = {
    pages: pack(entries, estimateSection, { budget: PAGE_BUDGET, maxPerPage: DISCORD_LIMITS.embeds - 1 }),
    briefingCount: new Set(entries.map((e) => e.briefing.id)).size,
  };
  // One briefing's sections are few and cheap to pack; keep only whole-theme layouts.
  if (briefingId === undefined) library.derived(themeLayouts).set(key, layout);
  return layout;
}

/** Lays out every theme's pages now (see Command.prepare). */
export function prepareThemes(library: Library): void {
  for (const theme of library.themes) layoutOf(library, theme.id, undefined, library.byTheme(theme.id));
}

export function renderTheme({ library, theme, briefing, page, locale, pageId }: ThemeView): Reply {
  const entries = library.byTheme(theme.id, briefing?.id);
  const colour = colourOf(theme);
  if (entries.length === 0) {
    return briefing
      ? notice(
          `Nothing on ${theme.label} in this briefing`,
          `“${escapeInline(briefing.title)}” has no section on ${escapeInline(theme.label)}. Try \`/theme theme:${theme.id}\` without a briefing to see every briefing on it.`,
          colour,
        )
      : notice(
          `Nothing on ${theme.label} yet`,
          `No briefing covers ${escapeInline(theme.label)} yet. Try another theme, or \`/sources\` to see what is loaded.`,
          colour,
        );
  }
  const { pages, briefingCount } = layoutOf(library, theme.id, briefing?.id, entries);
  const at = clampPage(page, pages.length);
  const scope = briefing
    ? `in “${escapeInline(briefing.title)}”`
    : `from ${briefingCount} briefing${briefingCount === 1 ? '' : 's'}`;
  const header: APIEmbed = {
    title: truncate(`Theme: ${escapeInline(theme.label)}`, DISCORD_LIMITS.title),
    description: truncate(
      `${escapeText(theme.description)}\n\n${entries.length} section${entries.length === 1 ? '' : 's'} ${scope}, newest first.`,
      1000,
    ),
    color: colour,
    footer: { text: pageLabel(at, pages.length) },
  };
  return {
    embeds: [header, ...(pages[at] ?? []).map((e) => sectionEmbed(e, colour, locale))],
    components: pageButtons(at, pages.length, pageId),
  };
}
