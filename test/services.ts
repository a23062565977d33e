/**
 * Real services for tests: PostgreSQL at TEST_POSTGRES_URL and Redis at TEST_REDIS_URL (defaults:
 * the local services). A test that needs one asks here once; when the service cannot be reached it
 * is skipped with the reason printed, except under CI, where an unreachable service is a failure
 * (a CI run that silently skipped its database tests would prove nothing).
 *
 * Every test gets its own uniquely named schema (Postgres) or key prefix (Redis) and drops it after,
 * so tests running at once, or a previous run that crashed, never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** undefined when reachable, else why not (and, under CI, it throws instead). */
export type Unreachable = string | undefined;

const CONNECT_TIMEOUT_MS = 2000;

function unreachable(service: string, url: string, error: unknown): Unreachable {
  const reason = `${service} at ${redact(url)} is unreachable (${error instanceof Error ? error.message : String(error)})`;
  if (process.env.CI) throw new Error(`${reason}; CI is set, so tests that need it fail rather than skip`);
  console.warn(`skipping ${service} tests: ${reason}`);
  return reason;
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/** Whether PostgreSQL answers; call once per file, at the top (`describe.skipIf(pgMissing)`). */
export async function checkPostgres(url = TEST_POSTGRES_URL): Promise<Unreachable> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return unreachable('PostgreSQL', url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether Redis answers PING. */
export async function checkRedis(url = TEST_REDIS_URL): Promise<Unreachable> {
  const { hostname, port } = new URL(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host: hostname || '127.0.0.1', port: Number(port) || 6379 });
      const timer = setTimeout(() => socket.destroy(new Error('timed out')), CONNECT_TIMEOUT_MS);
      socket.once('error', reject);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        clearTimeout(timer);
        socket.end();
        if (data.toString().startsWith('+PONG')) resolve();
        else reject(new Error(`answered ${JSON.stringify(data.toString().trim())}`));
      });
    });
    return undefined;
  } catch (error) {
    return unreachable('Redis', url, error);
  }
}

/** A name no other test run uses: for a schema, table or key prefix. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/** Runs SQL on the test database with a short-lived client. */
export async function postgresQuery(sql: string, params: unknown[] = [], url = TEST_POSTGRES_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A fresh schema for one test, and the STORE_URL that keeps the store's tables in it. `drop()`
 * removes it with everything inside.
 */
export async function postgresSchema(prefix = 'attache_test'): Promise<{
  schema: string;
  storeUrl: (extra?: Record<string, string>) => string;
  drop(): Promise<void>;
}> {
  const schema = uniqueName(prefix);
  await postgresQuery(`CREATE SCHEMA ${schema}`);
  return {
    schema,
    storeUrl: (extra = {}) => {
      const url = new URL(TEST_POSTGRES_URL);
      url.searchParams.set('schema', schema);
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      return url.toString();
    },
    drop: async () => {
      await postgresQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
