/**
 * `npm run rest-proxy`: one HTTP server in front of Discord's REST API for every process of a bot.
 * Discord's 50 requests/s global limit is per token, not per process: shards with their own
 * limiters overshoot it as many times as there are shards. Here one @discordjs/rest `REST` holds
 * the global budget and the per-route buckets for all of them; shards reach it by setting their
 * DISCORD_API_URL to http://REST_PROXY_HOST:REST_PROXY_PORT/api. The proxy holds no token: each
 * request's Authorization header is passed on, and is never logged.
 *
 * Built on @discordjs/proxy's response helpers, but not on its `proxyRequests` handler, which
 * measurably fails twice: it hands REST the request stream as the body, so a request retried after
 * a 429 (or a 5xx) is sent again with an empty body; and a client that goes away before its answer
 * is written makes the response pipeline reject with ERR_STREAM_PREMATURE_CLOSE, which it rethrows
 * into nobody's hands, ending the process. Here the body is read into a buffer first, a client
 * that leaves takes its request out of the queue (or aborts it upstream), and every failure ends
 * in a logged line and an answer, never in a crash.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { populateErrorResponse, populateSuccessfulResponse } from '@discordjs/proxy';
import { DefaultRestOptions, REST, type RequestMethod } from '@discordjs/rest';
import pThrottle from 'p-throttle';
import { type Config, ConfigError, loadConfig, SetupError } from './config.js';
import { createLogger, type Logger } from './log.js';

/** Above any upload Discord accepts, so only a runaway client meets it. */
const MAX_BODY_BYTES = 128 * 1024 * 1024;
/** What SIGTERM leaves to requests already in the queue before their connections are cut. */
const DRAIN_TIMEOUT_MS = 10_000;
/** The request headers Discord acts on; everything else stays between the client and the proxy. */
const FORWARDED_HEADERS = ['authorization', 'content-type', 'x-audit-log-reason'] as const;

/**
 * Interaction answers and webhooks are not bound by the bot's global limit: they are never held
 * back for it (an interaction must be answered within 3 s).
 */
const GLOBAL_EXEMPT = /\/(?:interactions\/\d+\/[^/]+\/callback|webhooks\/)/;

/**
 * Slack over Discord's one second, for requests that travel faster than the ones before them. Every
 * millisecond of it costs throughput (50 ms, REST's own `offset`, made 1,000 digests take 22 s
 * against a floor of 20 s); 25 ms met no 429 in the tests or the benchmark.
 */
const MARGIN_MS = 25;

/**
 * Every request REST actually sends (retries too) passes here: at most 50 in any 1,025 ms, not
 * only 50 per REST's own one-second window. REST's windows and Discord's never line up: when a
 * window of REST's opens before Discord's has closed (a 429 or a slow first request is enough),
 * both bursts land in one of Discord's windows. Measured through this proxy with three clients
 * and 150 messages against the fake Discord at 50/s: 3 or 4 global 429s with REST's windows alone, 0
 * with this.
 */
function throttledSend(): typeof DefaultRestOptions.makeRequest {
  const { makeRequest, globalRequestsPerSecond } = DefaultRestOptions;
  const throttle = pThrottle({ limit: globalRequestsPerSecond, interval: 1000 + MARGIN_MS, strict: true });
  const send = throttle(makeRequest);
  return (url, init) =>
    GLOBAL_EXEMPT.test(new URL(url).pathname) ? makeRequest(url, init) : send(url, init);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks);
}

/** An answer of the proxy's own, shaped like Discord's errors so clients report it the same way. */
function answer(res: ServerResponse, status: number, message: string) {
  if (res.headersSent) {
    // Half an answer is already on its way: cutting the connection is the only honest end.
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ message, code: 0 }));
}

/**
 * The request handler: every request goes through the one REST instance, in its queues.
 * `closing` says the server is stopping: answers then close their connection, so that a client
 * keeping it alive does not hold the stop open.
 */
export function proxyHandler(rest: REST, log: Logger, closing: () => boolean = () => false) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    // Logged without the query string; interaction and webhook tokens in the path are redacted by the logger.
    const path = url.pathname;
    const left = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) left.abort();
    });
    // The request stream ends (and is destroyed) once read; the socket is what says the client left.
    const clientLeft = () => left.signal.aborted || req.socket.destroyed;
    let gone = false;
    try {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const response = await rest.queueRequest({
        // REST adds its own /v10 and keys its rate-limit buckets on the route without it.
        fullRoute: url.pathname.replace(/^\/api(?:\/v\d+)?/, '') as `/${string}`,
        method: method as RequestMethod,
        body,
        passThroughBody: true,
        // The client's Authorization header is forwarded as it came; the proxy has no token.
        auth: false,
        query: url.searchParams,
        headers,
        signal: left.signal,
      });
      if (closing()) res.setHeader('connection', 'close');
      await populateSuccessfulResponse(res, response);
      if (!res.writableEnded) res.end();
    } catch (error) {
      if (closing() && !res.headersSent) res.setHeader('connection', 'close');
      gone = clientLeft();
      if (gone) {
        log.info({ method, path }, 'client went away before its answer; request dropped');
        return;
      }
      if (error instanceof BodyTooLarge) {
        answer(res, 413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
      } else if (!res.headersSent && populateErrorResponse(res, error)) {
        res.end();
      } else {
        log.warn({ err: error, method, path }, 'upstream request failed');
        answer(res, 502, 'The REST proxy could not reach Discord');
      }
    } finally {
      log.debug(
        {
          method,
          path,
          status: gone ? 'client gone' : res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'proxied',
      );
    }
  };
}

export interface RestProxyOptions {
  host: string;
  port: number;
  /** Discord's REST base URL (…/api); default Discord's own. */
  upstream?: string | undefined;
  log: Logger;
}

export interface RestProxy {
  /** What shards set as DISCORD_API_URL. */
  readonly url: string;
  /** Stops taking connections, lets requests under way finish (up to DRAIN_TIMEOUT_MS), then closes. */
  close(): Promise<void>;
}

export async function startRestProxy({ host, port, upstream, log }: RestProxyOptions): Promise<RestProxy> {
  // The throttle is the one global limit: REST's own one-second windows on top of it only add pauses.
  const rest = new REST({
    makeRequest: throttledSend(),
    globalRequestsPerSecond: Number.POSITIVE_INFINITY,
    ...(upstream ? { api: upstream } : {}),
  });
  let closing = false;
  const handle = proxyHandler(rest, log, () => closing);
  const server = createServer((req, res) => {
    // proxyHandler catches its own failures; this is the guard that keeps one bug from ending the process.
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, method: req.method }, 'proxy handler failed');
      answer(res, 500, 'The REST proxy failed');
    });
  });
  // A client that sends garbage or resets its socket is its own problem, not the proxy's.
  server.on('clientError', (error, socket) => {
    log.debug({ err: error }, 'client connection error');
    socket.destroy();
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}/api`;

  return {
    url,
    async close() {
      closing = true;
      // Idle kept-alive connections are closed now; busy ones close after their answer.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS, false).unref()),
      ]);
      if (!drained) {
        log.warn('requests still under way after the drain timeout; closing their connections');
        server.closeAllConnections();
        await closed;
      }
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/** DISCORD_API_URL is the proxy's upstream: pointing it at the proxy itself would loop forever. */
function checkNotItself(config: Config) {
  if (!config.DISCORD_API_URL || config.REST_PROXY_PORT === 0) return;
  const upstream = new URL(config.DISCORD_API_URL);
  const upstreamPort = Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80));
  const local = isLoopback(upstream.hostname) || upstream.hostname === config.REST_PROXY_HOST;
  if (local && upstreamPort === config.REST_PROXY_PORT) {
    throw new ConfigError([
      `DISCORD_API_URL: expected where the proxy forwards to (unset: Discord's own), not the proxy's own address on port ${config.REST_PROXY_PORT}; the shards' DISCORD_API_URL points at the proxy, the proxy's must not`,
    ]);
  }
}

function onStop(proxy: RestProxy, log: Logger) {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'REST proxy stopping');
    proxy.close().then(
      () => {
        log.info('REST proxy stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'REST proxy stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main() {
  const config = loadConfig();
  checkNotItself(config);
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));
  const proxy = await startRestProxy({
    host: config.REST_PROXY_HOST,
    port: config.REST_PROXY_PORT,
    upstream: config.DISCORD_API_URL,
    log,
  }).catch((error: unknown) => {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    const where = `${config.REST_PROXY_HOST}:${config.REST_PROXY_PORT}`;
    if (code === 'EADDRINUSE')
      throw new SetupError(
        `REST_PROXY_PORT: ${where} is already in use; stop what listens there or pick another port.`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new SetupError(
        `REST_PROXY_HOST: cannot listen on ${where} (no such address on this machine); use 127.0.0.1 or one of its addresses.`,
      );
    if (code === 'EACCES')
      throw new SetupError(`REST_PROXY_PORT: not allowed to listen on ${where}; pick a port above 1023.`);
    throw error;
  });
  onStop(proxy, log);
  log.info(
    { url: proxy.url, upstream: config.DISCORD_API_URL ?? 'https://discord.com/api' },
    'REST proxy listening',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof SetupError)) throw error;
    console.error(error.message);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
