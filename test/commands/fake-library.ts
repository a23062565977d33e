/**
 * A small, obviously-correct Library over plain briefing objects, so command tests do not depend on
 * the loader or the search index. It follows the contract in src/briefings/index.ts: published
 * briefings only, newest first; snippets with `**` around matches and other markdown escaped.
 */
import { escapeMarkdown } from 'discord.js';
import { sectionSize } from '../../src/briefings/archive.js';
import type {
  Briefing,
  Library,
  LookaheadEntry,
  Period,
  QuoteEntry,
  SearchHit,
  SectionEntry,
  Theme,
} from '../../src/briefings/index.js';
import { derivedOf } from '../../src/briefings/library.js';
import { inWindow } from '../../src/briefings/period.js';
import { resolvePartialDate } from '../../src/render/timestamps.js';

const PRECISION_ORDER = { day: 0, month: 1, quarter: 2, year: 3 } as const;
const comparePeriods = (a: Period, b: Period): number =>
  a.start.getTime() - b.start.getTime() || PRECISION_ORDER[a.precision] - PRECISION_ORDER[b.precision];

const terms = (query: string): string[] =>
  [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((t) => t.length > 1);

/** A snippet of up to ~160 characters around the first match, matches in bold, the rest escaped. */
function snippet(text: string, words: readonly string[]): string {
  const lower = text.toLowerCase();
  const first = Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0));
  const start = Math.max(0, first - 60);
  const window = text.slice(start, start + 160);
  const re = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
  const parts = window.split(re);
  const body = parts.map((p, i) => (i % 2 === 1 ? `**${escapeMarkdown(p)}**` : escapeMarkdown(p))).join('');
  return `${start > 0 ? '…' : ''}${body}${start + 160 < text.length ? '…' : ''}`;
}

export function fakeLibrary(themes: Theme[], all: Briefing[], loadedAt = new Date('2026-01-20T09:00:00Z')) {
  const briefings = all
    .filter((b) => b.status !== 'draft')
    .sort((a, b) => b.published.localeCompare(a.published) || a.id.localeCompare(b.id));
  const quoteEntries: QuoteEntry[] = briefings.flatMap((briefing) =>
    briefing.quotes.map((quote, index) => ({
      briefing,
      quote,
      index,
      source: quote.source ?? briefing.source,
    })),
  );
  const speakerCounts = new Map<string, number>();
  for (const q of quoteEntries)
    speakerCounts.set(q.quote.speaker, (speakerCounts.get(q.quote.speaker) ?? 0) + 1);

  const library: Library = {
    loadedAt,
    stats: {
      briefings: briefings.length,
      drafts: all.length - briefings.length,
      themes: themes.length,
      sections: briefings.reduce((n, b) => n + b.sections.length, 0),
      quotes: quoteEntries.length,
      lookahead: briefings.reduce((n, b) => n + b.looking_ahead.length, 0),
    },
    themes,
    theme: (id) => themes.find((t) => t.id === id),
    latest: (limit) => briefings.slice(0, limit ?? briefings.length),
    briefing: (id) => briefings.find((b) => b.id === id),
    byTheme: (themeId, briefingId) =>
      briefings
        .filter((b) => !briefingId || b.id === briefingId)
        .flatMap((briefing) =>
          briefing.sections.map(
            (section, index): SectionEntry => ({
              briefing,
              section,
              index,
              size: sectionSize(section),
            }),
          ),
        )
        .filter((e) => e.section.themes.includes(themeId)),
    quotes: (filter = {}) =>
      quoteEntries.filter(
        (e) =>
          (!filter.theme || e.quote.themes.includes(filter.theme)) &&
          (!filter.speaker || e.quote.speaker === filter.speaker),
      ),
    speakers: (match) =>
      [...speakerCounts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([s]) => s)
        .filter((s) => !match || s.toLowerCase().includes(match.toLowerCase())),
    randomQuote: (filter, random) => {
      const list = library.quotes(filter);
      return list[Math.floor(random() * list.length)];
    },
    lookahead: ({ theme, within = 'all', now = new Date() } = {}) => {
      const entries: LookaheadEntry[] = briefings.flatMap((briefing) =>
        briefing.looking_ahead.map((item, index) => {
          const period = item.horizon ? resolvePartialDate(item.horizon) : undefined;
          return { briefing, item, index, key: `${briefing.id}#${index}`, ...(period && { period }) };
        }),
      );
      const kept = entries.filter(
        (e) =>
          (!theme || e.item.themes.includes(theme)) &&
          (within === 'all' || (e.period !== undefined && inWindow(e.period, now, within))),
      );
      const dated = kept
        .filter((e) => e.period)
        .sort((a, b) => comparePeriods(a.period as Period, b.period as Period));
      return [...dated, ...kept.filter((e) => !e.period)];
    },
    search: (query, { limit = 10, offset = 0 } = {}) => {
      const words = terms(query);
      if (words.length === 0) return { total: 0, hits: [] };
      const hits: SearchHit[] = [];
      const consider = (briefing: Briefing, kind: SearchHit['kind'], text: string, label?: string) => {
        const lower = text.toLowerCase();
        const score = words.filter((w) => lower.includes(w)).length;
        if (score > 0)
          hits.push({ briefing, kind, snippet: snippet(text, words), score, ...(label && { label }) });
      };
      for (const b of briefings) {
        consider(b, 'title', b.title);
        consider(b, 'summary', b.summary);
        for (const s of b.sections) {
          consider(b, 'section', s.summary, s.heading);
          for (const p of s.points) consider(b, 'point', p, s.heading);
        }
        for (const q of b.quotes) consider(b, 'quote', q.text, q.speaker);
      }
      hits.sort((a, b) => b.score - a.score);
      return { total: hits.length, hits: hits.slice(offset, offset + limit) };
    },
    sources: () => {
      const bySource = new Map<string, { source: Briefing['source']; briefings: Briefing[] }>();
      for (const b of briefings) {
        const key = `${b.source.name}\n${b.source.url ?? ''}`;
        const group = bySource.get(key) ?? { source: b.source, briefings: [] };
        group.briefings.push(b);
        bySource.set(key, group);
      }
      return [...bySource.values()];
    },
    derived: derivedOf(() => library),
  };
  return library;
}
