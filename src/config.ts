/**
 * One zod schema over the environment, parsed once at boot. Every problem is reported at once,
 * and the token never appears in any message: zod issues are rendered from names and
 * expectations only, never from received values.
 *
 * Everything else may import this module, so it imports nothing of the app: the checks it shares
 * with the rest (Discord ids, time zones, a URL's scheme) are defined here.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** A Discord id (snowflake): the one test for guild, channel and user ids. */
export const SNOWFLAKE = /^\d{17,20}$/;

/** Whether the runtime knows the IANA time zone (any spelling Intl accepts, e.g. `utc`). */
export const isTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The scheme of a URL such as STORE_URL, lowercase and without `://`; undefined without one. */
export const schemeOf = (url: string): string | undefined => URL_SCHEME.exec(url)?.[1]?.toLowerCase();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const optionalString = z.string().trim().optional();

const snowflake = z.string().trim().regex(SNOWFLAKE, 'a Discord id (17-20 digits)').optional();

// The token goes wherever this URL points: plain http would carry it readable by anyone on the way.
const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);

const discordApiUrl = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://discord.com/api' }))
  .refine((v) => {
    const url = URL.canParse(v) ? new URL(v) : undefined;
    return !url || (url.username === '' && url.password === '');
  }, "a URL without a user name or password (Discord's REST client cannot send them)")
  .refine((v) => {
    const url = URL.canParse(v) ? new URL(v) : undefined;
    return !url || url.protocol === 'https:' || isLoopback(url.hostname);
  }, 'https, or http only to this machine (localhost, 127.0.0.1, [::1]): plain http would send the bot token unencrypted')
  .optional();

/** A run of shard ids, both ends included. */
type ShardRange = [low: number, high: number];

const SHARD_LIST = /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/;

/**
 * `0-3`, `4,5,7`, `0-3,8`: ranges and single ids, each shard once. Kept as ranges until the
 * total is known, so a wide range is checked before anything is spelled out.
 */
const shardIds = z
  .string()
  .transform((text, ctx) => {
    const compact = text.replace(/\s+/g, '');
    if (!SHARD_LIST.test(compact)) {
      ctx.addIssue({
        code: 'custom',
        message: 'shard ids as numbers and ranges, such as 0-3, 4,5,7 or 0-3,8',
      });
      return z.NEVER;
    }
    const ranges = compact.split(',').map((part): ShardRange => {
      const [low = 0, high = low] = part.split('-').map(Number);
      return [low, high];
    });
    const reversed = ranges.find(([low, high]) => low > high);
    if (reversed) {
      ctx.addIssue({
        code: 'custom',
        message: `ranges from low to high (${reversed[0]}-${reversed[1]} is reversed)`,
      });
      return z.NEVER;
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (const [index, [low]] of ranges.entries()) {
      const previous = ranges[index - 1];
      if (previous && low <= previous[1]) {
        ctx.addIssue({ code: 'custom', message: `each shard id once (${low} is listed twice)` });
        return z.NEVER;
      }
    }
    return ranges;
  })
  .optional()
  .describe('Shards this machine runs, e.g. 0-3 or 4,5,7; needs TOTAL_SHARDS. Default: all.');

const PORT = 'a port number from 0 to 65535';
const port = z.coerce
  .number({ error: PORT })
  .int({ error: PORT })
  .min(0, { error: PORT })
  .max(65535, { error: PORT });

const SHARD_COUNT = 'a whole number of shards, 1 or more';

export const ConfigSchema = z
  .object({
    DISCORD_TOKEN: optionalString.describe('Bot token; without it `npm start` runs the local console.'),
    DISCORD_APPLICATION_ID: snowflake,
    DISCORD_GUILD_ID: snowflake,
    OPERATOR_GUILD_ID: snowflake.describe('The one server where /status shows operator details.'),
    DISCORD_API_URL: discordApiUrl,
    TOTAL_SHARDS: z.coerce
      .number({ error: SHARD_COUNT })
      .int({ error: SHARD_COUNT })
      .positive({ error: SHARD_COUNT })
      .optional()
      .describe('Shards across every machine; unset: the count Discord recommends.'),
    SHARD_IDS: shardIds,
    REST_PROXY_HOST: z.string().trim().min(1).default('127.0.0.1'),
    REST_PROXY_PORT: port.default(8080).describe('0 picks a free port, printed at start.'),
    DATA_DIR: z.string().trim().min(1).default('data'),
    STATE_DIR: z.string().trim().min(1).default('state'),
    STORE_URL: z
      .string()
      .trim()
      .regex(URL_SCHEME, 'a URL with a scheme, such as sqlite://state/attache.sqlite or memory://')
      .optional()
      .describe('keyv connection string; default sqlite://<STATE_DIR>/attache.sqlite'),
    DEFAULT_TIMEZONE: z
      .string()
      .trim()
      .default('Europe/Brussels')
      .refine(isTimeZone, 'an IANA time zone such as Europe/Brussels'),
    SCHEDULE_MIN_INTERVAL_MINUTES: positiveInt(60),
    SCHEDULE_MAX_PER_GUILD: positiveInt(25),
    CATCH_UP_WINDOW_HOURS: z.coerce.number().min(0).max(168).default(6),
    RELOAD_DEBOUNCE_MS: z.coerce.number().int().min(0).default(300),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().min(0).default(30).describe('0 turns the limit off.'),
    RATE_LIMIT_BURST: positiveInt(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z
      .enum(['json', 'pretty'])
      .optional()
      .describe('Default: pretty on a terminal, json otherwise.'),
  })
  .superRefine(
    ({ TOTAL_SHARDS: total, SHARD_IDS: ranges }, ctx) => {
      if (!ranges) return;
      if (total === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['SHARD_IDS'],
          message: 'TOTAL_SHARDS to be set too: every machine must run its shards out of the same total',
        });
        return;
      }
      const beyond = ranges.find(([, high]) => high >= total);
      if (beyond) {
        ctx.addIssue({
          code: 'custom',
          path: ['SHARD_IDS'],
          message: `ids from 0 to ${total - 1}, below TOTAL_SHARDS (${total}); ${beyond[1]} is not`,
        });
      }
    },
    // Checked only once both variables are valid on their own, so every other problem is still listed.
    {
      when: ({ issues }) =>
        !issues.some(({ path }) => path?.[0] === 'TOTAL_SHARDS' || path?.[0] === 'SHARD_IDS'),
    },
  );

export type Config = Omit<z.infer<typeof ConfigSchema>, 'SHARD_IDS'> & {
  STORE_URL: string;
  /** Every shard id this machine runs, ascending; undefined: all of TOTAL_SHARDS. */
  SHARD_IDS: number[] | undefined;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * A setting that is well formed but does not work on this machine: a folder that cannot be
 * written, a store that cannot be opened, a Discord API that cannot be reached or rejects the
 * token. Its message is one line naming the setting and what to check; never a credential.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/**
 * `.env.example` lists every variable as `NAME=`, and Node's .env loader sets those as empty
 * strings: an empty or blank value must mean "unset" (the default applies), for every variable.
 */
const withoutBlanks = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));

/** Parses the given environment; throws a ConfigError listing every problem. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(withoutBlanks(env));
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
  return {
    ...config,
    STORE_URL: config.STORE_URL ?? `sqlite://${config.STATE_DIR}/attache.sqlite`,
    SHARD_IDS: config.SHARD_IDS?.flatMap(([low, high]) =>
      Array.from({ length: high - low + 1 }, (_, i) => low + i),
    ),
  };
}

/** Loads `.env` when present (Node's own parser), then parses. */
export function loadConfig(envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
