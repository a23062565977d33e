/**
 * Structured logs with pino: JSON for services and log collectors, pretty on a terminal.
 * Anything that looks like a credential is redacted by path, so a logged config or request never
 * carries the token.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/** Interaction and webhook tokens sit in REST paths; each lets its holder answer as the bot. */
export const redactTokens = (text: string): string =>
  text.replace(/(\/(?:interactions|webhooks)\/\d+\/)[^/?\s]+/g, '$1[redacted]');

/**
 * Errors as pino logs them, less what could carry a credential: discord.js's DiscordAPIError and
 * HTTPError keep the request URL (with the interaction token) and the request body.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const { requestBody: _body, url, ...rest } = pino.stdSerializers.err(error) as Record<string, unknown>;
  return {
    ...rest,
    ...(typeof url === 'string' ? { url: redactTokens(url) } : {}),
    ...(typeof rest.message === 'string' ? { message: redactTokens(rest.message) } : {}),
    ...(typeof rest.stack === 'string' ? { stack: redactTokens(rest.stack) } : {}),
  };
}

export interface LogOptions {
  level: string;
  format?: 'json' | 'pretty' | undefined;
  /** Where JSON lines go; defaults to stdout. Pretty output always goes to stderr's terminal. */
  destination?: DestinationStream;
}

export function createLogger({ level, format, destination }: LogOptions): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
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
