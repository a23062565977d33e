/**
 * One briefing at a glance: title, source, date, summary, themes and sections; one quote; its
 * looking-ahead items with their horizons; and a link button to the source.
 */
import { type APIEmbed, ButtonStyle } from 'discord.js';
import type { Briefing, Library } from '../../briefings/index.js';
import { escapeInline, escapeText } from '../escape.js';
import type { ButtonRow, Reply } from '../index.js';
import { DISCORD_LIMITS, embedLength, truncate } from '../limits.js';
import { briefingColour, briefingThemeIds, sourceFooter, themeLabels } from '../style.js';
import { periodMarkdown, publishedMarkdown, resolvePartialDate } from '../timestamps.js';
import { linesWithinBudget } from './lists.js';

export interface BriefView {
  library: Library;
  briefing: Briefing;
  now: Date;
  locale: string;
}

export function quoteLines(text: string, speaker: string, role?: string): string {
  const body = escapeText(text)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const who = role ? `**${escapeInline(speaker)}**, ${escapeInline(role)}` : `**${escapeInline(speaker)}**`;
  return `${body}\n— ${who}`;
}

export function sourceButton(briefing: Briefing, label = 'Read the source'): ButtonRow[] {
  const url = briefing.source.url;
  if (!url || url.length > DISCORD_LIMITS.buttonUrl) return [];
  return [{ type: 1, components: [{ type: 2, style: ButtonStyle.Link, label, url }] }];
}

export function renderBrief({ library, briefing, now, locale }: BriefView): Reply {
  const colour = briefingColour(library, briefing);
  const footer = sourceFooter(briefing.source.name, briefing.published, locale);
  const main: APIEmbed = {
    title: truncate(escapeInline(briefing.title), DISCORD_LIMITS.title),
    ...(briefing.source.url && { url: briefing.source.url }),
    author: { name: truncate(`Briefing · ${briefing.source.name}`, DISCORD_LIMITS.author) },
    description: escapeText(briefing.summary),
    color: colour,
    fields: [
      { name: 'Published', value: publishedMarkdown(briefing.published, locale), inline: true },
      ...(briefing.location ? [{ name: 'Where', value: escapeInline(briefing.location), inline: true }] : []),
      { name: 'Themes', value: themeLabels(library, briefingThemeIds(briefing)).join(' · ') },
      {
        name: `Sections (${briefing.sections.length})`,
        value: truncate(
          briefing.sections.map((s) => `• ${escapeInline(s.heading)}`).join('\n'),
          DISCORD_LIMITS.fieldValue,
        ),
      },
    ],
  };
  const embeds: APIEmbed[] = [main];

  const quote = briefing.quotes.find((q) => q.speaker.trim());
  if (quote) {
    embeds.push({
      title: 'Quote',
      description: quoteLines(quote.text, quote.speaker, quote.role),
      color: colour,
    });
  }

  if (briefing.looking_ahead.length) {
    const used = embeds.reduce((n, e) => n + embedLength(e), 0) + footer.text.length + 200;
    const lines = briefing.looking_ahead.map((item) => {
      const period = item.horizon ? resolvePartialDate(item.horizon) : undefined;
      const when = period ? ` — ${periodMarkdown(period, now, locale)}` : '';
      return `• ${escapeText(item.text.replace(/\s+/g, ' '))}${when}`;
    });
    const budget = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - used);
    embeds.push({
      title: 'Looking ahead',
      description: linesWithinBudget(lines, budget, (n) => `…and ${n} more — see /lookahead`),
      color: colour,
      footer,
    });
  } else {
    embeds.push({ ...(embeds.pop() as APIEmbed), footer });
  }
  return { embeds, components: sourceButton(briefing) };
}
