import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { clampPage, pack, packedPage } from '../../src/render/pagination.js';

describe('GIVEN items of any sizes WHEN one page is asked of packedPage', () => {
  test('THEN it is the page pack makes at that number, with pack’s page count, clamped alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: -2, max: 40 }),
        (sizes, budget, maxPerPage, page) => {
          const items = sizes.map((size, id) => ({ id, size }));
          const pages = pack(items, (i) => i.size, { budget, maxPerPage });
          const one = packedPage(items, (i) => i.size, { budget, maxPerPage }, page);
          expect(one.count).toBe(pages.length);
          expect(one.at).toBe(clampPage(page, pages.length));
          expect(one.items).toEqual(pages[one.at]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
