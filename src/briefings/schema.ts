/**
 * The curated data model: the single source of truth for `data/themes.yaml` and
 * `data/briefings/*.yaml`. Types are inferred from these schemas; the JSON Schema that editors use
 * is generated from them (see json-schema.ts).
 *
 * Length limits are chosen so that any valid field fits Discord's embed limits once rendered
 * (title 256, description 4096, field value 1024), leaving room for decoration.
 */
import { z } from 'zod';

export const LIMITS = {
  id: 64,
  title: 200,
  label: 60,
  sourceName: 100,
  url: 512,
  location: 100,
  briefingSummary: 1500,
  heading: 200,
  sectionSummary: 900,
  point: 300,
  pointsPerSection: 10,
  quote: 900,
  speaker: 120,
  role: 120,
  context: 300,
  lookahead: 400,
  description: 300,
  keyword: 40,
} as const;

export const slug = z
  .string()
  .max(LIMITS.id)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug such as "security-defence"');

/** Non-empty text after trimming, at most `max` characters. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const isRealDate = (year: number, month: number, day: number): boolean => {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
};

/**
 * A calendar date, or a coarser period: `2026-03-15`, `2026-03`, `2026-Q2`, `2026`.
 * YAML parses an unquoted `2026` as a number and `2026-03-15` as a string (yaml 1.2 core schema),
 * so both numbers and strings are accepted and normalised to a string.
 */
export const PARTIAL_DATE_RE = /^(\d{4})(?:-(?:(0[1-9]|1[0-2])(?:-(\d{2}))?|Q([1-4])))?$/;
const PUBLICATION_DATE_RE = /^\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?$/;
const DATE_FORMATS = 'YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY';
const PUBLICATION_FORMATS = 'YYYY-MM-DD, or YYYY-MM when the source gives no day';

/**
 * Each date field names only the formats it accepts: a curator told "use YYYY-Qn" for `published`
 * would only meet a second error.
 */
const checkDate =
  (what: string, formats: string, accepted: RegExp) =>
  (value: string, ctx: z.RefinementCtx<string>): void => {
    const m = PARTIAL_DATE_RE.exec(value);
    if (!m || !accepted.test(value)) {
      const coarse = m ? ` (a ${m[4] === undefined ? 'year' : 'quarter'} is too coarse)` : '';
      ctx.addIssue({ code: 'custom', message: `"${value}" is not ${what}${coarse}: use ${formats}` });
      return;
    }
    if (m[3] !== undefined && !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      ctx.addIssue({ code: 'custom', message: `${value} is not a real calendar date` });
    }
  };

// The `pattern` metadata only feeds the generated JSON Schema, so editors flag a bad date as it is
// typed; the checks above stay the source of the messages.
export const partialDate = z
  .union(
    [
      z.string().meta({ pattern: PARTIAL_DATE_RE.source }),
      z.number().int().min(1000, 'a year has four digits').max(9999, 'a year has four digits'),
    ],
    { error: `expected a date: ${DATE_FORMATS}` },
  )
  .transform((v) => String(v))
  .superRefine(checkDate('a date', DATE_FORMATS, PARTIAL_DATE_RE));

/** A publication date: a day or, where the source gives only that, a month. */
export const publicationDate = z
  .string({ error: `expected a publication date: ${PUBLICATION_FORMATS}` })
  .meta({ pattern: PUBLICATION_DATE_RE.source })
  .superRefine(checkDate('a publication date', PUBLICATION_FORMATS, PUBLICATION_DATE_RE));

const hexColour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like "#1f6feb"')
  .transform((v) => v.toLowerCase());

export const ThemeSchema = z.strictObject({
  id: slug.describe('Stable identifier used by briefings; never change it once published.'),
  label: text(LIMITS.label).describe('Name shown to users; may change.'),
  description: text(LIMITS.description),
  colour: hexColour.describe('Embed colour for this theme.'),
  keywords: z
    .array(text(LIMITS.keyword))
    .min(1, 'list at least one keyword')
    .describe('Words that signal this theme; ingest matches them on word stems.'),
});

export const ThemesFileSchema = z.strictObject({
  themes: z.array(ThemeSchema).min(1, 'define at least one theme'),
});

export const SourceSchema = z.strictObject({
  name: text(LIMITS.sourceName),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(LIMITS.url)
    .optional(),
});

const themeList = z
  .array(slug)
  .min(1, 'name at least one theme')
  .describe('Theme ids defined in data/themes.yaml.');

export const SectionSchema = z.strictObject({
  heading: text(LIMITS.heading),
  themes: themeList,
  summary: text(LIMITS.sectionSummary).describe("The curator's own words."),
  points: z.array(text(LIMITS.point)).max(LIMITS.pointsPerSection).default([]),
});

export const QuoteSchema = z.strictObject({
  text: text(LIMITS.quote).describe('Verbatim, without surrounding quotation marks.'),
  speaker: text(LIMITS.speaker).describe('Who said it, as the source attributes it.'),
  role: text(LIMITS.role).optional(),
  context: text(LIMITS.context).optional(),
  themes: themeList,
  source: SourceSchema.optional().describe("Defaults to the briefing's source."),
});

export const LookaheadSchema = z.strictObject({
  text: text(LIMITS.lookahead),
  themes: themeList,
  horizon: partialDate
    .optional()
    .describe('When it is expected: YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY, as the source states it.'),
});

export const BriefingSchema = z.strictObject({
  id: slug.describe('Must match the file name without .yaml.'),
  status: z.enum(['draft', 'published']).default('published'),
  title: text(LIMITS.title),
  source: SourceSchema,
  published: publicationDate.describe(
    'When the source was published: YYYY-MM-DD, or YYYY-MM if it gives no day.',
  ),
  location: text(LIMITS.location).optional(),
  summary: text(LIMITS.briefingSummary).describe("The curator's own words."),
  sections: z.array(SectionSchema).min(1, 'a briefing needs at least one section'),
  quotes: z.array(QuoteSchema).default([]),
  looking_ahead: z.array(LookaheadSchema).default([]),
});

export type Theme = z.infer<typeof ThemeSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type Quote = z.infer<typeof QuoteSchema>;
export type LookaheadItem = z.infer<typeof LookaheadSchema>;
export type Briefing = z.infer<typeof BriefingSchema>;
export type BriefingInput = z.input<typeof BriefingSchema>;
