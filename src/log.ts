/**
 * Structured logs with pino: JSON for services and log collectors, pretty on a terminal.
 * Anything that looks like a credential is redacted, at any depth and whatever the case of its key,
 * so a logged config, request or error never carries the token.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Keys whose values are credentials. Matched whatever their case: HTTP header names are
 * case-insensitive, so `Authorization` and `authorization` are the same header.
 */
const SECRET_KEYS = new Set([
  'token',
  'discord_token',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
]);
/** discord.js errors keep the request body, which can hold anything the bot was sending. */
const DROPPED_KEYS = new Set(['requestBody']);
const MAX_DEPTH = 10;

/**
 * Tokens that sit in text: interaction and webhook tokens in REST paths (each lets its holder answer
 * as the bot), and the user:password part of any URL, up to its last @ (a password may hold an
 * unencoded @, # or /).
 */
export const redactTokens = (text: string): string =>
  text
    .replace(/(\/(?:interactions|webhooks)\/\d+\/)[^/?\s]+/g, '$1[redacted]')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)\S*@/gi, '$1[redacted]@');

/** A copy of a log value with credentials redacted at any depth; errors are serialized on the way. */
function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return serializeError(value, depth, seen);
  if (value instanceof URL) return redactTokens(value.href);
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  // Dates and the like say how they want to be written.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    copy[key] = SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : scrub(item, depth + 1, seen);
  }
  return copy;
}

/**
 * Errors as pino logs them, less what could carry a credential: discord.js's DiscordAPIError and
 * HTTPError keep the request URL (with the interaction token) and the request body, and so do the
 * errors an AggregateError holds and any cause.
 */
function serializeError(error: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (!(error instanceof Error)) return error;
  if (seen.has(error)) return '[Circular]';
  seen.add(error);
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  // The serializer's copy keeps the original error on a hidden `raw`: only its own keys are walked.
  return scrub({ ...serialized }, depth, seen);
}

interface LogOptions {
  level: string;
  format?: 'json' | 'pretty' | undefined;
  /** Where JSON lines go; defaults to stdout. Pretty output always goes to stderr's terminal. */
  destination?: DestinationStream;
}

export function createLogger({ level, format, destination }: LogOptions): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  const options = {
    level,
    // Every logged object passes here before it is written, so nothing depends on a path list.
    formatters: {
      log: (object: Record<string, unknown>) => scrub(object) as Record<string, unknown>,
      bindings: (bindings: Record<string, unknown>) => scrub(bindings) as Record<string, unknown>,
    },
    serializers: { err: serializeError, error: serializeError },
    base: { app: 'attache' },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,app',
          destination: 2,
        },
      },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}
