import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import { generateSchemas, SCHEMA_DIR, staleSchemas } from '../../src/briefings/json-schema.js';
import { LIMITS, PARTIAL_DATE_RE } from '../../src/briefings/schema.js';

type JsonObject = { [key: string]: unknown };
const generated = (name: string): JsonObject => JSON.parse(generateSchemas()[name] ?? 'null') as JsonObject;
const at = (obj: unknown, ...path: string[]): JsonObject => {
  let v = obj;
  for (const key of path) v = (v as JsonObject)[key];
  return v as JsonObject;
};

describe('committed JSON Schemas', () => {
  test.each(['themes.schema.json', 'briefing.schema.json'])(
    'GIVEN the zod schemas WHEN %s is regenerated THEN it equals the committed file (run npm run data:schema if not)',
    async (name) => {
      const committed = await readFile(`${SCHEMA_DIR}${name}`, 'utf8');
      expect(committed).toBe(generateSchemas()[name]);
    },
  );

  test('GIVEN a schema folder with an outdated file WHEN checked THEN that file is named as stale', async () => {
    const dir = `${await mkdtemp(`${tmpdir()}/attache-schema-`)}/`;
    await writeFile(`${dir}themes.schema.json`, generateSchemas()['themes.schema.json'] ?? '');
    await writeFile(`${dir}briefing.schema.json`, '{}\n');
    expect(await staleSchemas(dir)).toEqual(['briefing.schema.json']);
  });
});

describe('what editors get from the briefing schema', () => {
  const briefing = generated('briefing.schema.json');

  test('GIVEN fields with defaults WHEN a curator omits them THEN the schema does not require them', () => {
    expect(briefing.required).toEqual(['id', 'title', 'source', 'published', 'summary', 'sections']);
  });

  test('GIVEN strict objects WHEN a field is misspelt THEN the schema rejects unknown keys at every level', () => {
    expect(briefing.additionalProperties).toBe(false);
    expect(at(briefing, 'properties', 'sections', 'items').additionalProperties).toBe(false);
    expect(at(briefing, 'properties', 'quotes', 'items').additionalProperties).toBe(false);
  });

  test('GIVEN a quote WHEN edited THEN text and speaker are required', () => {
    expect(at(briefing, 'properties', 'quotes', 'items').required).toEqual(['text', 'speaker', 'themes']);
  });

  test('GIVEN a horizon WHEN typed THEN it may be a date-like string or a four-digit year', () => {
    const horizon = at(briefing, 'properties', 'looking_ahead', 'items', 'properties', 'horizon');
    expect(horizon.anyOf).toEqual([
      { type: 'string', pattern: PARTIAL_DATE_RE.source },
      { type: 'integer', minimum: 1000, maximum: 9999 },
    ]);
  });

  test.each([
    ['2026-01', true],
    ['2026-01-15', true],
    ['2026-Q2', false],
    ['2026', false],
  ])('GIVEN published %s WHEN matched against the schema pattern THEN accepted is %s', (value, ok) => {
    const pattern = new RegExp(String(at(briefing, 'properties', 'published').pattern));
    expect(pattern.test(value)).toBe(ok);
  });

  test('GIVEN over-long text WHEN typed THEN the editor knows the same limit as the loader', () => {
    expect(at(briefing, 'properties', 'title').maxLength).toBe(LIMITS.title);
    expect(at(briefing, 'properties', 'quotes', 'items', 'properties', 'text').maxLength).toBe(LIMITS.quote);
  });
});
