/**
 * Where schedules and the run ledger live: keyv, with @keyv/sqlite by default.
 *
 * - Every read and write is checked. keyv swallows adapter errors by default (a failed set returns
 *   false, a failed get returns undefined), so `throwOnErrors` is on, results are checked too, and
 *   any failure becomes a StoreError that the admin sees.
 * - Schedules and ledger are separate tables (separate keyv instances), so listing schedules never
 *   walks the ledger and `clear()` (which matches with SQL LIKE) is never needed for isolation.
 * - One record per guild holds that guild's schedules: listing and the per-guild cap are one read,
 *   and a guild can only ever reach its own schedules. Writes to one guild are serialised in
 *   process; across processes each guild belongs to one shard, so one writer.
 * - Run records and lists of seen briefings expire after RETENTION_MS (far beyond the catch-up and
 *   nonce windows, the only times a run record is read again), and a removed schedule's run records
 *   go with it: otherwise 25 hourly schedules leave about 219k rows per guild per year. keyv only
 *   drops an expired row when it is read, so `pruneExpired` deletes the rest (at start, then daily).
 * - SQLite runs in WAL mode with `synchronous=NORMAL` and a busy timeout: the adapter has no
 *   option for WAL, and without it several processes on one file lose writes.
 * - Other keyv adapters are chosen by the URL scheme (redis://, postgres://, mysql://, mongodb://)
 *   and loaded when first needed, so the bot depends on none of them: an operator installs the one
 *   they use (`npm install @keyv/redis`). A scheme with no adapter, or an adapter not installed, is
 *   a configuration error naming STORE_URL. `registerStoreAdapter` adds others.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { describeError, type LedgerEntry, LedgerEntrySchema, type Schedule, StoreError } from './index.js';
import { runKey } from './ledger.js';
import { StoredScheduleSchema, seenSets } from './seen-sets.js';

/** A keyv store for one table (sqlite) or namespace (other backends). */
export type StoreBackend = KeyvStoreAdapter | Map<unknown, unknown>;

/** Builds a backend for one table from the STORE_URL. */
export type AdapterFactory = (url: string, table: string) => Promise<StoreBackend>;

export interface Store {
  readonly url: string;
  readGuild(guildId: string): Promise<Schedule[]>;
  /** Runs `change` on the guild's schedules and saves what it returns; serialised per guild. */
  updateGuild<T>(
    guildId: string,
    change: (schedules: Schedule[]) => { schedules: Schedule[]; result: T },
  ): Promise<T>;
  /** Every guild with schedules. */
  guilds(): AsyncIterable<{ guildId: string; schedules: Schedule[] }>;
  ledgerGet(key: string): Promise<LedgerEntry | undefined>;
  ledgerSet(entry: LedgerEntry): Promise<void>;
  /** Deletes every run record of a removed schedule; how many went. */
  forgetSchedule(guildId: string, scheduleId: string): Promise<number>;
  /** Deletes rows past their retention (on stores that do not expire rows themselves); how many. */
  pruneExpired(): Promise<number>;
  close(): Promise<void>;
}

/** How long run records and lists of seen briefings are kept (see the header). */
export const RETENTION_MS = 90 * 86_400_000;

const SQLITE_PRAGMAS = ['PRAGMA journal_mode=WAL', 'PRAGMA synchronous=NORMAL'];
const BUSY_TIMEOUT_MS = 5000;

const sqliteAdapter: AdapterFactory = async (url, table) => {
  const file = url.replace(/^sqlite:\/\//, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, table, busyTimeout: BUSY_TIMEOUT_MS });
  // Fails here, at startup, if the file cannot be opened, rather than at the first write.
  for (const pragma of SQLITE_PRAGMAS) await adapter.query(pragma);
  return adapter;
};

const memoryAdapter: AdapterFactory = async () => new Map();

const adapters = new Map<string, AdapterFactory>([
  ['sqlite', sqliteAdapter],
  ['memory', memoryAdapter],
]);

/** Loads a module by name; tests pass their own to stand in for packages that are not installed. */
export type ModuleLoader = (name: string) => Promise<unknown>;

type AdapterClass = new (...args: unknown[]) => KeyvStoreAdapter;

/**
 * keyv's own adapters for network stores, by URL scheme: the package and how its constructor takes
 * the URL and the table. SQL and Mongo get a table (collection) each; Redis keys are already kept
 * apart by the keyv namespace.
 */
const OPTIONAL_ADAPTERS: Record<string, { pkg: string; args: (url: string, table: string) => unknown[] }> = {
  redis: { pkg: '@keyv/redis', args: (url) => [url] },
  rediss: { pkg: '@keyv/redis', args: (url) => [url] },
  valkey: { pkg: '@keyv/valkey', args: (url) => [url] },
  postgres: { pkg: '@keyv/postgres', args: (uri, table) => [{ uri, table }] },
  postgresql: { pkg: '@keyv/postgres', args: (uri, table) => [{ uri, table }] },
  mysql: { pkg: '@keyv/mysql', args: (uri, table) => [{ uri, table }] },
  mongodb: { pkg: '@keyv/mongo', args: (url, collection) => [{ url, collection }] },
  'mongodb+srv': { pkg: '@keyv/mongo', args: (url, collection) => [{ url, collection }] },
};

const BUILT_IN = 'sqlite://<file> (the default) or memory://';

const isMissingModule = (error: unknown, pkg: string): boolean =>
  error instanceof Error &&
  'code' in error &&
  (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') &&
  error.message.includes(pkg);

/** The adapter class a package exports (default export or a named `Keyv…` class). */
function adapterClass(mod: unknown): AdapterClass | undefined {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const exports = mod as Record<string, unknown>;
  const candidates = [
    exports.default,
    ...Object.entries(exports)
      .filter(([k]) => /^Keyv./.test(k))
      .map(([, v]) => v),
  ];
  return candidates.find((c): c is AdapterClass => typeof c === 'function');
}

async function loadOptionalAdapter(scheme: string, load: ModuleLoader): Promise<AdapterFactory | undefined> {
  const known = Object.hasOwn(OPTIONAL_ADAPTERS, scheme) ? OPTIONAL_ADAPTERS[scheme] : undefined;
  if (!known) return undefined;
  let mod: unknown;
  try {
    mod = await load(known.pkg);
  } catch (error) {
    if (!isMissingModule(error, known.pkg)) throw error;
    throw new ConfigError([
      `STORE_URL: ${scheme}:// needs the keyv adapter ${known.pkg}, which is not installed; run \`npm install ${known.pkg}\` or use ${BUILT_IN}`,
    ]);
  }
  const Adapter = adapterClass(mod);
  if (!Adapter) {
    throw new ConfigError([`STORE_URL: ${known.pkg} does not export a keyv adapter; use ${BUILT_IN}`]);
  }
  return async (url, table) => new Adapter(...known.args(url, table));
}

/** Lets another keyv adapter serve a URL scheme, e.g. `redis` with @keyv/redis. */
export function registerStoreAdapter(scheme: string, factory: AdapterFactory): void {
  adapters.set(scheme, factory);
}

type Sql = (sql: string, ...params: unknown[]) => Promise<unknown>;

/** The adapter's own SQL, where the store is @keyv/sqlite: for what keyv has no call for. */
const sqlOf = (backend: StoreBackend): Sql | undefined =>
  backend instanceof KeyvSqlite ? (sql, ...params) => backend.query(sql, ...params) : undefined;

/**
 * Bounds of every key starting with `prefix` (which ends in ':'): ':' + 1 is ';'. A range on the
 * primary key uses its index and, unlike LIKE, is exact about case, `_` and `%`.
 */
const keyRange = (prefix: string): [string, string] => [prefix, `${prefix.slice(0, -1)};`];

const GuildRecordSchema = z.object({ v: z.literal(1), schedules: z.array(StoredScheduleSchema) });

/**
 * Opens the store at STORE_URL. Throws ConfigError (one line, naming STORE_URL) for a scheme
 * nothing serves or an adapter that is not installed; StoreError when the store itself fails.
 */
export async function openStore(
  url: string,
  options: { adapters?: Map<string, AdapterFactory>; load?: ModuleLoader } = {},
): Promise<Store> {
  const registered = options.adapters ?? adapters;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const factory = scheme
    ? (registered.get(scheme) ??
      (await loadOptionalAdapter(scheme, options.load ?? ((name) => import(name)))))
    : undefined;
  if (!scheme || !factory) {
    // Without a scheme there is no telling which part is a password: nothing of it is shown.
    const shown = scheme ? `${scheme}://` : 'a value without a scheme://';
    const others = [...new Set(Object.keys(OPTIONAL_ADAPTERS).map((s) => `${s}://`))].join(', ');
    throw new ConfigError([
      `STORE_URL: no keyv adapter for ${shown}; use ${BUILT_IN}, or ${others} with its @keyv adapter installed`,
    ]);
  }
  let backends: [StoreBackend, StoreBackend];
  try {
    backends = [await factory(url, 'schedules'), await factory(url, 'ledger')];
  } catch (error) {
    throw new StoreError(`cannot open the store: ${describeError(error)}`, { cause: error });
  }
  const [schedulesBackend, ledgerBackend] = backends;
  // Namespaces stay free of `_` and `%`, which SQL LIKE would treat as wildcards.
  const [schedules, ledger] = backends.map(
    (store, i) => new Keyv({ store, namespace: i === 0 ? 'schedules' : 'ledger', throwOnErrors: true }),
  ) as [Keyv, Keyv];
  for (const kv of [schedules, ledger]) {
    // Errors are thrown to the caller; the listener only stops an unhandled 'error' event.
    kv.on('error', () => undefined);
  }

  const read = async (kv: Keyv, key: string, what: string): Promise<unknown> => {
    try {
      return await kv.get(key);
    } catch (error) {
      throw new StoreError(`could not read ${what}: ${describeError(error)}`);
    }
  };
  const write = async (kv: Keyv, key: string, value: unknown, what: string, ttl?: number): Promise<void> => {
    let ok: boolean;
    try {
      ok = await kv.set(key, value, ttl);
    } catch (error) {
      throw new StoreError(`could not save ${what}: ${describeError(error)}`);
    }
    if (!ok) throw new StoreError(`could not save ${what}: the store refused the write`);
  };
  const sets = seenSets({
    get: (key) => read(ledger, key, `the seen briefings ${key}`),
    set: (key, value) => write(ledger, key, value, `the seen briefings ${key}`, RETENTION_MS),
    retentionMs: RETENTION_MS,
  });
  const parseGuild = async (guildId: string, raw: unknown): Promise<Schedule[]> => {
    if (raw === undefined) return [];
    const parsed = GuildRecordSchema.safeParse(raw);
    if (!parsed.success) throw new StoreError(`the stored schedules of guild ${guildId} are unreadable`);
    const unpacked = await sets.unpack(parsed.data.schedules);
    if (!Array.isArray(unpacked)) {
      throw new StoreError(
        `the stored schedules of guild ${guildId} are unreadable: schedule ${unpacked.missing} refers to a missing list of seen briefings`,
      );
    }
    return unpacked;
  };

  const readGuild = async (guildId: string): Promise<Schedule[]> =>
    parseGuild(guildId, await read(schedules, guildId, `the schedules of guild ${guildId}`));

  const locks = new Map<string, Promise<unknown>>();
  const updateGuild = <T>(
    guildId: string,
    change: (current: Schedule[]) => { schedules: Schedule[]; result: T },
  ): Promise<T> => {
    const previous = locks.get(guildId) ?? Promise.resolve();
    const run = previous.then(async () => {
      const { schedules: next, result } = change(await readGuild(guildId));
      const stored = await sets.pack(next);
      await write(schedules, guildId, { v: 1, schedules: stored }, `the schedules of guild ${guildId}`);
      return result;
    });
    const settled = run.catch(() => undefined);
    locks.set(guildId, settled);
    void settled.then(() => {
      if (locks.get(guildId) === settled) locks.delete(guildId);
    });
    return run;
  };

  async function* guilds(): AsyncIterable<{ guildId: string; schedules: Schedule[] }> {
    const found: [string, unknown][] = [];
    try {
      const sql = sqlOf(schedulesBackend);
      if (sql) {
        // keyv's sqlite iterator reads 10 rows per query with OFFSET, so listing n guilds costs n/10
        // queries each rescanning what came before (16k guilds: about a minute here). One SELECT
        // over the namespace's key range reads them in one pass; keyv's own deserializer keeps the
        // format (and expiry) exactly as keyv wrote it.
        const rows = (await sql(
          'SELECT key, value FROM schedules WHERE key >= ? AND key < ?',
          ...keyRange('schedules:'),
        )) as { key: string; value: string }[];
        for (const row of rows) {
          const data = await schedules.deserializeData<unknown>(row.value);
          if (!data || (typeof data.expires === 'number' && data.expires < Date.now())) continue;
          found.push([row.key.slice('schedules:'.length), data.value]);
        }
      } else {
        if (!schedules.iterator) throw new StoreError(`the store at ${scheme}:// cannot list its keys`);
        // Collected first: an iterator that pages with OFFSET would shift under writes during the walk.
        for await (const [key, value] of schedules.iterator(undefined)) found.push([String(key), value]);
      }
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`could not list schedules: ${describeError(error)}`);
    }
    for (const [guildId, value] of found) yield { guildId, schedules: await parseGuild(guildId, value) };
  }

  return {
    url,
    readGuild,
    updateGuild,
    guilds,
    async ledgerGet(key) {
      const raw = await read(ledger, key, `the run record ${key}`);
      if (raw === undefined) return undefined;
      const parsed = LedgerEntrySchema.safeParse(raw);
      if (!parsed.success) throw new StoreError(`the run record ${key} is unreadable`);
      return parsed.data;
    },
    async ledgerSet(entry) {
      await write(ledger, entry.key, entry, `the run record ${entry.key}`, RETENTION_MS);
    },
    async forgetSchedule(guildId, scheduleId) {
      // Ids are reused once free: a new schedule must not inherit the old one's "already sent".
      const prefix = `${runKey(guildId, scheduleId, '')}`;
      try {
        const sql = sqlOf(ledgerBackend);
        if (sql) {
          const bounds = keyRange(`ledger:${prefix}`);
          const [row] = (await sql(
            `SELECT COUNT(*) AS n FROM ledger WHERE key >= ? AND key < ?`,
            ...bounds,
          )) as { n: number }[];
          await sql(`DELETE FROM ledger WHERE key >= ? AND key < ?`, ...bounds);
          return row?.n ?? 0;
        }
        const keys: string[] = [];
        if (!ledger.iterator) return 0;
        for await (const [key] of ledger.iterator(undefined)) {
          if (String(key).startsWith(prefix)) keys.push(String(key));
        }
        if (keys.length) await ledger.delete(keys);
        return keys.length;
      } catch (error) {
        throw new StoreError(
          `could not delete the run records of schedule ${scheduleId}: ${describeError(error)}`,
        );
      }
    },
    async pruneExpired() {
      const sql = sqlOf(ledgerBackend);
      // Other backends expire rows themselves (Redis) or on read (keyv); nothing to sweep here.
      if (!sql) return 0;
      const now = Date.now();
      // Rows written before records had an expiry are judged by their own last update.
      const where = `key >= ? AND key < ? AND (json_extract(value, '$.expires') < ? OR (json_extract(value, '$.expires') IS NULL AND json_extract(value, '$.value.updatedAt') < ?))`;
      const args = [...keyRange('ledger:'), now, new Date(now - RETENTION_MS).toISOString()];
      try {
        const [row] = (await sql(`SELECT COUNT(*) AS n FROM ledger WHERE ${where}`, ...args)) as {
          n: number;
        }[];
        await sql(`DELETE FROM ledger WHERE ${where}`, ...args);
        return row?.n ?? 0;
      } catch (error) {
        throw new StoreError(`could not prune expired run records: ${describeError(error)}`);
      }
    },
    async close() {
      await Promise.allSettled([...locks.values()]);
      await Promise.all([schedules.disconnect(), ledger.disconnect()]);
    },
  };
}
