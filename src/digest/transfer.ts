/**
 * A server's schedules as a YAML file and back (/schedule export and import).
 *
 * - The file holds what an admin sets (channel by id and name, when, timezone, themes, format,
 *   skip_if_empty, paused, a forum's tags by id and name, thread, the role it pings by id and
 *   name) and each schedule's id; nothing of a schedule's runs or health, nor the server's alert
 *   channel (/schedule alerts), which schedules added by an import take from the server.
 * - Reading is the curated data's exact reader (`yaml` with positions) and its error style: every
 *   problem names its line and field, and all of them are listed at once.
 * - Import merges: a schedule whose id is already in this server is updated to the file's
 *   settings, any other is added, and schedules of this server the file does not hold are kept.
 *   Ids are matched only when the file was exported from this server: from another server every
 *   schedule is added (with its id when that is free here).
 * - What is applied is planned first (the preview) and kept as data, so the confirmation can be
 *   applied by any process, all at once, under the store's compare-and-set (`applyPlan`).
 */
import { Document } from 'yaml';
import { z } from 'zod';
import { describeIssues } from '../briefings/load/issues.js';
import { fieldOf, type PathSegment, parseExact } from '../briefings/load/yaml-exact.js';
import { loadFast } from '../briefings/load/yaml-fast.js';
import { UserError } from '../errors.js';
import { FORMATS, type Schedule } from './index.js';

export const TRANSFER_VERSION = 1;
/** At most this many problems are listed; the rest are counted. */
export const MAX_PROBLEMS = 20;

const quoteIds = 'expected text: put the id in quotes, e.g. id: "123456789012345678"';

const EntrySchema = z.strictObject({
  id: z
    .string({ error: 'expected text' })
    .regex(/^[a-z0-9]{4,12}$/, 'must be 4 to 12 lowercase letters and digits, as /schedule list shows')
    .optional(),
  channel: z.strictObject({
    id: z.string({ error: quoteIds }).trim().min(1, 'must not be empty').max(100),
    name: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(100).optional(),
  }),
  when: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(100),
  timezone: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(64),
  themes: z
    .array(z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(100))
    .max(50)
    .default([]),
  format: z.enum(FORMATS).default('brief'),
  skip_if_empty: z.boolean({ error: 'expected true or false' }).default(true),
  paused: z.boolean({ error: 'expected true or false' }).default(false),
  /** A forum's tags for each post: matched by name in another server, else by id. */
  tags: z
    .array(
      z.strictObject({
        id: z.string({ error: quoteIds }).trim().min(1).max(30).optional(),
        name: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(100),
      }),
    )
    .max(5)
    .optional(),
  thread: z.boolean({ error: 'expected true or false' }).optional(),
  /** The role each digest pings: matched by id here, else by name. */
  mention: z
    .strictObject({
      id: z.string({ error: quoteIds }).trim().min(1).max(30),
      name: z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(100),
    })
    .optional(),
});
export type FileEntry = z.infer<typeof EntrySchema>;

const FileSchema = z.strictObject({
  version: z.literal(TRANSFER_VERSION, { error: `must be ${TRANSFER_VERSION}` }),
  guild: z.string({ error: quoteIds }).optional(),
  exported_at: z.string({ error: 'expected text' }).optional(),
  schedules: z.array(EntrySchema, { error: 'expected a list of schedules' }).max(500),
});
export type ScheduleFile = z.infer<typeof FileSchema>;

/** A problem of an imported file, where it is. */
export interface ImportProblem {
  line: number;
  column: number;
  /** `schedules[2].when`; empty for the whole file. */
  field: string;
  message: string;
}

/** The file's name for a server's export. */
export const exportName = (guildId: string): string => `schedules-${guildId.replace(/[^\w-]/g, '_')}.yaml`;

/** The file /schedule export attaches: every schedule of the server, in the order they were added. */
export function exportSchedules(guildId: string, schedules: readonly Schedule[], now: Date): string {
  const doc = new Document({
    version: TRANSFER_VERSION,
    guild: guildId,
    exported_at: now.toISOString(),
    schedules: schedules.map((s) => ({
      id: s.id,
      channel: { id: s.channelId, ...(s.channelName ? { name: s.channelName } : {}) },
      when: s.when,
      timezone: s.timezone,
      themes: [...s.themes],
      format: s.format,
      skip_if_empty: s.skipIfEmpty,
      paused: s.paused,
      ...(s.tags?.length ? { tags: s.tags.map((t) => ({ id: t.id, name: t.name })) } : {}),
      ...(s.thread ? { thread: true } : {}),
      ...(s.mention ? { mention: { id: s.mention.roleId, name: s.mention.name } } : {}),
    })),
  });
  doc.commentBefore = [
    ' Attaché schedules. Import with /schedule import file:<this file>: schedules with an id of',
    ' this server are updated, the others added; schedules not in the file are kept.',
    ' A channel id that is not in the importing server is matched by the channel name.',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** The file read and checked for shape; `at` gives where a field is, for later problems. */
export type ReadFile =
  | { ok: true; file: ScheduleFile; at(path: readonly PathSegment[]): { line: number; column: number } }
  | { ok: false; problems: ImportProblem[] };

export function readScheduleFile(text: string): ReadFile {
  // The common case, a good file, is read by the fast reader; positions are found only when a later
  // check needs one. Anything the fast path does not accept is read again, exactly.
  const fast = loadFast(text);
  const quick =
    fast && fast.data !== undefined && fast.data !== null ? FileSchema.safeParse(fast.data) : undefined;
  if (quick?.success) {
    let exact: ReturnType<typeof parseExact> | undefined;
    const at = (path: readonly PathSegment[]) => {
      exact ??= parseExact(text);
      return exact.at(path);
    };
    return { ok: true, file: quick.data, at };
  }
  const doc = parseExact(text);
  if (doc.syntax.length) {
    return {
      ok: false,
      problems: doc.syntax.map((p) => ({
        line: p.line,
        column: p.column,
        field: p.field,
        message: p.message.startsWith('a file holds one briefing')
          ? `a file holds one export: remove the "---" on line ${p.line} and what follows`
          : p.message,
      })),
    };
  }
  if (doc.data === undefined || doc.data === null) {
    return {
      ok: false,
      problems: [
        { line: 1, column: 1, field: '', message: 'the file is empty: export one with /schedule export' },
      ],
    };
  }
  const parsed = FileSchema.safeParse(doc.data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: describeIssues(parsed.error.issues, doc.data, FileSchema).map((issue) => {
        const where = issue.key ? doc.keyAt(issue.path.slice(0, -1), issue.key) : doc.at(issue.path);
        return { ...where, field: fieldOf(issue.path), message: issue.message };
      }),
    };
  }
  return { ok: true, file: parsed.data, at: (path) => doc.at(path) };
}

/** One schedule as it would be after the import (settings only). */
export const PlannedSchema = z.object({
  action: z.enum(['add', 'update', 'unchanged']),
  id: z.string(),
  channelId: z.string(),
  channelName: z.string().optional(),
  /** The channel id the file gave, when it was not in this server and the name matched. */
  mappedFrom: z.string().optional(),
  when: z.string(),
  cron: z.string(),
  timezone: z.string(),
  themes: z.array(z.string()),
  format: z.enum(FORMATS),
  skipIfEmpty: z.boolean(),
  paused: z.boolean(),
  tags: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  thread: z.boolean().optional(),
  mention: z.object({ roleId: z.string(), name: z.string() }).optional(),
  /** The role id the file gave, when it was not in this server and the name matched. */
  mentionMappedFrom: z.string().optional(),
  /** For an update: the settings it replaces, in the words of the preview. */
  changed: z.array(z.string()).optional(),
  /** For an update: the schedule's `updatedAt` the preview saw; a later change refuses the import. */
  base: z.string().optional(),
});
export type Planned = z.infer<typeof PlannedSchema>;

/** What a confirmation applies; kept in the store between the preview and the click. */
export const ImportPlanSchema = z.object({
  v: z.literal(1),
  guildId: z.string(),
  userId: z.string(),
  /** When the preview was made: the added schedules' creation stamp, which makes a repeat a no-op. */
  createdAt: z.string(),
  fromThisServer: z.boolean(),
  entries: z.array(PlannedSchema),
  /** Schedules of this server the file does not hold: kept as they are. */
  kept: z.array(z.string()),
});
export type ImportPlan = z.infer<typeof ImportPlanSchema>;

/** A file entry once checked against this server: the settings it asks for, resolved. */
export type Resolved = Omit<Planned, 'action' | 'id' | 'changed'> & { id?: string };

const SETTINGS = [
  ['channelId', 'channel'],
  ['when', 'when'],
  ['timezone', 'timezone'],
  ['themes', 'themes'],
  ['format', 'format'],
  ['skipIfEmpty', 'skip_if_empty'],
  ['paused', 'paused'],
] as const;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Which settings of `s` the resolved entry changes, by their names in the file. */
export const changesOf = (s: Schedule, r: Resolved): string[] => [
  ...SETTINGS.filter(([key]) => !same(s[key], r[key])).map(([, name]) => name),
  ...(same(s.tags ?? [], r.tags ?? []) ? [] : ['tags']),
  ...((s.thread ?? false) === (r.thread ?? false) ? [] : ['thread']),
  ...(s.mention?.roleId === r.mention?.roleId ? [] : ['mention']),
];

/**
 * The plan for resolved entries against the server's schedules as they are now. Ids: matched when
 * the file is this server's; an id taken here (or none) gets a new one from `newId`.
 */
export function planImport(options: {
  guildId: string;
  userId: string;
  now: Date;
  fromThisServer: boolean;
  current: readonly Schedule[];
  resolved: readonly Resolved[];
  newId: (taken: ReadonlySet<string>) => string;
}): ImportPlan {
  const byId = new Map(options.current.map((s) => [s.id, s]));
  const taken = new Set(byId.keys());
  const inFile = new Set<string>();
  const entries: Planned[] = options.resolved.map((r) => {
    const existing = options.fromThisServer && r.id ? byId.get(r.id) : undefined;
    const { id: _id, ...settings } = r;
    if (existing) {
      inFile.add(existing.id);
      const changed = changesOf(existing, r);
      return {
        ...settings,
        id: existing.id,
        action: changed.length ? 'update' : 'unchanged',
        changed,
        base: existing.updatedAt,
      };
    }
    const id = r.id && !taken.has(r.id) ? r.id : options.newId(taken);
    taken.add(id);
    return { ...settings, id, action: 'add' };
  });
  return {
    v: 1,
    guildId: options.guildId,
    userId: options.userId,
    createdAt: options.now.toISOString(),
    fromThisServer: options.fromThisServer,
    entries,
    kept: options.current.filter((s) => !inFile.has(s.id)).map((s) => s.id),
  };
}

/** How many schedules the server would have after the plan. */
export const countAfter = (plan: ImportPlan, current: number): number =>
  current + plan.entries.filter((e) => e.action === 'add').length;

/** What a planned entry sets on a schedule; optional settings only when the entry has them. */
const settingsOf = (e: Planned) => ({
  channelId: e.channelId,
  ...(e.channelName ? { channelName: e.channelName } : {}),
  when: e.when,
  cron: e.cron,
  timezone: e.timezone,
  themes: e.themes,
  format: e.format,
  skipIfEmpty: e.skipIfEmpty,
  paused: e.paused,
  ...(e.tags?.length ? { tags: e.tags } : {}),
  ...(e.thread ? { thread: true } : {}),
  ...(e.mention ? { mention: e.mention } : {}),
});

export interface Applied {
  added: Schedule[];
  updated: Schedule[];
  /** The plan had been applied already (a second click, or a click on another process). */
  replayed: boolean;
}

/**
 * The guild's schedules with the plan applied, all of it or nothing (a thrown UserError). Run inside
 * the store's change, on the record as it is then: an updated schedule removed since the preview,
 * or a cap the additions would pass, refuse the whole import.
 */
export function applyPlan(
  list: readonly Schedule[],
  plan: ImportPlan,
  options: { maxPerGuild: number; stamp: string; newId: (taken: ReadonlySet<string>) => string },
): { schedules: Schedule[]; result: Applied } {
  const adds = plan.entries.filter((e) => e.action === 'add');
  // The schedules this plan adds carry its stamp (whatever id they ended up with): one of them
  // there means the plan was applied already, by another click or another process.
  if (adds.length > 0 && list.some((s) => s.createdAt === plan.createdAt && s.createdBy === plan.userId)) {
    return { schedules: [...list], result: { added: [], updated: [], replayed: true } };
  }
  const byId = new Map(list.map((s) => [s.id, s]));
  const updated: Schedule[] = [];
  for (const e of plan.entries.filter((x) => x.action === 'update')) {
    const s = byId.get(e.id);
    if (!s) {
      throw new UserError(
        `schedule ${e.id} was removed after the preview, so nothing was imported. Run /schedule import again.`,
      );
    }
    if (e.base !== undefined && s.updatedAt !== e.base) {
      throw new UserError(
        `schedule ${e.id} was changed after the preview, so nothing was imported (the import would undo that change). Run /schedule import again to see it.`,
      );
    }
    const timing = s.when !== e.when || s.timezone !== e.timezone || s.cron !== e.cron;
    const resumed = s.paused && !e.paused;
    // The file's settings replace the schedule's, optional ones included (a setting it leaves out goes).
    const { channelName: _name, tags: _tags, thread: _thread, mention: _mention, ...kept } = s;
    const next: Schedule = {
      ...kept,
      ...settingsOf(e),
      updatedAt: options.stamp,
      // As for an edit: a new time, or a resume, starts afresh; a new channel starts healthy.
      ...(timing || resumed ? { activeSince: options.stamp } : {}),
      ...(s.channelId !== e.channelId ? { health: { status: 'ok' as const } } : {}),
    };
    byId.set(s.id, next);
    updated.push(next);
  }
  const total = list.length + adds.length;
  if (total > options.maxPerGuild) {
    throw new UserError(
      `the import would give this server ${total} schedules, the limit is ${options.maxPerGuild}, so nothing was imported. Remove some (here or in the file) and import again.`,
    );
  }
  const taken = new Set(byId.keys());
  // The alert channel is the server's setting, kept on each schedule: an added one takes it too.
  const alerts = list[0]?.alerts;
  const added: Schedule[] = adds.map((e) => {
    // An id taken since the preview (another admin's add) gets a new one.
    const id = taken.has(e.id) ? options.newId(taken) : e.id;
    taken.add(id);
    return {
      id,
      guildId: plan.guildId,
      ...settingsOf(e),
      ...(alerts ? { alerts } : {}),
      createdBy: plan.userId,
      createdAt: plan.createdAt,
      updatedAt: options.stamp,
      activeSince: options.stamp,
      health: { status: 'ok' },
    };
  });
  return {
    schedules: [...list.map((s) => byId.get(s.id) ?? s), ...added],
    result: { added, updated, replayed: false },
  };
}
