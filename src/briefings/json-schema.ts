/**
 * JSON Schemas for editors, generated from the zod schemas (the single source of truth) and
 * committed under data/schema/. With the YAML language server a curator sees unknown fields,
 * wrong types, over-long text and malformed dates while typing; the loader still has the last
 * word (theme ids, real calendar dates, file names are beyond JSON Schema).
 *
 * `npm run data:schema` rewrites the files; `tsx src/briefings/json-schema.ts --check` exits 1
 * when they are stale (a test does the same).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BriefingSchema, ThemesFileSchema } from './schema.js';

export const SCHEMA_DIR = fileURLToPath(new URL('../../data/schema/', import.meta.url));

const toJson = (schema: z.ZodType, title: string, description: string): string => {
  const json = z.toJSONSchema(schema, {
    // What a curator writes, before defaults and normalising transforms are applied.
    io: 'input',
    // Transforms and refinements have no JSON Schema form; leave them unconstrained rather than fail.
    unrepresentable: 'any',
    // The YAML language server (VS Code, JetBrains, Neovim) supports draft-07 best.
    target: 'draft-07',
  });
  const { $schema, ...rest } = json;
  return `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
};

export const generateSchemas = (): Record<string, string> => ({
  'themes.schema.json': toJson(
    ThemesFileSchema,
    'Attaché themes',
    'data/themes.yaml: the taxonomy briefings refer to. Generated from src/briefings/schema.ts by npm run data:schema.',
  ),
  'briefing.schema.json': toJson(
    BriefingSchema,
    'Attaché briefing',
    'data/briefings/<id>.yaml: one curated article. Generated from src/briefings/schema.ts by npm run data:schema.',
  ),
});

/** Names of committed schema files that differ from what the zod schemas generate now. */
export const staleSchemas = async (dir = SCHEMA_DIR): Promise<string[]> => {
  const stale: string[] = [];
  for (const [name, text] of Object.entries(generateSchemas())) {
    const committed = await readFile(`${dir}${name}`, 'utf8').catch(() => undefined);
    if (committed !== text) stale.push(name);
  }
  return stale;
};

export const main = async (args: readonly string[]): Promise<number> => {
  if (args.includes('--write')) {
    for (const [name, text] of Object.entries(generateSchemas())) {
      await writeFile(`${SCHEMA_DIR}${name}`, text);
      process.stdout.write(`wrote data/schema/${name}\n`);
    }
    return 0;
  }
  const stale = await staleSchemas();
  if (stale.length === 0) {
    process.stdout.write('data/schema is up to date\n');
    return 0;
  }
  process.stdout.write(`stale: data/schema/${stale.join(', data/schema/')}; run npm run data:schema\n`);
  return 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
