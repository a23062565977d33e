/**
 * The ScheduleService methods behind /schedule history, export and import (see transfer.ts for the
 * file and the merge rule). A prepared import waits in the store, not in this process: the Confirm
 * click may reach another process of the bot, or this one after a restart.
 */
import { randomBytes } from 'node:crypto';
import type { Library } from '../briefings/index.js';
import { fieldOf, type PathSegment } from '../briefings/load/yaml-exact.js';
import { isUserError, UserError } from '../errors.js';
import {
  DIGEST_CHANNELS,
  type ForumTag,
  type ImportCheck,
  type ImportOutcome,
  type Poster,
  type Schedule,
  type ScheduleHistory,
  wrongKind,
} from './index.js';
import type { Scheduler } from './scheduler.js';
import type { Store } from './store.js';
import {
  applyPlan,
  countAfter,
  exportName,
  exportSchedules,
  type FileEntry,
  ImportPlanSchema,
  type ImportProblem,
  MAX_PROBLEMS,
  planImport,
  type Resolved,
  readScheduleFile,
} from './transfer.js';
import { checkWhen } from './when.js';

/** Runs shown by /schedule history. */
export const HISTORY_RUNS = 25;
/** How long a previewed import can be confirmed: the life of the interaction's token. */
export const IMPORT_TTL_MS = 15 * 60_000;

interface TransferDeps {
  store: Store;
  poster: Poster;
  scheduler: Pick<Scheduler, 'sync'>;
  now: () => Date;
  minIntervalMinutes: number;
  maxPerGuild: number;
  newId: (taken: ReadonlySet<string>) => string;
  /** The schedule with this id in the guild, or the service's "not found". */
  find: (guildId: string, id: string) => Promise<Schedule>;
  /**
   * The service's check of a forum's tags and a thread on a channel (as /schedule add makes it):
   * the tags as the forum has them, or a UserError naming `tags`, `thread` or `channel`.
   */
  target: (
    guildId: string,
    channelId: string,
    wanted: { tags: string[] | undefined; thread: boolean },
  ) => Promise<{ tags: ForumTag[]; thread: boolean }>;
  /** The service's check of the role a digest pings (as /schedule add makes it), or a UserError. */
  mention?: (guildId: string, roleId: string, channelId: string) => Promise<{ roleId: string; name: string }>;
  /** The guild's roles by id and name (Poster.roles), to map another server's role by its name. */
  roles?: (guildId: string) => Promise<{ id: string; name: string }[]>;
  /** The service's guarded write (store failures said plainly). */
  save: <T>(
    guildId: string,
    change: (list: Schedule[]) => { schedules: Schedule[]; result: T },
  ) => Promise<T>;
}

const stashKey = (guildId: string, token: string): string => `import:${guildId}:${token}`;

/** Theme ids from the file: ids or labels as /schedule add takes them. */
const themeId = (typed: string, library: Library): string | undefined => {
  const folded = typed.trim().toLowerCase();
  return (
    library.theme(folded)?.id ??
    library.themes.find((t) => t.label.toLowerCase() === folded || t.id === folded)?.id
  );
};

export function createTransferMethods(deps: TransferDeps) {
  const { store, poster, now } = deps;

  type Channel = { id: string; name?: string };
  type ChannelResult =
    | { ok: true; id: string; name?: string; mappedFrom?: string }
    | { ok: false; message: string; unmatched?: string };

  /** A channel of the file in this server: by id, else by name; a reason when neither works. */
  const resolveChannel = async (
    guildId: string,
    channel: Channel,
    directory: () => Promise<{ id: string; name: string }[] | undefined>,
  ): Promise<ChannelResult> => {
    const usable = async (id: string, name: string | undefined): Promise<string | undefined> => {
      const check = await poster.check(guildId, id);
      if (check.ok) {
        return check.kind && !DIGEST_CHANNELS.includes(check.kind)
          ? wrongKind(check.kind, DIGEST_CHANNELS, `#${name ?? id}`)
          : undefined;
      }
      if (check.reason === 'channel-gone') return 'gone';
      return `I am missing ${check.missing.join(', ')} in #${name ?? id}: grant it to the bot and import again`;
    };
    const byId = await usable(channel.id, channel.name);
    if (byId === undefined)
      return { ok: true, id: channel.id, ...(channel.name ? { name: channel.name } : {}) };
    if (byId !== 'gone') return { ok: false, message: byId };
    const label = channel.name ? `#${channel.name}` : channel.id;
    if (!channel.name) {
      return {
        ok: false,
        message: `no channel ${channel.id} in this server, and no name to match it by`,
        unmatched: label,
      };
    }
    const wanted = channel.name.toLowerCase();
    const matches = ((await directory()) ?? []).filter((c) => c.name.toLowerCase() === wanted);
    if (matches.length === 0) {
      return {
        ok: false,
        message: `no channel ${channel.id} or named #${channel.name} in this server`,
        unmatched: label,
      };
    }
    if (matches.length > 1) {
      return {
        ok: false,
        message: `${matches.length} channels are named #${channel.name} here: put the id of the one to use in the file`,
      };
    }
    const match = matches[0] as { id: string; name: string };
    const problem = await usable(match.id, match.name);
    if (problem !== undefined) {
      return { ok: false, message: problem === 'gone' ? `I cannot see #${match.name}` : problem };
    }
    return { ok: true, id: match.id, name: match.name, mappedFrom: channel.id };
  };

  return {
    async history(guildId: string, id: string): Promise<ScheduleHistory> {
      const schedule = await deps.find(guildId, id);
      return { schedule, runs: await store.ledgerList(guildId, schedule.id, HISTORY_RUNS) };
    },

    async exportFile(guildId: string) {
      const schedules = await store.readGuild(guildId);
      return {
        name: exportName(guildId),
        content: exportSchedules(guildId, schedules, now()),
        count: schedules.length,
      };
    },

    async prepareImport(
      guildId: string,
      userId: string,
      text: string,
      library: Library,
    ): Promise<ImportCheck> {
      const read = readScheduleFile(text);
      if (!read.ok) return { ok: false, problems: read.problems.slice(0, MAX_PROBLEMS + 1), unmatched: [] };
      const { file, at } = read;
      const problems: ImportProblem[] = [];
      const unmatched = new Set<string>();
      const problem = (path: PathSegment[], message: string) =>
        problems.push({ ...at(path), field: fieldOf(path), message });
      let directory: Promise<{ id: string; name: string }[] | undefined> | undefined;
      const listChannels = () => {
        directory ??= poster.channels ? poster.channels(guildId) : Promise.resolve(undefined);
        return directory;
      };
      const channels = new Map<string, Promise<ChannelResult>>();
      const seen = new Map<string, number>();
      const resolved: Resolved[] = [];
      for (const [i, entry] of file.schedules.entries()) {
        const base: PathSegment[] = ['schedules', i];
        if (entry.id !== undefined) {
          const earlier = seen.get(entry.id);
          if (earlier !== undefined)
            problem(
              [...base, 'id'],
              `id ${entry.id} is also schedule ${earlier + 1} of the file: keep one, or remove the id to add a copy`,
            );
          seen.set(entry.id, i);
        }
        const r = await resolveEntry(entry, base, library, problem);
        const key = `${entry.channel.id}\u0000${entry.channel.name ?? ''}`;
        let channel = channels.get(key);
        if (!channel) {
          channel = resolveChannel(guildId, entry.channel, listChannels);
          channels.set(key, channel);
        }
        const c = await channel;
        if (!c.ok) {
          problem([...base, 'channel', 'id'], c.message);
          if (c.unmatched) unmatched.add(c.unmatched);
        } else if (r) {
          const target = await targetOf(guildId, c.id, entry, base, problem);
          const role = await roleOf(guildId, c.id, entry, base, problem, unmatched);
          if (target && role)
            resolved.push({
              ...r,
              ...(target.tags.length ? { tags: target.tags } : {}),
              ...(target.thread ? { thread: true } : {}),
              ...(role.mention ? { mention: role.mention } : {}),
              ...(role.mappedFrom ? { mentionMappedFrom: role.mappedFrom } : {}),
              channelId: c.id,
              ...(c.name ? { channelName: c.name } : {}),
              ...(c.mappedFrom ? { mappedFrom: c.mappedFrom } : {}),
            });
        }
      }
      const current = await store.readGuild(guildId);
      if (problems.length === 0) {
        const plan = planImport({
          guildId,
          userId,
          now: now(),
          fromThisServer: file.guild === guildId,
          current,
          resolved,
          newId: deps.newId,
        });
        const after = countAfter(plan, current.length);
        if (after > deps.maxPerGuild) {
          problems.push({
            ...at(['schedules']),
            field: 'schedules',
            message: `the import would give this server ${after} schedules, the limit is ${deps.maxPerGuild}: remove some (here or in the file) and import again`,
          });
        } else {
          const token = randomBytes(8).toString('hex');
          // A file that changes nothing has nothing to confirm: no buttons, nothing kept.
          if (plan.entries.some((e) => e.action !== 'unchanged')) {
            await store.stashSet(stashKey(guildId, token), plan, IMPORT_TTL_MS);
          }
          return {
            ok: true,
            plan,
            token,
            expiresAt: new Date(now().getTime() + IMPORT_TTL_MS),
            countAfter: after,
          };
        }
      }
      problems.sort((a, b) => a.line - b.line || a.column - b.column);
      return { ok: false, problems: problems.slice(0, MAX_PROBLEMS + 1), unmatched: [...unmatched] };
    },

    async confirmImport(guildId: string, token: string): Promise<ImportOutcome> {
      const parsed = ImportPlanSchema.safeParse(await store.stashGet(stashKey(guildId, token)));
      if (!parsed.success || parsed.data.guildId !== guildId) return { status: 'expired' };
      const plan = parsed.data;
      const applied = await deps.save(guildId, (list) =>
        applyPlan(list, plan, {
          maxPerGuild: deps.maxPerGuild,
          stamp: now().toISOString(),
          newId: deps.newId,
        }),
      );
      for (const s of [...applied.added, ...applied.updated]) deps.scheduler.sync(s);
      await store.stashDelete(stashKey(guildId, token)).catch(() => undefined);
      return { status: 'applied', applied };
    },

    async cancelImport(guildId: string, token: string): Promise<boolean> {
      const key = stashKey(guildId, token);
      const there = (await store.stashGet(key)) !== undefined;
      if (there) await store.stashDelete(key);
      return there;
    },
  };

  /** A forum's tags (by name, else id) and a thread, checked on the channel the schedule gets. */
  async function targetOf(
    guildId: string,
    channelId: string,
    entry: FileEntry,
    base: PathSegment[],
    problem: (path: PathSegment[], message: string) => void,
  ): Promise<{ tags: ForumTag[]; thread: boolean } | undefined> {
    try {
      return await deps.target(guildId, channelId, {
        tags: entry.tags?.map((t) => t.name || t.id || ''),
        thread: entry.thread === true,
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      const field = error.option === 'tags' || error.option === 'thread' ? error.option : 'channel';
      problem([...base, ...(field === 'channel' ? ['channel', 'id'] : [field])], error.message);
      return undefined;
    }
  }

  /**
   * The role a schedule pings: by id in this server, else by name (a role of another server), then
   * checked as /schedule add checks it; undefined when it cannot be (the problem is said).
   */
  async function roleOf(
    guildId: string,
    channelId: string,
    entry: FileEntry,
    base: PathSegment[],
    problem: (path: PathSegment[], message: string) => void,
    unmatched: Set<string>,
  ): Promise<{ mention?: { roleId: string; name: string }; mappedFrom?: string } | undefined> {
    if (!entry.mention) return {};
    const at: PathSegment[] = [...base, 'mention', 'id'];
    let roleId = entry.mention.id;
    let mappedFrom: string | undefined;
    const check =
      poster.roleCheck && roleId !== guildId ? await poster.roleCheck(guildId, roleId, channelId) : undefined;
    if (check && !check.ok && check.reason === 'role-gone') {
      const wanted = entry.mention.name.toLowerCase();
      const matches = ((await deps.roles?.(guildId)) ?? []).filter((r) => r.name.toLowerCase() === wanted);
      const named = `@${entry.mention.name}`;
      if (matches.length !== 1) {
        if (matches.length === 0) unmatched.add(named);
        problem(
          at,
          matches.length === 0
            ? `no role ${roleId} or named ${named} in this server`
            : `${matches.length} roles are named ${named} here: put the id of the one to ping in the file`,
        );
        return undefined;
      }
      mappedFrom = roleId;
      roleId = (matches[0] as { id: string }).id;
    }
    try {
      if (!deps.mention) throw new UserError('role pings are not available here.', 'mention');
      return {
        mention: await deps.mention(guildId, roleId, channelId),
        ...(mappedFrom ? { mappedFrom } : {}),
      };
    } catch (error) {
      if (!isUserError(error)) throw error;
      problem(at, error.message);
      return undefined;
    }
  }

  /** when, timezone and themes checked as /schedule add checks them; undefined when one fails. */
  async function resolveEntry(
    entry: FileEntry,
    base: PathSegment[],
    library: Library,
    problem: (path: PathSegment[], message: string) => void,
  ): Promise<Omit<Resolved, 'channelId' | 'channelName' | 'mappedFrom'> | undefined> {
    let ok = true;
    let timing: ReturnType<typeof checkWhen> | undefined;
    try {
      timing = checkWhen(entry.when, entry.timezone, {
        now: now(),
        minIntervalMinutes: deps.minIntervalMinutes,
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      problem([...base, error.option === 'timezone' ? 'timezone' : 'when'], error.message);
      ok = false;
    }
    const themes: string[] = [];
    for (const [j, typed] of entry.themes.entries()) {
      const id = themeId(typed, library);
      if (id === undefined) {
        problem(
          [...base, 'themes', j],
          `unknown theme "${typed}"; theme ids: ${library.themes.map((t) => t.id).join(', ')}`,
        );
        ok = false;
      } else if (!themes.includes(id)) themes.push(id);
    }
    if (!ok || !timing) return undefined;
    return {
      ...(entry.id ? { id: entry.id } : {}),
      when: timing.label,
      cron: timing.cron,
      timezone: timing.timeZone,
      themes,
      format: entry.format,
      skipIfEmpty: entry.skip_if_empty,
      paused: entry.paused,
    };
  }
}
