/**
 * One zod schema over the environment, parsed once at boot. Every problem is reported at once,
 * and the token never appears in any message: zod issues are rendered from names and
 * expectations only, never from received values.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { SNOWFLAKE } from './digest/index.js';
import { isTimeZone } from './digest/zoned.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const snowflake = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().regex(SNOWFLAKE, 'a Discord id (17-20 digits)').optional())
  .optional();

export const ConfigSchema = z.object({
  DISCORD_TOKEN: optionalString.describe('Bot token; without it `npm start` runs the local console.'),
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_URL: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://discord.com/api' }).optional())
    .optional(),
  DATA_DIR: z.string().trim().min(1).default('data'),
  STATE_DIR: z.string().trim().min(1).default('state'),
  STORE_URL: optionalString.describe('keyv connection string; default sqlite://<STATE_DIR>/attache.sqlite'),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default('Europe/Brussels')
    .refine(isTimeZone, 'an IANA time zone such as Europe/Brussels'),
  SCHEDULE_MIN_INTERVAL_MINUTES: positiveInt(60),
  SCHEDULE_MAX_PER_GUILD: positiveInt(25),
  CATCH_UP_WINDOW_HOURS: z.coerce.number().min(0).max(168).default(6),
  RELOAD_DEBOUNCE_MS: z.coerce.number().int().min(0).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .optional()
    .describe('Default: pretty on a terminal, json otherwise.'),
});

export type Config = z.infer<typeof ConfigSchema> & { STORE_URL: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the given environment; throws a ConfigError listing every problem. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      // Only the expectation is printed: a received value could be a secret.
      const expectation = issue.message.replace(/^Invalid (input|option): /, '').replace(/^expected /, '');
      return `${name}: expected ${expectation}`;
    });
    throw new ConfigError(problems);
  }
  const config = result.data;
  return { ...config, STORE_URL: config.STORE_URL ?? `sqlite://${config.STATE_DIR}/attache.sqlite` };
}

/** Loads `.env` when present (Node's own parser), then parses. */
export function loadConfig(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
