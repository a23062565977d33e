/**
 * Pages of embeds or fields, and the Previous/Next buttons that move between them. Pages are packed
 * by rendered size, so a page is as full as Discord allows and never needs cutting; the same items
 * always pack into the same pages, so a page number in a custom id finds the same page again.
 */
import { ButtonStyle } from 'discord.js';
import type { ButtonRow } from './index.js';

export interface PackOptions {
  /** Characters a page may hold (leave room for headers and footers under 6,000). */
  budget: number;
  maxPerPage: number;
}

/** Greedy packing in order; an item larger than the budget gets a page of its own. */
export function pack<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  { budget, maxPerPage }: PackOptions,
) {
  const pages: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (used + size > budget || current.length >= maxPerPage)) {
      pages.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += size;
  }
  if (current.length > 0 || pages.length === 0) pages.push(current);
  return pages;
}

/** Where each page of what `pack` would make starts, without building the pages. */
export function pageStarts<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  { budget, maxPerPage }: PackOptions,
): number[] {
  const starts = [0];
  let inPage = 0;
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    const size = sizeOf(items[i] as T);
    if (inPage > 0 && (used + size > budget || inPage >= maxPerPage)) {
      starts.push(i);
      inPage = 0;
      used = 0;
    }
    inPage++;
    used += size;
  }
  return starts;
}

/**
 * One page of what `pack` would make, and how many pages it would make, without building the
 * others: for lists computed on every call (a window of looking-ahead items), where packing them all
 * would allocate a page array per page to show one. `page` is clamped like `clampPage`; `starts`,
 * from `pageStarts`, may be passed when known.
 */
export function packedPage<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  options: PackOptions,
  page: number,
  starts: readonly number[] = pageStarts(items, sizeOf, options),
): { at: number; count: number; items: T[] } {
  const count = starts.length;
  const at = clampPage(page, count);
  return { at, count, items: items.slice(starts[at] ?? 0, starts[at + 1] ?? items.length) };
}

/** A page that no longer exists (the data changed since the button was made) shows the last one. */
export const clampPage = (page: number, pageCount: number): number =>
  Math.max(0, Math.min(page, Math.max(0, pageCount - 1)));

export const pageLabel = (page: number, pageCount: number): string => `Page ${page + 1} of ${pageCount}`;

/**
 * The custom id of a button to `page`, made by the command that reads it back. It carries the full
 * state of that page, so each button stands alone.
 */
export type PageId = (page: number) => string;

/** Previous/Next buttons, disabled at the ends; none when there is one page. */
export function pageButtons(page: number, pageCount: number, pageId: PageId): ButtonRow[] {
  if (pageCount <= 1) return [];
  const prev = Math.max(0, page - 1);
  const next = Math.min(pageCount - 1, page + 1);
  return [
    {
      type: 1,
      components: [
        {
          type: 2,
          style: ButtonStyle.Secondary,
          label: '◀ Previous',
          custom_id: pageId(prev),
          disabled: page <= 0,
        },
        {
          type: 2,
          style: ButtonStyle.Secondary,
          label: 'Next ▶',
          custom_id: pageId(next),
          disabled: page >= pageCount - 1,
        },
      ],
    },
  ];
}
