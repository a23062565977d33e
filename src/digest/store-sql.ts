/**
 * The atomic operations keyv has no call for, in the adapter's own SQL: insert-if-absent,
 * compare-and-set and delete-if-equal on one row. With them, two processes on one SQLite file or
 * one PostgreSQL database cannot both claim a run or hold a shard's lease, and a write computed
 * from a record another process changed meanwhile is refused rather than laid over it. All use
 * `RETURNING` (SQLite ≥ 3.35, Postgres), so "did my statement change the row" is one round trip
 * and needs no transaction.
 *
 * PostgreSQL is reached through @keyv/postgres, but with a pool of our own per store: the adapter's
 * module-level pool is shared by every store with the same URL (closing one closes the others) and
 * has no `error` listener, so a backend terminated by the server (`pg_terminate_backend`, a
 * failover) crashed the process. Our pool listens, and a statement that fails because its
 * connection went away is retried on a fresh one, a few times over about three seconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import KeyvPostgres from '@keyv/postgres';
import KeyvSqlite from '@keyv/sqlite';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter } from 'keyv';
import pg from 'pg';
import { ConfigError } from '../config.js';
import type { Logger } from '../log.js';

type Rows = Record<string, unknown>[];

/** One table of the store, addressed in its own dialect. */
export interface SqlTable {
  readonly dialect: 'sqlite' | 'postgres';
  /** `?` placeholders in both dialects. */
  query(sql: string, params?: unknown[]): Promise<Rows>;
  /**
   * A statement on one row by its key (read, insert-if-absent, compare-and-set, delete-if-equal).
   * On a SQLite file it runs on a synchronous connection of the store's own (see `sqliteRows`);
   * elsewhere it is `query`.
   */
  row(sql: string, params: unknown[]): Promise<Rows>;
  /** The table's name, quoted and qualified as the dialect needs. */
  readonly name: string;
  /** The SQL text of a JSON field of the value column (keyv stores `{"value":…,"expires":…}`). */
  json(path: readonly string[]): string;
  /** A condition for "key starts with ?" that is exact about `_`, `%` and case. */
  readonly startsWith: string;
  startsWithParams(prefix: string): unknown[];
}

export async function getRaw(table: SqlTable, key: string): Promise<string | undefined> {
  const [row] = await table.row(`SELECT value FROM ${table.name} WHERE key = ?`, [key]);
  return row === undefined ? undefined : String(row.value);
}

/** True when this call created the row; false when one was already there. */
export async function insertIfAbsent(table: SqlTable, key: string, raw: string): Promise<boolean> {
  const rows = await table.row(
    `INSERT INTO ${table.name} (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING key`,
    [key, raw],
  );
  return rows.length === 1;
}

/** True when the row still held `expected` and now holds `next`. */
export async function compareAndSet(
  table: SqlTable,
  key: string,
  expected: string,
  next: string,
): Promise<boolean> {
  const rows = await table.row(
    `UPDATE ${table.name} SET value = ? WHERE key = ? AND value = ? RETURNING key`,
    [next, key, expected],
  );
  return rows.length === 1;
}

/** True when the row still held `expected` and is now gone. */
export async function deleteIfEqual(table: SqlTable, key: string, expected: string): Promise<boolean> {
  const rows = await table.row(`DELETE FROM ${table.name} WHERE key = ? AND value = ? RETURNING key`, [
    key,
    expected,
  ]);
  return rows.length === 1;
}

/** Deletes every row whose key starts with `prefix`; how many went. */
export async function deletePrefix(table: SqlTable, prefix: string): Promise<number> {
  const rows = await table.query(
    `DELETE FROM ${table.name} WHERE ${table.startsWith} RETURNING key`,
    table.startsWithParams(prefix),
  );
  return rows.length;
}

export async function selectPrefix(table: SqlTable, prefix: string, columns = 'key, value'): Promise<Rows> {
  return table.query(
    `SELECT ${columns} FROM ${table.name} WHERE ${table.startsWith}`,
    table.startsWithParams(prefix),
  );
}

/** The `limit` rows whose key starts with `prefix` that sort last by `orderBy` (an SQL expression), last first. */
export async function selectPrefixLatest(
  table: SqlTable,
  prefix: string,
  orderBy: string,
  limit: number,
): Promise<Rows> {
  return table.query(
    `SELECT key, value FROM ${table.name} WHERE ${table.startsWith} ORDER BY ${orderBy} DESC LIMIT ?`,
    [...table.startsWithParams(prefix), limit],
  );
}

/**
 * Bounds of every key starting with `prefix` (which ends in ':'): ':' + 1 is ';'. A range on the
 * primary key uses its index and, unlike LIKE, is exact about case, `_` and `%`. (Postgres compares
 * text by its collation, where punctuation may not sort by code point, so it uses starts_with.)
 */
const keyRange = (prefix: string): [string, string] => [prefix, `${prefix.slice(0, -1)};`];

/**
 * Statements on one row of a SQLite file, run synchronously on a better-sqlite3 connection of the
 * store's own, beside the adapter's. Through @keyv/sqlite (node-sqlite3) each statement is handed to
 * libuv's thread pool and back: about 0.1 ms, but on a busy machine about one in a hundred waited
 * ~5 ms for its turn, and a schedule change makes two (read, compare-and-set), which was the slow
 * tail of /schedule add and edit. A primary-key statement here takes tens of microseconds on the
 * event loop. Scans (listing, revisions, pruning) stay on the adapter: they may take long, and
 * must not hold the event loop. The connection waits for another process's write lock like the
 * adapter's (busy timeout), which, for one-row writes, lasts well under a millisecond.
 */
export interface SqliteRows {
  run(sql: string, params: unknown[]): Rows;
  close(): void;
}

/**
 * Writes on this connection between checkpoints of the write-ahead log. SQLite checkpoints in the
 * commit that takes the log past 1,000 pages, and a checkpoint writes and syncs the database file:
 * 10–20 ms, which on a synchronous connection would stall the event loop. So this connection never
 * checkpoints; every CHECKPOINT_EVERY writes it asks `checkpoint` (the adapter's connection, off the
 * event loop) for a passive one, which waits for no one.
 */
const CHECKPOINT_EVERY = 64;

export function sqliteRows(file: string, busyTimeoutMs: number, checkpoint: () => Promise<void>): SqliteRows {
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  const statements = new Map<string, Database.Statement>();
  let writes = 0;
  let checkpointing: Promise<void> | undefined;
  const wrote = () => {
    if (++writes < CHECKPOINT_EVERY || checkpointing) return;
    writes = 0;
    checkpointing = checkpoint().finally(() => {
      checkpointing = undefined;
    });
  };
  return {
    run(sql, params) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      let rows: Rows = [];
      if (statement.reader) rows = statement.all(...params) as Rows;
      else statement.run(...params);
      if (!statement.readonly) wrote();
      return rows;
    },
    close: () => db.close(),
  };
}

export function sqliteTable(adapter: KeyvSqlite, rows?: SqliteRows): SqlTable {
  const name = String((adapter.opts as { table?: unknown }).table);
  const query = async (sql: string, params: unknown[] = []) => (await adapter.query(sql, ...params)) as Rows;
  return {
    dialect: 'sqlite',
    query,
    row: rows ? async (sql, params) => rows.run(sql, params) : query,
    name,
    json: (path) => `json_extract(value, '$.${path.join('.')}')`,
    startsWith: 'key >= ? AND key < ?',
    startsWithParams: keyRange,
  };
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** Errors that mean the connection went away, not that the statement was wrong. */
const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a restart
  '57P02',
  '57P03', // cannot_connect_now: the server is starting
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection error|terminating connection|Client has encountered/i.test(
    error.message,
  );
}

/** Delays before each retry of a statement whose connection went away: about 3 s in all. */
const RECONNECT_DELAYS_MS = [100, 400, 1000, 1500];

interface PostgresStore {
  /** A keyv adapter for one table, on this store's pool. */
  adapter(table: string): Promise<KeyvStoreAdapter>;
  sqlTable(adapter: KeyvStoreAdapter): SqlTable | undefined;
}

/**
 * A pool for one store at a postgres:// URL. `?schema=name` puts the tables in that schema (tests
 * use their own); every other parameter goes to node-postgres as it is.
 */
export function postgresStore(url: string, log?: Logger): PostgresStore {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never the URL's own error: it carries the whole value, password included.
    throw new ConfigError([
      'STORE_URL: not a valid URL; percent-encode characters such as @ # / ? in the user name and password',
    ]);
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  // @keyv/postgres writes the schema into its SQL unquoted: only a plain lowercase name is safe.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError([
      'STORE_URL: ?schema= takes a lowercase name of letters, digits and _ (at most 63, not starting with a digit)',
    ]);
  }
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 4, idleTimeoutMillis: 30_000 });
  pool.on('error', (error) => {
    // An idle connection closed by the server: the pool drops it and opens another when needed.
    log?.warn(
      { err: error },
      'a store connection was closed by PostgreSQL; the next statement opens a new one',
    );
  });
  let open = 0;

  const query = async (sql: string, params?: unknown[]): Promise<Rows> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await pool.query(sql, params)).rows;
      } catch (error) {
        const delay = RECONNECT_DELAYS_MS[attempt];
        if (!isConnectionError(error) || delay === undefined) throw error;
        log?.warn(
          {
            err: error,
            attempt: attempt + 1,
            of: RECONNECT_DELAYS_MS.length + 1,
            statement: sql.slice(0, 40),
          },
          'the store lost its PostgreSQL connection; retrying on a new one',
        );
        await sleep(delay);
      }
    }
  };
  const numbered = (sql: string): string => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };

  class PoolAdapter extends KeyvPostgres {
    // Called by the adapter's constructor: every statement it runs goes through our pool.
    override async connect() {
      return (sql: string, values?: unknown[]) => query(sql, values);
    }
    override async disconnect() {
      if (--open === 0) await pool.end();
    }
  }

  const tables = new WeakMap<KeyvStoreAdapter, SqlTable>();
  return {
    async adapter(table) {
      // Fails here, at startup, if the database cannot be reached, rather than at the first write.
      await query('SELECT 1');
      const adapter = new PoolAdapter({ uri: parsed.toString(), table, schema });
      adapter.on('error', (error: unknown) =>
        log?.error({ err: error, table }, 'the PostgreSQL store failed'),
      );
      // The constructor creates the table without waiting: wait for it, so errors surface now.
      await adapter.query('SELECT 1');
      open++;
      const name = `${quote(schema)}.${quote(table)}`;
      tables.set(adapter as unknown as KeyvStoreAdapter, {
        dialect: 'postgres',
        query: (sql, params) => query(numbered(sql), params),
        row: (sql, params) => query(numbered(sql), params),
        name,
        json: (path) => `(value::json #>> '{${path.join(',')}}')`,
        startsWith: 'starts_with(key, ?)',
        startsWithParams: (prefix) => [prefix],
      });
      return adapter as unknown as KeyvStoreAdapter;
    },
    sqlTable: (adapter) => tables.get(adapter),
  };
}

export const isSqlite = (backend: unknown): backend is KeyvSqlite => backend instanceof KeyvSqlite;
