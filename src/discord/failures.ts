/**
 * Start-up and deploy failures that come from the operator's settings rather than from a bug: a
 * Discord API that cannot be reached, or a token it rejects. Each becomes one line naming the
 * setting, the host (never a credential) and what to check, instead of a stack trace or a bare
 * `connect ECONNREFUSED`.
 */
import { DiscordAPIError, HTTPError } from 'discord.js';

const DEFAULT_API = 'https://discord.com/api';

/** What a network error code means to an operator. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host',
};

/** The error and everything it wraps: causes and the errors of an AggregateError. */
function* chain(error: unknown, depth = 0): Generator<unknown> {
  if (depth > 8 || error === undefined || error === null) return;
  yield error;
  if (typeof error !== 'object') return;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* chain(inner, depth + 1);
  if ('cause' in error) yield* chain(error.cause, depth + 1);
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

function networkProblem(error: unknown): string | undefined {
  for (const link of chain(error)) {
    const code = codeOf(link);
    if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
    // @discordjs/rest aborts a request that outlives its timeout (15 s by default).
    if (link instanceof Error && link.name === 'AbortError') return 'timed out';
  }
  return undefined;
}

function tokenRejected(error: unknown): boolean {
  for (const link of chain(error)) {
    if (codeOf(link) === 'TokenInvalid') return true;
    if ((link instanceof DiscordAPIError || link instanceof HTTPError) && link.status === 401) return true;
  }
  return false;
}

/** Scheme, host and port of the API URL: the user:password part, if any, is never shown. */
const hostOf = (apiUrl: string | undefined): string => {
  const url = new URL(apiUrl ?? DEFAULT_API);
  return `${url.protocol}//${url.host}`;
};

/**
 * One line for a failure caused by DISCORD_API_URL or DISCORD_TOKEN; undefined for anything else
 * (a bug, which keeps its stack trace).
 */
export function explainDiscordFailure(error: unknown, apiUrl: string | undefined): string | undefined {
  const host = hostOf(apiUrl);
  if (tokenRejected(error)) {
    return `DISCORD_TOKEN: Discord (${host}) rejected the token (401 Unauthorized); copy the bot's current token from https://discord.com/developers/applications (Bot → Reset Token) into DISCORD_TOKEN.`;
  }
  const problem = networkProblem(error);
  if (!problem) return undefined;
  return apiUrl
    ? `DISCORD_API_URL: cannot reach Discord's API at ${host} (${problem}); check that DISCORD_API_URL is right and that this machine can reach it (unset, Discord's own ${DEFAULT_API} is used).`
    : `DISCORD_API_URL: cannot reach Discord's API at ${host} (${problem}); check this machine's network, DNS, firewall or proxy (DISCORD_API_URL is unset, so Discord's own API is used).`;
}
