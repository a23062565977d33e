/**
 * Where schedules and the run ledger live: keyv, with @keyv/sqlite by default.
 *
 * - Every read and write is checked. keyv swallows adapter errors by default (a failed set returns
 *   false, a failed get returns undefined), so `throwOnErrors` is on, results are checked too, and
 *   any failure becomes a StoreError that the admin sees.
 * - Schedules and ledger are separate tables (separate keyv instances), so listing schedules never
 *   walks the ledger and `clear()` (which matches with SQL LIKE) is never needed for isolation.
 * - One record per guild holds that guild's schedules: listing and the per-guild cap are one read,
 *   and a guild can only ever reach its own schedules.
 * - Several processes may share the store (shards on one SQLite file, machines on one Postgres), so
 *   no write is a blind read-modify-write. A guild record carries a revision and is written with
 *   compare-and-set: a change computed on a record another process changed meanwhile is run again
 *   on the new record (a few times), or refused with "changed meanwhile, try again"; never laid
 *   over it. A run is claimed with insert-if-absent, so only one process runs a slot. keyv has no
 *   atomic operation, so both are the adapter's own SQL (store-sql.ts). Writes to one guild are
 *   still serialised in process, so a process's own changes never conflict with each other.
 * - A shard's lease (which process runs its schedules, see lease.ts) is one row of a third table,
 *   `leases`: taken with insert-if-absent, or compare-and-set over a lease whose time is up;
 *   renewed with compare-and-set; given up with delete-if-equal. Its expiry is the holder's own
 *   field in wall-clock ms, not keyv's TTL (a row keyv dropped on read would be "absent" to one
 *   process and not to another).
 * - Run records and lists of seen briefings expire after RETENTION_MS (far beyond the catch-up and
 *   nonce windows, the only times a run record is read again), and a removed schedule's run records
 *   go with it: otherwise 25 hourly schedules leave about 219k rows per guild per year. keyv only
 *   drops an expired row when it is read, so `pruneExpired` deletes the rest (at start, then daily).
 * - SQLite runs in WAL mode with `synchronous=NORMAL` and a busy timeout: the adapter has no
 *   option for WAL, and without it several processes on one file lose writes.
 * - postgres:// is built in (@keyv/postgres on a pool of the store's own, see store-sql.ts): the
 *   backend for several machines. Other keyv adapters are chosen by the URL scheme (redis://,
 *   mysql://, mongodb://) and loaded when first needed; they have no atomic operations here, so
 *   they are safe for one process only (said in the log at start). A scheme with no adapter, or an
 *   adapter not installed, is a configuration error naming STORE_URL.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import KeyvSqlite from '@keyv/sqlite';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { z } from 'zod';
import { deepFreeze } from '../briefings/archive.js';
import { ConfigError, schemeOf } from '../config.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { deserialize, serialize } from './codec.js';
import { describeError, type LedgerEntry, LedgerEntrySchema, type Schedule, StoreError } from './index.js';
import { runKey } from './ledger.js';
import { StoredScheduleSchema, seenSets } from './seen-sets.js';
import {
  compareAndSet,
  deleteIfEqual,
  deletePrefix,
  getRaw,
  insertIfAbsent,
  isSqlite,
  postgresStore,
  type SqliteRows,
  type SqlTable,
  selectPrefix,
  selectPrefixLatest,
  sqliteRows,
  sqliteTable,
} from './store-sql.js';

/** A keyv store for one table (sqlite) or namespace (other backends). */
type StoreBackend = KeyvStoreAdapter | Map<unknown, unknown>;

type GuildChange<T> = (
  schedules: Schedule[],
) => { schedules: Schedule[]; result: T } | Promise<{ schedules: Schedule[]; result: T }>;

/** How many times a change is run again on a record another process changed meanwhile. */
const CONFLICT_ATTEMPTS = 8;

const CHANGED_MEANWHILE =
  'this schedule was changed meanwhile (by another admin or another process of the bot); try again.';

/** Who holds a lease and until when (wall-clock ms). */
export interface Lease {
  holder: string;
  expiresAt: number;
}

const LeaseSchema = z.object({ holder: z.string(), expiresAt: z.number() });

/** Builds a backend for one table from the STORE_URL. */
export type AdapterFactory = (url: string, table: string) => Promise<StoreBackend>;

export interface Store {
  readonly url: string;
  readGuild(guildId: string): Promise<Schedule[]>;
  /**
   * Runs `change` on the guild's schedules and saves what it returns, unless the record changed
   * meanwhile: then `change` runs again on the new record (it must not have effects beyond its
   * result). Serialised per guild in process; throws UserError after repeated conflicts.
   */
  updateGuild<T>(guildId: string, change: GuildChange<T>): Promise<T>;
  /** The revision of every guild record, to notice changes made by other processes cheaply. */
  revisions(): Promise<Map<string, string>>;
  /** Every guild with schedules. */
  guilds(): AsyncIterable<{ guildId: string; schedules: Schedule[] }>;
  ledgerGet(key: string): Promise<LedgerEntry | undefined>;
  ledgerSet(entry: LedgerEntry): Promise<void>;
  /** Writes the entry only if its key has none (insert-if-absent); undefined when it did, else the one there. */
  ledgerClaim(entry: LedgerEntry): Promise<LedgerEntry | undefined>;
  /**
   * A schedule's run records, the `limit` claimed last, newest first: a range of the ledger's
   * keys (they start with the guild and the schedule), never a walk of every guild's runs.
   */
  ledgerList(guildId: string, scheduleId: string, limit: number): Promise<LedgerEntry[]>;
  /**
   * A short-lived value (an import waiting for its confirmation) kept for `ttlMs` where every
   * process of the bot can read it: the click may reach another process than the command.
   */
  stashSet(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** The value kept under `key`; undefined once deleted or past its time. */
  stashGet(key: string): Promise<unknown>;
  stashDelete(key: string): Promise<void>;
  /** Deletes every run record of a removed schedule; how many went. */
  forgetSchedule(guildId: string, scheduleId: string): Promise<number>;
  /** Deletes rows past their retention (on stores that do not expire rows themselves); how many. */
  pruneExpired(): Promise<number>;
  /**
   * Takes or extends the lease `name` for `holder` until `expiresAt`, unless another holder's has
   * not run out by `now`: the lease as it stands afterwards (ours when its holder is `holder`).
   */
  lease(name: string, holder: string, term: { now: number; expiresAt: number }): Promise<Lease>;
  /** Gives the lease up if `holder` still has it; true when it did. */
  leaseRelease(name: string, holder: string): Promise<boolean>;
  close(): Promise<void>;
}

/** How long run records and lists of seen briefings are kept (see the header). */
/** Guilds whose last read record is kept parsed (see `known` in openStore). */
const RECORDS_KEPT = 1000;

export const RETENTION_MS = 90 * 86_400_000;

/**
 * Stashed values share the ledger's table: they expire like run records (pruneExpired sweeps
 * them), and no run key starts with this (run keys start with a guild id).
 */
const STASH = 'stash:';

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

const GuildRecordSchema = z.object({
  v: z.literal(1),
  /** Bumped by every write: how other processes notice a change without reading the schedules. */
  rev: z.number().int().optional(),
  /** Names the write, so a writer whose answer was lost (a dropped connection) knows it landed. */
  by: z.string().optional(),
  schedules: z.array(StoredScheduleSchema),
});
type GuildRecord = z.infer<typeof GuildRecordSchema>;

/** A short random pause before running a change again, so two writers stop meeting. */
const backoff = (attempt: number) => sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));

/**
 * Opens the store at STORE_URL. Throws ConfigError (one line, naming STORE_URL) for a scheme
 * nothing serves or an adapter that is not installed; StoreError when the store itself fails.
 */
export async function openStore(
  url: string,
  options: { adapters?: Map<string, AdapterFactory>; load?: ModuleLoader; log?: Logger } = {},
): Promise<Store> {
  const { log } = options;
  const registered = options.adapters ?? adapters;
  const scheme = schemeOf(url);
  const postgres =
    scheme && !registered.has(scheme) && (scheme === 'postgres' || scheme === 'postgresql')
      ? postgresStore(url, log)
      : undefined;
  const factory: AdapterFactory | undefined = postgres
    ? (_url, table) => postgres.adapter(table)
    : scheme
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
  let backends: [StoreBackend, StoreBackend, StoreBackend];
  try {
    backends = [await factory(url, 'schedules'), await factory(url, 'ledger'), await factory(url, 'leases')];
  } catch (error) {
    throw new StoreError(`cannot open the store: ${describeError(error)}`, { cause: error });
  }
  // One-row statements on a SQLite file run on a synchronous connection (store-sql.ts, sqliteRows).
  const [first] = backends;
  const file = isSqlite(first) ? url.replace(/^sqlite:\/\//, '') : undefined;
  let rows: SqliteRows | undefined;
  try {
    if (isSqlite(first) && file && file !== ':memory:') {
      const checkpoint = () =>
        first.query('PRAGMA wal_checkpoint(PASSIVE)').then(
          () => undefined,
          (error: unknown) => log?.warn({ err: error }, 'could not checkpoint the store; SQLite tries again'),
        );
      rows = sqliteRows(file, BUSY_TIMEOUT_MS, checkpoint);
    }
  } catch (error) {
    await Promise.allSettled(backends.map((b) => (b instanceof Map ? undefined : b.disconnect?.())));
    throw new StoreError(`cannot open the store: ${describeError(error)}`, { cause: error });
  }
  const sqlOf = (backend: StoreBackend): SqlTable | undefined =>
    isSqlite(backend)
      ? sqliteTable(backend, rows)
      : postgres && !(backend instanceof Map)
        ? postgres.sqlTable(backend)
        : undefined;
  const [schedulesSql, ledgerSql, leasesSql] = backends.map(sqlOf);
  if (!schedulesSql && scheme !== 'memory') {
    log?.warn(
      { store: `${scheme}://` },
      'this store has no atomic operations here: safe for one process only; share SQLite or PostgreSQL between processes',
    );
  }
  // Namespaces stay free of `_` and `%`, which SQL LIKE would treat as wildcards.
  const namespaces = ['schedules', 'ledger', 'leases'] as const;
  const [schedules, ledger, leases] = backends.map(
    (store, i) => new Keyv({ store, namespace: namespaces[i], throwOnErrors: true, serialize, deserialize }),
  ) as [Keyv, Keyv, Keyv];
  for (const kv of [schedules, ledger, leases]) {
    // Errors are thrown to the caller; the listener only stops an unhandled 'error' event.
    kv.on('error', () => undefined);
  }

  /** Every failure of the store becomes a StoreError saying what was being done, and is logged once. */
  const checked = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof StoreError || error instanceof UserError) throw error;
      log?.error({ err: error, store: `${scheme}://`, what }, 'store operation failed');
      throw new StoreError(`${what}: ${describeError(error)}`, { cause: error });
    }
  };
  const read = (kv: Keyv, key: string, what: string): Promise<unknown> =>
    checked(`could not read ${what}`, () => kv.get(key));
  const write = async (kv: Keyv, key: string, value: unknown, what: string, ttl?: number): Promise<void> => {
    const ok = await checked(`could not save ${what}`, () => kv.set(key, value, ttl));
    if (!ok) throw new StoreError(`could not save ${what}: the store refused the write`);
  };
  const sets = seenSets({
    get: (key) => read(ledger, key, `the seen briefings ${key}`),
    set: (key, value) => write(ledger, key, value, `the seen briefings ${key}`, RETENTION_MS),
    retentionMs: RETENTION_MS,
  });
  const parseRecord = (guildId: string, raw: unknown): GuildRecord | undefined => {
    if (raw === undefined) return undefined;
    const parsed = GuildRecordSchema.safeParse(raw);
    if (!parsed.success) throw new StoreError(`the stored schedules of guild ${guildId} are unreadable`);
    return parsed.data;
  };
  const unpackRecord = async (guildId: string, record: GuildRecord | undefined): Promise<Schedule[]> => {
    if (!record) return [];
    const unpacked = await sets.unpack(record.schedules);
    if (!Array.isArray(unpacked)) {
      throw new StoreError(
        `the stored schedules of guild ${guildId} are unreadable: schedule ${unpacked.missing} refers to a missing list of seen briefings`,
      );
    }
    return unpacked;
  };
  const parseGuild = (guildId: string, raw: unknown) => unpackRecord(guildId, parseRecord(guildId, raw));

  /**
   * The last record read of each guild, with the exact text it was read from: while a guild's row
   * holds that text, reading it again costs no JSON parse and no validation (the validation of a
   * 20-schedule record was the largest share of the garbage a schedule command made). Frozen,
   * since every reader shares it. Rows another process rewrote have other text, so they are read
   * afresh; the oldest guilds are forgotten past the bound.
   */
  const known = new Map<string, { raw: string; record: GuildRecord }>();
  const remember = (guildId: string, raw: string, record: GuildRecord): GuildRecord => {
    known.delete(guildId);
    if (known.size >= RECORDS_KEPT) known.delete(known.keys().next().value as string);
    known.set(guildId, { raw, record: deepFreeze(record) });
    return record;
  };
  const recordOf = async (guildId: string, raw: string | undefined): Promise<GuildRecord | undefined> => {
    if (raw === undefined) return undefined;
    const hit = known.get(guildId);
    if (hit?.raw === raw) return remember(guildId, raw, hit.record);
    const data = await schedules.deserializeData<unknown>(raw);
    if (!data || (typeof data.expires === 'number' && data.expires < Date.now())) return undefined;
    const record = parseRecord(guildId, data.value);
    // A record that expires is not kept: its text would outlive it here.
    return record && data.expires === undefined ? remember(guildId, raw, record) : record;
  };
  const readRecord = (table: SqlTable, guildId: string): Promise<{ raw?: string; record?: GuildRecord }> =>
    checked(`could not read the schedules of guild ${guildId}`, async () => {
      const raw = await getRaw(table, `${schedules.namespace}:${guildId}`);
      const record = await recordOf(guildId, raw);
      return { ...(raw === undefined ? {} : { raw }), ...(record ? { record } : {}) };
    });

  const readGuild = async (guildId: string): Promise<Schedule[]> =>
    schedulesSql
      ? unpackRecord(guildId, (await readRecord(schedulesSql, guildId)).record)
      : parseGuild(guildId, await read(schedules, guildId, `the schedules of guild ${guildId}`));

  /** The stored row as keyv wrote it (for compare-and-set), and what it holds. */
  const readRaw = async (table: SqlTable, kv: Keyv, key: string, what: string) => {
    const raw = await checked(`could not read ${what}`, () => getRaw(table, `${kv.namespace}:${key}`));
    if (raw === undefined) return { raw, value: undefined };
    const data = await kv.deserializeData<unknown>(raw);
    const expired = !data || (typeof data.expires === 'number' && data.expires < Date.now());
    return { raw, value: expired ? undefined : data.value };
  };

  /** One attempt at a change under compare-and-set; undefined when the record changed meanwhile. */
  const tryChange = async <T>(
    table: SqlTable,
    guildId: string,
    change: GuildChange<T>,
    previous: { by: string; result: T } | undefined,
  ): Promise<{ done: true; result: T } | { done: false; by: string; result: T }> => {
    const what = `the schedules of guild ${guildId}`;
    const { raw, record } = await readRecord(table, guildId);
    // Our last attempt landed though its answer was lost (a connection dropped after the commit).
    if (previous && record?.by === previous.by) return { done: true, result: previous.result };
    const { schedules: next, result } = await change(await unpackRecord(guildId, record));
    const by = randomUUID();
    const nextRecord: GuildRecord = {
      v: 1,
      rev: (record?.rev ?? 0) + 1,
      by,
      schedules: await sets.pack(next),
    };
    const nextRaw = await schedules.serializeData({ value: nextRecord });
    const key = `${schedules.namespace}:${guildId}`;
    const ok = await checked(`could not save ${what}`, () =>
      raw === undefined
        ? insertIfAbsent(table, key, String(nextRaw))
        : compareAndSet(table, key, raw, String(nextRaw)),
    );
    return ok ? { done: true, result } : { done: false, by, result };
  };

  const changeGuild = async <T>(guildId: string, change: GuildChange<T>): Promise<T> => {
    if (!schedulesSql) {
      // One process (memory, or an adapter without atomic operations): the in-process lock is the check.
      const record = parseRecord(
        guildId,
        await read(schedules, guildId, `the schedules of guild ${guildId}`),
      );
      const { schedules: next, result } = await change(await unpackRecord(guildId, record));
      const nextRecord: GuildRecord = {
        v: 1,
        rev: (record?.rev ?? 0) + 1,
        schedules: await sets.pack(next),
      };
      await write(schedules, guildId, nextRecord, `the schedules of guild ${guildId}`);
      return result;
    }
    let previous: { by: string; result: T } | undefined;
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const outcome = await tryChange(schedulesSql, guildId, change, previous);
      if (outcome.done) return outcome.result;
      previous = outcome;
    }
    log?.warn(
      { guildId, attempts: CONFLICT_ATTEMPTS },
      'a change to a guild kept meeting changes by other processes',
    );
    throw new UserError(CHANGED_MEANWHILE);
  };

  const locks = new Map<string, Promise<unknown>>();
  const updateGuild = <T>(guildId: string, change: GuildChange<T>): Promise<T> => {
    const previous = locks.get(guildId) ?? Promise.resolve();
    const run = previous.then(() => changeGuild(guildId, change));
    const settled = run.catch(() => undefined);
    locks.set(guildId, settled);
    void settled.then(() => {
      if (locks.get(guildId) === settled) locks.delete(guildId);
    });
    return run;
  };

  /** Every guild record with what it holds, in one pass where there is SQL. */
  const allRecords = async (): Promise<[string, unknown][]> => {
    const found: [string, unknown][] = [];
    const prefix = `${schedules.namespace}:`;
    await checked('could not list schedules', async () => {
      if (schedulesSql) {
        // keyv's iterators read 10 rows per query (sqlite: with OFFSET, each rescanning what came
        // before; 16k guilds took about a minute). One SELECT reads them in one pass; keyv's own
        // deserializer keeps the format (and expiry) exactly as keyv wrote it.
        for (const row of await selectPrefix(schedulesSql, prefix)) {
          const data = await schedules.deserializeData<unknown>(String(row.value));
          if (!data || (typeof data.expires === 'number' && data.expires < Date.now())) continue;
          found.push([String(row.key).slice(prefix.length), data.value]);
        }
        return;
      }
      if (!schedules.iterator) throw new StoreError(`the store at ${scheme}:// cannot list its keys`);
      // Collected first: an iterator that pages with OFFSET would shift under writes during the walk.
      for await (const [key, value] of schedules.iterator(undefined)) found.push([String(key), value]);
    });
    return found;
  };

  async function* guilds(): AsyncIterable<{ guildId: string; schedules: Schedule[] }> {
    for (const [guildId, value] of await allRecords()) {
      yield { guildId, schedules: await parseGuild(guildId, value) };
    }
  }

  /** A claim names itself (readers drop the extra field), so it is known again after a lost answer. */
  const claimRaw = async (entry: LedgerEntry) =>
    String(
      await ledger.serializeData({
        value: { ...entry, claim: randomUUID() },
        expires: Date.now() + RETENTION_MS,
      }),
    );

  const parseEntry = (key: string, raw: unknown): LedgerEntry | undefined => {
    if (raw === undefined) return undefined;
    const parsed = LedgerEntrySchema.safeParse(raw);
    if (!parsed.success) throw new StoreError(`the run record ${key} is unreadable`);
    return parsed.data;
  };

  /** Runs `action` after every earlier one of the same key in this process has settled. */
  const inTurn = <T>(
    queue: Map<string, Promise<unknown>>,
    key: string,
    action: () => Promise<T>,
  ): Promise<T> => {
    const previous = queue.get(key) ?? Promise.resolve();
    const run = previous.then(action);
    const settled = run.catch(() => undefined);
    queue.set(key, settled);
    void settled.then(() => {
      if (queue.get(key) === settled) queue.delete(key);
    });
    return run;
  };

  const claimLock = new Map<string, Promise<unknown>>();
  const leaseLock = new Map<string, Promise<unknown>>();
  const ledgerGet = async (key: string): Promise<LedgerEntry | undefined> =>
    parseEntry(key, await read(ledger, key, `the run record ${key}`));
  const ledgerSet = (entry: LedgerEntry): Promise<void> =>
    write(ledger, entry.key, entry, `the run record ${entry.key}`, RETENTION_MS);

  /** An unreadable lease (written by a future version, say) counts as run out: it must not block for good. */
  const parseLease = (raw: unknown): Lease | undefined => {
    const parsed = LeaseSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
  /** Whether `current` stands against `holder` taking the lease at `now`. */
  const heldByOther = (current: Lease | undefined, holder: string, now: number): current is Lease =>
    current !== undefined && current.holder !== holder && current.expiresAt > now;

  /** One process (memory, keyv adapters without SQL): the in-process turn is the check. */
  const leaseKv = async (name: string, holder: string, term: { now: number; expiresAt: number }) => {
    const current = parseLease(await leases.get(name));
    if (heldByOther(current, holder, term.now)) return current;
    const next: Lease = { holder, expiresAt: term.expiresAt };
    if (!(await leases.set(name, next))) throw new StoreError(`could not save the lease ${name}`);
    return next;
  };

  const leaseSql = async (
    table: SqlTable,
    name: string,
    holder: string,
    term: { now: number; expiresAt: number },
  ): Promise<Lease> => {
    const key = `${leases.namespace}:${name}`;
    const next: Lease = { holder, expiresAt: term.expiresAt };
    const nextRaw = String(await leases.serializeData({ value: next }));
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      const { raw, value } = await readRaw(table, leases, name, `the lease ${name}`);
      const current = parseLease(value);
      if (heldByOther(current, holder, term.now)) return current;
      // Absent: insert-if-absent. Ours, or run out: compare-and-set over exactly what was read, so
      // of two processes taking over a lease that ran out, one wins and the other sees its lease.
      const written =
        raw === undefined
          ? await insertIfAbsent(table, key, nextRaw)
          : await compareAndSet(table, key, raw, nextRaw);
      if (written) return next;
    }
    throw new StoreError(`could not take the lease ${name}: it kept changing`);
  };

  return {
    url,
    readGuild,
    updateGuild,
    guilds,
    async revisions() {
      const revisions = new Map<string, string>();
      const prefix = `${schedules.namespace}:`;
      if (schedulesSql) {
        // Only the revision numbers: cheap enough to ask every minute with thousands of guilds.
        const rows = await checked('could not read schedule revisions', () =>
          selectPrefix(schedulesSql, prefix, `key, ${schedulesSql.json(['value', 'rev'])} AS rev`),
        );
        for (const row of rows) revisions.set(String(row.key).slice(prefix.length), String(row.rev ?? ''));
        return revisions;
      }
      for (const [guildId, value] of await allRecords()) {
        revisions.set(guildId, String(parseRecord(guildId, value)?.rev ?? ''));
      }
      return revisions;
    },
    ledgerGet,
    ledgerSet,
    async ledgerClaim(entry) {
      const what = `the run record ${entry.key}`;
      if (!ledgerSql) {
        // One process: a claim is a read and a write with no other claim of the key in between.
        return inTurn(claimLock, entry.key, async () => {
          const existing = await ledgerGet(entry.key);
          if (existing) return existing;
          await ledgerSet(entry);
          return undefined;
        });
      }
      const key = `${ledger.namespace}:${entry.key}`;
      const raw = await claimRaw(entry);
      for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
        if (await checked(`could not save ${what}`, () => insertIfAbsent(ledgerSql, key, raw)))
          return undefined;
        const current = await readRaw(ledgerSql, ledger, entry.key, what);
        // Ours, written by an attempt whose answer a dropped connection lost.
        if (current.raw === raw) return undefined;
        if (current.value !== undefined) return parseEntry(entry.key, current.value);
        // Expired but not yet swept: it counts as absent, so it is replaced, still atomically.
        const stale = current.raw;
        if (
          stale &&
          (await checked(`could not save ${what}`, () => compareAndSet(ledgerSql, key, stale, raw)))
        ) {
          return undefined;
        }
      }
      throw new StoreError(`could not claim ${what}: it kept changing`);
    },
    async ledgerList(guildId, scheduleId, limit) {
      const prefix = runKey(guildId, scheduleId, '');
      const entries = await checked(`could not read the runs of schedule ${scheduleId}`, async () => {
        const found: [string, unknown][] = [];
        if (ledgerSql) {
          const claimed = ledgerSql.json(['value', 'createdAt']);
          for (const row of await selectPrefixLatest(
            ledgerSql,
            `${ledger.namespace}:${prefix}`,
            claimed,
            limit,
          )) {
            const data = await ledger.deserializeData<unknown>(String(row.value));
            if (!data || (typeof data.expires === 'number' && data.expires < Date.now())) continue;
            found.push([String(row.key), data.value]);
          }
        } else if (ledger.iterator) {
          for await (const [key, value] of ledger.iterator(undefined)) {
            if (String(key).startsWith(prefix)) found.push([String(key), value]);
          }
        }
        return found;
      });
      return entries
        .map(([key, value]) => parseEntry(key, value))
        .filter((e): e is LedgerEntry => e !== undefined)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit);
    },
    stashSet: (key, value, ttlMs) => write(ledger, `${STASH}${key}`, value, `the pending ${key}`, ttlMs),
    stashGet: (key) => read(ledger, `${STASH}${key}`, `the pending ${key}`),
    async stashDelete(key) {
      await checked(`could not delete the pending ${key}`, () => ledger.delete(`${STASH}${key}`));
    },
    async forgetSchedule(guildId, scheduleId) {
      // Ids are reused once free: a new schedule must not inherit the old one's "already sent".
      const prefix = `${runKey(guildId, scheduleId, '')}`;
      return checked(`could not delete the run records of schedule ${scheduleId}`, async () => {
        if (ledgerSql) return deletePrefix(ledgerSql, `${ledger.namespace}:${prefix}`);
        const keys: string[] = [];
        if (!ledger.iterator) return 0;
        for await (const [key] of ledger.iterator(undefined)) {
          if (String(key).startsWith(prefix)) keys.push(String(key));
        }
        if (keys.length) await ledger.delete(keys);
        return keys.length;
      });
    },
    async pruneExpired() {
      // Other backends expire rows themselves (Redis) or on read (keyv); nothing to sweep here.
      if (!ledgerSql) return 0;
      const sql = ledgerSql;
      const now = Date.now();
      const expires =
        sql.dialect === 'postgres' ? `(${sql.json(['expires'])})::bigint` : sql.json(['expires']);
      // Rows written before records had an expiry are judged by their own last update.
      const where = `${sql.startsWith} AND (${expires} < ? OR (${expires} IS NULL AND ${sql.json(['value', 'updatedAt'])} < ?))`;
      const args = [
        ...sql.startsWithParams(`${ledger.namespace}:`),
        now,
        new Date(now - RETENTION_MS).toISOString(),
      ];
      return checked('could not prune expired run records', async () => {
        const rows = await sql.query(`DELETE FROM ${sql.name} WHERE ${where} RETURNING key`, args);
        return rows.length;
      });
    },
    lease: (name, holder, term) =>
      checked(`could not take the lease ${name}`, () =>
        inTurn(leaseLock, name, () =>
          leasesSql ? leaseSql(leasesSql, name, holder, term) : leaseKv(name, holder, term),
        ),
      ),
    leaseRelease: (name, holder) =>
      checked(`could not give up the lease ${name}`, () =>
        inTurn(leaseLock, name, async () => {
          if (!leasesSql) {
            if (parseLease(await leases.get(name))?.holder !== holder) return false;
            return leases.delete(name);
          }
          const { raw, value } = await readRaw(leasesSql, leases, name, `the lease ${name}`);
          if (raw === undefined || parseLease(value)?.holder !== holder) return false;
          return deleteIfEqual(leasesSql, `${leases.namespace}:${name}`, raw);
        }),
      ),
    async close() {
      await Promise.allSettled([...locks.values(), ...claimLock.values(), ...leaseLock.values()]);
      await Promise.all([schedules.disconnect(), ledger.disconnect(), leases.disconnect()]);
      rows?.close();
    },
  };
}
