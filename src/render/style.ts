/**
 * The house style shared by every view: colours per theme, footers with source and date, and the
 * small notices used for empty states and errors.
 */
import type { Briefing, Library, Theme } from '../briefings/index.js';
import { escapeInline } from './escape.js';
import type { Reply } from './index.js';
import { dateLabel } from './timestamps.js';

/** Attaché's own colour, for replies that are not about one theme. */
export const BRAND_COLOUR = 0x2b5c8a;
export const ERROR_COLOUR = 0xc0392b;

export const colourOf = (theme: Theme | undefined): number =>
  theme ? Number.parseInt(theme.colour.slice(1), 16) : BRAND_COLOUR;

/** The theme most of a briefing's sections carry (first listed wins a tie). */
export function primaryThemeId(briefing: Briefing): string | undefined {
  const counts = new Map<string, number>();
  for (const s of briefing.sections) for (const t of s.themes) counts.set(t, (counts.get(t) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [id, n] of counts) {
    if (n > bestCount) {
      best = id;
      bestCount = n;
    }
  }
  return best;
}

export const briefingColour = (library: Library, briefing: Briefing): number => {
  const id = primaryThemeId(briefing);
  return colourOf(id ? library.theme(id) : undefined);
};

/** Theme labels for ids, escaped, in the order given; unknown ids shown as themselves. */
export const themeLabels = (library: Library, ids: readonly string[]): string[] =>
  [...new Set(ids)].map((id) => escapeInline(library.theme(id)?.label ?? id));

/** Every theme a briefing touches, in order of first appearance. */
export const briefingThemeIds = (briefing: Briefing): string[] => [
  ...new Set(briefing.sections.flatMap((s) => s.themes)),
];

/** Footers are plain text (no markdown), so names are not escaped here. */
export const sourceFooter = (sourceName: string, published: string, locale: string, extra?: string) => ({
  text: [sourceName, dateLabel(published, locale), extra].filter(Boolean).join(' · '),
});

/** A short, friendly answer when there is nothing to show: not an error, only for the asker. */
export const notice = (title: string, description: string, colour = BRAND_COLOUR): Reply => ({
  embeds: [{ title, description, color: colour }],
  ephemeral: true,
});
