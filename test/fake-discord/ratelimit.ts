/**
 * Discord's rate limits as the client sees them: an optional global limit per second (interaction
 * responses exempt), per-route buckets announced with X-RateLimit-* headers, and injected faults.
 * Windows run on the monotonic clock so fake timers in a test cannot stall them.
 */
import { monotonicMs } from './clock.js';

export interface RouteLimit {
  method?: string;
  /** Matched against the API path without `/api/v10`, e.g. /^\/channels\/\d+\/messages$/. */
  path: RegExp | string;
  limit: number;
  windowMs: number;
  /** The X-RateLimit-Bucket hash; default derived from the rule. */
  bucket?: string;
}

export interface RateLimitOptions {
  /** Requests per second across the bot (Discord: 50). Unset = no global limit. */
  global?: number;
  routes?: RouteLimit[];
}

/** Discord's documented per-channel message limit, for benchmarks that want the real shape. */
export const DISCORD_ROUTE_LIMITS: RouteLimit[] = [
  {
    method: 'POST',
    path: /^\/channels\/\d+\/messages$/,
    limit: 5,
    windowMs: 5000,
    bucket: 'channel-messages',
  },
];

/**
 * A fault for matching requests: an error status, a slow answer (`delayMs`; without `status` the
 * request is then handled normally, as when Discord acts on a request the client gave up on), or
 * a dropped connection (`drop`).
 */
export interface Injection {
  method?: string;
  path: RegExp | string;
  status?: number;
  delayMs?: number;
  drop?: boolean;
  /** Discord error code in the body (e.g. 50013). */
  code?: number;
  message?: string;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** For 429: seconds to wait; default 0.05. */
  retryAfter?: number;
  /** For 429: mark as the global limit. */
  global?: boolean;
}

export interface InjectionHandle {
  readonly rule: Injection;
  /** Requests answered by this injection so far. */
  hits: number;
  remaining: number;
}

export interface Verdict {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface Fault {
  verdict?: Verdict;
  delayMs?: number;
  drop?: boolean;
}

export interface LimitRequest {
  method: string;
  path: string;
  /** Interaction callbacks and interaction webhooks are not bound by the global limit. */
  exemptFromGlobal: boolean;
}

const matches = (pattern: RegExp | string, path: string) =>
  typeof pattern === 'string' ? pattern === path : pattern.test(path);

const majorParameter = (path: string): string =>
  /^\/(channels|guilds)\/(\d+)/.exec(path)?.[2] ??
  /^\/(webhooks|interactions)\/(\d+\/[^/]+)/.exec(path)?.[2] ??
  'global';

const seconds = (ms: number) => (Math.ceil(ms) / 1000).toFixed(3);

const rateLimited = (
  retryMs: number,
  scope: 'global' | 'user',
  extra: Record<string, string> = {},
): Verdict => ({
  status: 429,
  body: {
    message: 'You are being rate limited.',
    retry_after: Math.ceil(retryMs) / 1000,
    global: scope === 'global',
  },
  headers: {
    'retry-after': seconds(retryMs),
    'x-ratelimit-scope': scope,
    ...(scope === 'global' ? { 'x-ratelimit-global': 'true' } : {}),
    ...extra,
  },
});

const DEFAULT_ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 50035, message: 'Invalid Form Body' },
  401: { code: 0, message: '401: Unauthorized' },
  403: { code: 50013, message: 'Missing Permissions' },
  404: { code: 0, message: '404: Not Found' },
  500: { code: 0, message: '500: Internal Server Error' },
  502: { code: 0, message: '502: Bad Gateway' },
  503: { code: 0, message: '503: Service Unavailable' },
};

export const createLimiter = (options: RateLimitOptions = {}) => {
  const injections: InjectionHandle[] = [];
  let globalWindow = { start: Number.NEGATIVE_INFINITY, count: 0 };
  const buckets = new Map<string, { resetAt: number; remaining: number }>();

  const injected = (req: LimitRequest): Fault | undefined => {
    const handle = injections.find(
      (h) =>
        h.remaining > 0 &&
        (h.rule.method === undefined || h.rule.method.toUpperCase() === req.method) &&
        matches(h.rule.path, req.path),
    );
    if (!handle) return undefined;
    handle.remaining -= 1;
    handle.hits += 1;
    const { rule } = handle;
    const timing = {
      ...(rule.delayMs ? { delayMs: rule.delayMs } : {}),
      ...(rule.drop ? { drop: true } : {}),
    };
    if (rule.status === undefined) return timing;
    if (rule.status === 429) {
      return {
        ...timing,
        verdict: rateLimited((rule.retryAfter ?? 0.05) * 1000, rule.global ? 'global' : 'user'),
      };
    }
    const fallback = DEFAULT_ERRORS[rule.status] ?? { code: 0, message: `${rule.status}: Injected error` };
    return {
      ...timing,
      verdict: {
        status: rule.status,
        body: { code: rule.code ?? fallback.code, message: rule.message ?? fallback.message },
        headers: {},
      },
    };
  };

  const global = (req: LimitRequest, now: number): Verdict | undefined => {
    if (!options.global || req.exemptFromGlobal) return undefined;
    if (now - globalWindow.start >= 1000) globalWindow = { start: now, count: 0 };
    globalWindow.count += 1;
    if (globalWindow.count <= options.global) return undefined;
    return rateLimited(globalWindow.start + 1000 - now, 'global');
  };

  /** The 429, or the headers to add to the real answer. */
  const route = (req: LimitRequest, now: number): { verdict?: Verdict; headers: Record<string, string> } => {
    const index = (options.routes ?? []).findIndex(
      (r) => (r.method === undefined || r.method.toUpperCase() === req.method) && matches(r.path, req.path),
    );
    const rule = options.routes?.[index];
    if (!rule) return { headers: {} };
    const hash = rule.bucket ?? `bucket-${index}`;
    const key = `${hash}:${majorParameter(req.path)}`;
    let bucket = buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { resetAt: now + rule.windowMs, remaining: rule.limit };
      buckets.set(key, bucket);
    }
    const resetAfter = bucket.resetAt - now;
    const headers = (remaining: number) => ({
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': ((Date.now() + resetAfter) / 1000).toFixed(3),
      'x-ratelimit-reset-after': seconds(resetAfter),
      'x-ratelimit-bucket': hash,
    });
    if (bucket.remaining <= 0) {
      const verdict = rateLimited(resetAfter, 'user', headers(0));
      return { verdict, headers: verdict.headers };
    }
    bucket.remaining -= 1;
    return { headers: headers(bucket.remaining) };
  };

  return {
    inject(rule: Injection): InjectionHandle {
      const handle: InjectionHandle = { rule, hits: 0, remaining: rule.times ?? 1 };
      injections.push(handle);
      return handle;
    },
    clearInjections() {
      injections.length = 0;
    },
    /** Decide a request's fate before it reaches the route handler. */
    check(req: LimitRequest): Fault & { headers: Record<string, string> } {
      const now = monotonicMs();
      const fault = injected(req);
      if (fault?.verdict || fault?.drop) return { ...fault, headers: fault.verdict?.headers ?? {} };
      const limited = global(req, now);
      const verdict = limited ? { verdict: limited, headers: limited.headers } : route(req, now);
      return { ...verdict, ...(fault?.delayMs ? { delayMs: fault.delayMs } : {}) };
    },
  };
};

export type Limiter = ReturnType<typeof createLimiter>;
