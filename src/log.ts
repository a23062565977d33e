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

export interface LogOptions {
  level: string;
  format?: 'json' | 'pretty' | undefined;
  /** Where JSON lines go; defaults to stdout. Pretty output always goes to stderr's terminal. */
  destination?: DestinationStream;
}

export function createLogger({ level, format, destination }: LogOptions): Logger {
  const pretty = (format ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'attache' } };
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
