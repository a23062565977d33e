/**
 * Contract of the digest domain: schedules, their store, the run ledger, the Poster a transport
 * implements, and the services the /schedule and /status commands use. Implementations live
 * beside this file (when.ts, store.ts, ledger.ts, scheduler.ts, compose.ts, service.ts).
 */
import { z } from 'zod';
import type { DataProblem, Library } from '../briefings/index.js';
import type { Reply } from '../render/index.js';
import type { Applied, ImportPlan, ImportProblem } from './transfer.js';

export const FORMATS = ['brief', 'full'] as const;
export type Format = (typeof FORMATS)[number];

const iso = z.string().min(1);

/** How the last run of a schedule ended. `late` runs are catch-ups after downtime. */
const LastRunSchema = z.object({
  slot: iso,
  outcome: z.enum(['sent', 'failed', 'empty', 'skipped']),
  at: iso,
  late: z.boolean().optional(),
  manual: z.boolean().optional(),
  messageId: z.string().optional(),
  reason: z.string().optional(),
  /** An attempt that failed and will be tried again: the slot's outcome is not decided yet. */
  retrying: z.boolean().optional(),
});
export type LastRun = z.infer<typeof LastRunSchema>;

/** Channel health as last seen: failing schedules name the reason and any missing permission. */
const HealthSchema = z.object({
  status: z.enum(['ok', 'failing']),
  reason: z.string().optional(),
  missing: z.array(z.string()).optional(),
  since: iso.optional(),
});
export type Health = z.infer<typeof HealthSchema>;

export const ScheduleSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{4,12}$/),
  guildId: z.string().min(1),
  channelId: z.string().min(1),
  channelName: z.string().optional(),
  /** What the admin typed, normalised (`daily 08:00` or the cron). */
  when: z.string().min(1),
  /** The 5-field cron node-cron runs. */
  cron: z.string().min(1),
  timezone: z.string().min(1),
  /** Theme ids; empty means every theme. */
  themes: z.array(z.string()),
  format: z.enum(FORMATS),
  skipIfEmpty: z.boolean(),
  paused: z.boolean(),
  createdBy: z.string(),
  createdAt: iso,
  updatedAt: iso,
  /** Slots before this instant are not due (creation, resume, or a new `when`). */
  activeSince: iso,
  lastRun: LastRunSchema.optional(),
  health: HealthSchema.default({ status: 'ok' }),
  /** A forum target's tags, put on each post (ids, with names for display). */
  tags: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  /** Each digest starts a discussion thread (text and announcement channels). */
  thread: z.boolean().optional(),
  /** The one role each digest pings (members opt in with its Notify me button). */
  mention: z.object({ roleId: z.string(), name: z.string() }).optional(),
  /**
   * The server's alert channel (/schedule alerts), kept on each of its schedules so that setting
   * it and recording a schedule's state change are one compare-and-set write of the guild record.
   */
  alerts: z.object({ channelId: z.string(), channelName: z.string().optional() }).optional(),
  /** The health last announced in the alert channel: one alert per change of state. */
  alerted: z.enum(['ok', 'failing']).optional(),
  /** When `alerted` was claimed, while its alert is not known to be posted (alerts.ts). */
  alertPending: iso.optional(),
  /** Slots missed while the bot was down and too old to catch up. */
  missed: z.object({ count: z.number().int(), latest: iso, recordedAt: iso }).optional(),
  /** What the last posted digest contained, to mark what is new in the next one. */
  seen: z
    .object({
      at: iso,
      lookahead: z.array(z.string()),
      briefings: z.array(z.string()),
    })
    .optional(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

/** What an admin sets with /schedule add and edit. */
export interface ScheduleInput {
  channelId: string;
  channelName?: string;
  when: string;
  timezone: string;
  themes: string[];
  format: Format;
  skipIfEmpty: boolean;
  /** Forum tags by name or id; checked against the forum's own. */
  tags?: string[];
  thread?: boolean;
  /** The role to ping; null stops pinging. */
  mention?: { roleId: string } | null;
}

export const LedgerEntrySchema = z.object({
  key: z.string(),
  guildId: z.string(),
  scheduleId: z.string(),
  slot: iso,
  status: z.enum(['pending', 'sent', 'failed', 'empty', 'skipped']),
  nonce: z.string().max(25),
  late: z.boolean().optional(),
  manual: z.boolean().optional(),
  messageId: z.string().optional(),
  reason: z.string().optional(),
  /** The channel the run was for: links in /schedule history stay right after the schedule moves. */
  channelId: z.string().optional(),
  /** A forum post: no nonce protects a resend, so a pending one is always looked for first. */
  target: z.enum(['forum']).optional(),
  /**
   * What is still to do after the post (publish it, start its thread): written before the send, so
   * a process that stops after the post leaves them for the next one to finish.
   */
  due: z.array(z.enum(['publish', 'thread'])).optional(),
  /** Announcement channels: whether the digest was published to following servers. */
  published: z.boolean().optional(),
  /** The discussion thread started from the digest. */
  threadId: z.string().optional(),
  /** What failed after the digest was posted (publishing it, starting its thread). */
  followUp: z.string().optional(),
  attempts: z.number().int(),
  createdAt: iso,
  updatedAt: iso,
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** The message of anything thrown, for reasons shown to admins and written to the ledger. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** A store write or read that failed: shown to the admin, never swallowed. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/**
 * What a channel is, as far as posting goes: a forum takes posts, an announcement is published;
 * `voice` is a voice or stage channel's text chat, which discord.js counts as text-based.
 */
export type ChannelKind = 'text' | 'announcement' | 'forum' | 'thread' | 'voice';

/** Where a schedule may post (as /schedule add's channel option offers): never into a thread. */
export const DIGEST_CHANNELS: readonly ChannelKind[] = ['text', 'announcement', 'forum'];
/** Where alerts may go (as /schedule alerts' channel option offers). */
export const ALERT_CHANNELS: readonly ChannelKind[] = ['text', 'announcement'];

const KIND_NAMES: Record<ChannelKind, string> = {
  text: 'a text channel',
  announcement: 'an announcement channel',
  forum: 'a forum channel',
  thread: 'a thread',
  voice: "a voice channel's chat",
};

/**
 * Said when a channel of the wrong kind is given, by id, past Discord's own option filter:
 * "that is a thread: pick a text, an announcement or a forum channel." (`subject` names it).
 */
export const wrongKind = (kind: ChannelKind, allowed: readonly ChannelKind[], subject = 'that'): string => {
  const kinds = allowed.map((k) => KIND_NAMES[k].replace(/ channel$/, ''));
  const listed = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : kinds.join('');
  return `${subject} is ${KIND_NAMES[kind]}: pick ${listed} channel.`;
};

export interface ForumTag {
  id: string;
  name: string;
}

/** DeliveryError code of a Notify me press refused because the role grants elevated permissions. */
export const ROLE_ELEVATED = -1 as const;

/**
 * Whether a role can be the one a digest pings, with a Notify me button that gives and takes it:
 * `problems` say what stops the bot (each with its fix).
 */
export type RoleCheck =
  | { ok: true; name: string }
  | { ok: false; reason: 'role-gone' }
  | { ok: false; reason: 'not-manageable'; name: string; problems: string[] };

export type ChannelCheck =
  | { ok: true; kind?: ChannelKind; forum?: { tags: ForumTag[]; requireTag: boolean } }
  | { ok: false; reason: 'missing-permissions'; missing: string[] }
  | { ok: false; reason: 'channel-gone' };

/**
 * Discord refused the message: 50001 Missing Access, 50013 Missing Permissions, 10003 Unknown
 * Channel. Anything else (5xx after retries, timeouts) is a plain Error.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    /**
     * 40067: the forum requires a tag and the post has none; 10011: the role is gone;
     * ROLE_ELEVATED: a role Notify me must not hand out.
     */
    readonly code: 50001 | 50013 | 10003 | 40067 | 10011 | typeof ROLE_ELEVATED,
    message: string,
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}

/** How digests reach a channel. The Discord client implements it; so does the console. */
export interface Poster {
  /** `needs.thread`: each digest starts a thread, so Create Public Threads is needed too. */
  check(guildId: string, channelId: string, needs?: { thread?: boolean }): Promise<ChannelCheck>;
  /**
   * Sends with the nonce and enforce_nonce; returns the message id. Throws DeliveryError. In a
   * forum, `post.forum` makes it a new post (its id is returned): Discord takes no nonce there.
   */
  send(guildId: string, channelId: string, reply: Reply, nonce: string, post?: PostOptions): Promise<string>;
  /** Whether the bot can ping the role in the channel and give it to members (see RoleCheck). */
  roleCheck?(guildId: string, roleId: string, channelId: string): Promise<RoleCheck>;
  /**
   * Gives the member the role, or takes it when they have it: whether they hold it now. Throws
   * DeliveryError when Discord refuses (50013: the bot may not; 10011: the role is gone).
   */
  toggleRole?(guildId: string, userId: string, roleId: string): Promise<boolean>;
  /** Publishes a message of an announcement channel; one already published counts as done. */
  publish?(guildId: string, channelId: string, messageId: string): Promise<void>;
  /** Starts a thread from the message (or returns the one it has); the thread's id. */
  startThread?(
    guildId: string,
    channelId: string,
    messageId: string,
    thread: { name: string; autoArchiveMinutes: number },
  ): Promise<string>;
  /**
   * When the message was created, where its id says (Discord's ids carry their time): a run resent
   * after a crash tells from it whether the digest that stands was posted on time.
   */
  postedAt?(messageId: string): Date | undefined;
  /**
   * Looks for a digest already posted with this marker (in its footer) since the instant: the
   * message id, null if verified absent. Throws when it cannot tell. Optional: without it, a run
   * left pending longer than Discord's nonce window is not resent (see ledger.ts).
   */
  find?(guildId: string, channelId: string, marker: string, since: Date): Promise<string | null>;
  /**
   * Whether this transport reaches the guild at all. The console and Discord share one store, so
   * each runs only its own guilds' schedules (the console must never "deliver" a Discord digest).
   */
  serves?(guildId: string): boolean;
  /**
   * The channels of a guild a digest can go to, by id and name: an import maps a channel of
   * another server to this one's channel of the same name. Without it, nothing is mapped.
   */
  channels?(guildId: string): Promise<{ id: string; name: string }[]>;
  /** The roles of a guild by id and name: an import maps another server's role by its name. */
  roles?(guildId: string): Promise<{ id: string; name: string }[]>;
}

/** How a digest is posted beyond its body. */
export interface PostOptions {
  /** A forum post's title and tag ids. */
  forum?: { title: string; tags: string[] };
  /** The one role the message may ping (allowed_mentions names it alone). */
  mentionRoleId?: string;
}

/** A schedule as listed: with its next runs. */
export interface ScheduleView {
  schedule: Schedule;
  nextRuns: Date[];
}

export interface SavedSchedule extends ScheduleView {
  /** DST notes and other things the admin should know. */
  notes: string[];
}

export interface Preview {
  schedule: Schedule;
  /** The slot the next run is for; undefined when paused. */
  at: Date | undefined;
  /** Exactly what would be posted, or null when skip-if-empty would skip it. */
  reply: Reply | null;
  items: number;
}

export interface RunOutcome {
  status: LedgerEntry['status'];
  messageId?: string;
  reason?: string;
  /** A repeat of a run already decided (e.g. a double click on run-now): nothing new happened. */
  replayed?: boolean;
  /** Failed for a reason that may pass (network, Discord 5xx): running it again may succeed. */
  retryable?: boolean;
}

/** What /schedule calls. Every method is scoped to one guild: another guild's id is not found. */
export interface ScheduleService {
  readonly limits: { minIntervalMinutes: number; maxPerGuild: number; defaultTimezone: string };
  list(guildId: string): Promise<ScheduleView[]>;
  /** The guild's schedules without their next runs: for autocomplete, which must stay cheap. */
  schedules?(guildId: string): Promise<Schedule[]>;
  get(guildId: string, id: string): Promise<ScheduleView>;
  add(guildId: string, userId: string, input: ScheduleInput, library: Library): Promise<SavedSchedule>;
  edit(guildId: string, id: string, patch: Partial<ScheduleInput>, library: Library): Promise<SavedSchedule>;
  remove(guildId: string, id: string): Promise<Schedule>;
  setPaused(guildId: string, id: string, paused: boolean): Promise<ScheduleView>;
  preview(guildId: string, id: string, library: Library): Promise<Preview>;
  runNow(guildId: string, id: string, library: Library): Promise<RunOutcome>;
  /**
   * The Notify me button: gives the member the role a schedule of the guild pings, or takes it.
   * Only such a role: a made-up button cannot hand out any other.
   */
  toggleNotify?(guildId: string, userId: string, roleId: string): Promise<{ joined: boolean; name: string }>;
  /** The roles the guild's schedules ping, once each. */
  notifyRoles?(guildId: string): Promise<{ roleId: string; name: string }[]>;
  /**
   * Sets (or with null turns off) the channel told when a schedule starts failing and when it
   * recovers; how many schedules it covers.
   */
  setAlerts?(
    guildId: string,
    channel: { id: string; name?: string } | null,
  ): Promise<{ channelId?: string; channelName?: string; count: number }>;
  /** The schedule's latest runs from the ledger (at most 25), newest first. */
  history(guildId: string, id: string): Promise<ScheduleHistory>;
  /** The guild's schedules as a YAML file (see transfer.ts). */
  exportFile(guildId: string): Promise<{ name: string; content: string; count: number }>;
  /** Checks a file against this server and keeps the plan for its confirmation; nothing changes yet. */
  prepareImport(guildId: string, userId: string, text: string, library: Library): Promise<ImportCheck>;
  /** Applies a prepared import, all or nothing. */
  confirmImport(guildId: string, token: string): Promise<ImportOutcome>;
  /** Drops a prepared import; false when it was no longer there. */
  cancelImport(guildId: string, token: string): Promise<boolean>;
}

export interface ScheduleHistory {
  schedule: Schedule;
  /** Newest first. */
  runs: LedgerEntry[];
}

/** A file checked for import: its problems (nothing kept), or the plan to confirm by its token. */
export type ImportCheck =
  | { ok: false; problems: ImportProblem[]; unmatched: string[] }
  | { ok: true; plan: ImportPlan; token: string; expiresAt: Date; countAfter: number };

export type ImportOutcome = { status: 'applied'; applied: Applied } | { status: 'expired' };

export type { Applied, ImportPlan, ImportProblem, Planned } from './transfer.js';

export interface DataStatus {
  /** When the snapshot in use was loaded. */
  loadedAt: Date;
  /** When data/ was last read, successfully or not. */
  lastReloadAt?: Date;
  /** Problems of the last load; the snapshot in use is the last good one. */
  problems: readonly DataProblem[];
}

/** A guild's shard, and whether this instance runs its schedules (it holds the shard's lease). */
export interface ShardStatus {
  id: number;
  total: number;
  running: boolean;
  /** Another instance's lease on the shard, while this one does not run it. */
  heldBy?: { holder: string; until: Date };
}

/** What /status reports besides schedules. */
export interface StatusProvider {
  uptimeMs(): number;
  data(): DataStatus;
  /** The asking guild's shard; undefined where shards are not leased (the console). */
  shard?(guildId: string): ShardStatus | undefined;
  /**
   * Whether this guild is the operator's (OPERATOR_GUILD_ID): only there do replies show what is
   * the same for every server (data problems with their files, raw network errors). Every other
   * server's admin sees that server's own facts; the rest is in the log.
   */
  operator?(guildId: string): boolean;
}
