/**
 * The ScheduleService behind /schedule: guard rails (when, zone, interval, cap, themes, channel),
 * persistence, and keeping the scheduler's tasks in step so every change takes effect at once.
 * Every method is scoped to one guild; an id from another guild is simply not found.
 */
import { randomInt } from 'node:crypto';
import type { Library } from '../briefings/index.js';
import { UserError } from '../errors.js';
import { escapeInline } from '../render/escape.js';
import { composeDigest } from './compose.js';
import {
  ALERT_CHANNELS,
  type ChannelCheck,
  type ChannelKind,
  DeliveryError,
  DIGEST_CHANNELS,
  type ForumTag,
  type Poster,
  type Preview,
  ROLE_ELEVATED,
  type RunOutcome,
  type Schedule,
  type ScheduleService,
  type ScheduleView,
  StoreError,
  wrongKind,
} from './index.js';
import { markerFor, nonceFor, runKey } from './ledger.js';
import { createSlotRunner, type RunDeps, type SlotRunner } from './run.js';
import type { Scheduler } from './scheduler.js';
import { createTransferMethods } from './service-transfer.js';
import type { Store } from './store.js';
import { checkWhen, compileRule } from './when.js';

interface ServiceDeps {
  store: Store;
  poster: Poster;
  scheduler: Pick<Scheduler, 'sync' | 'remove'>;
  now: () => Date;
  library: () => Library;
  minIntervalMinutes: number;
  maxPerGuild: number;
  defaultTimezone: string;
  log?: RunDeps['log'];
  locale?: string;
  /** The runner the scheduler uses too, so run-now shares its record of runs in flight. */
  run?: SlotRunner;
}

/** Discord's limit of tags on one forum post. */
const MAX_TAGS = 5;

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

const newId = (taken: ReadonlySet<string>): string => {
  for (;;) {
    let id = '';
    for (let i = 0; i < 6; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    if (!taken.has(id)) return id;
  }
};

/** Theme ids from what the admin typed (ids or labels, already split); unknown ones named. */
function resolveThemes(wanted: readonly string[], library: Library): string[] {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const typed of wanted) {
    const folded = typed.trim().toLowerCase();
    if (!folded) continue;
    const theme =
      library.theme(folded) ??
      library.themes.find((t) => t.label.toLowerCase() === folded || t.id === folded);
    if (theme) {
      if (!ids.includes(theme.id)) ids.push(theme.id);
    } else unknown.push(typed);
  }
  if (unknown.length) {
    const known = library.themes.map((t) => t.id).join(', ');
    throw new UserError(
      `unknown theme ${unknown.map((u) => `"${escapeInline(u)}"`).join(', ')}. Theme ids: ${known}.`,
      'themes',
    );
  }
  return ids;
}

export function createScheduleService(deps: ServiceDeps): ScheduleService {
  const { store, poster, scheduler, now } = deps;
  const limits = {
    minIntervalMinutes: deps.minIntervalMinutes,
    maxPerGuild: deps.maxPerGuild,
    defaultTimezone: deps.defaultTimezone,
  };
  const run =
    deps.run ??
    createSlotRunner({
      store,
      poster,
      now,
      library: deps.library,
      log: deps.log,
      ...(deps.locale ? { locale: deps.locale } : {}),
    });
  const notFound = (id: string): UserError =>
    new UserError(`no schedule "${escapeInline(id)}" in this server. See /schedule list.`, 'id');

  const view = (schedule: Schedule): ScheduleView => ({
    schedule,
    nextRuns: schedule.paused ? [] : compileRule(schedule.cron, schedule.timezone).nextN(now(), 3),
  });

  /** Ids are shown in lower case; what an admin types is matched the same way. */
  const idOf = (typed: string): string => typed.trim().toLowerCase();
  const find = async (guildId: string, id: string): Promise<Schedule> => {
    const wanted = idOf(id);
    const schedule = (await store.readGuild(guildId)).find((s) => s.id === wanted);
    if (!schedule) throw notFound(id);
    return schedule;
  };

  const checkChannel = async (
    guildId: string,
    channelId: string,
    needs: { thread?: boolean; kinds: readonly ChannelKind[] },
  ): Promise<Extract<ChannelCheck, { ok: true }>> => {
    const check = needs.thread
      ? await poster.check(guildId, channelId, { thread: true })
      : await poster.check(guildId, channelId);
    if (check.ok) {
      // Discord's option offers only these kinds; an id typed or sent past it is checked here.
      if (check.kind && !needs.kinds.includes(check.kind)) {
        throw new UserError(wrongKind(check.kind, needs.kinds), 'channel');
      }
      return check;
    }
    if (check.reason === 'channel-gone') {
      throw new UserError('I cannot see that channel. Pick a text channel of this server.', 'channel');
    }
    throw new UserError(
      `I am missing ${check.missing.join(', ')} in <#${channelId}>. Grant ${check.missing.length > 1 ? 'them' : 'it'} to the bot (channel settings → Permissions) and try again.`,
      'channel',
    );
  };

  /**
   * A change saved for an admin who waits for the answer. The store has already retried a lost
   * connection; what still fails is said plainly, and truthfully: the write may or may not have
   * landed before the connection went.
   */
  const save = async <T>(
    guildId: string,
    change: (list: Schedule[]) => { schedules: Schedule[]; result: T },
  ): Promise<T> => {
    try {
      return await store.updateGuild(guildId, change);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      deps.log?.error({ err: error, guildId }, 'could not save a schedule change');
      throw new UserError(
        // The store's own error names the operator's hosts; it is in the log, written just above.
        "the schedule store did not take the change (details in the bot's log). It may not have been saved: check /schedule list, then try again.",
      );
    }
  };

  /** Replaces one schedule inside the guild record; not found if it is not there (or vanished). */
  const replace = (guildId: string, id: string, change: (s: Schedule) => Schedule): Promise<Schedule> =>
    save(guildId, (list) => {
      const current = list.find((s) => s.id === idOf(id));
      if (!current) throw notFound(id);
      const next = change(current);
      return { schedules: list.map((s) => (s.id === id ? next : s)), result: next };
    });

  /**
   * The tags and thread a schedule keeps on its channel: tags only in a forum (named ones of its
   * own, one at least when it requires it), a thread only elsewhere. A thread kept from before
   * (`inherited`) is dropped quietly on a move to a forum; one asked for there is refused.
   */
  const targetOf = async (
    guildId: string,
    channelId: string,
    wanted: { tags: string[] | undefined; thread: boolean | 'inherited' },
  ): Promise<{ tags: ForumTag[]; thread: boolean }> => {
    const check = await checkChannel(guildId, channelId, {
      thread: wanted.thread !== false,
      kinds: DIGEST_CHANNELS,
    });
    const typed = (wanted.tags ?? []).map((t) => t.trim()).filter(Boolean);
    if (check.kind !== 'forum') {
      if (typed.length) {
        throw new UserError('tags are for forum channels: leave them out, or pick a forum channel.', 'tags');
      }
      return { tags: [], thread: wanted.thread !== false };
    }
    if (wanted.thread === true) {
      throw new UserError(
        'a forum post is its own thread already: thread is for text and announcement channels.',
        'thread',
      );
    }
    const available = check.forum?.tags ?? [];
    const names = available.map((t) => `"${escapeInline(t.name)}"`).join(', ') || 'none';
    const tags: ForumTag[] = [];
    const unknown: string[] = [];
    for (const name of typed) {
      const tag = available.find((t) => t.id === name || t.name.toLowerCase() === name.toLowerCase());
      if (!tag) unknown.push(name);
      else if (!tags.includes(tag)) tags.push(tag);
    }
    if (unknown.length) {
      throw new UserError(
        `the forum has no tag ${unknown.map((u) => `"${escapeInline(u)}"`).join(', ')}. Its tags: ${names}.`,
        'tags',
      );
    }
    if (tags.length > MAX_TAGS) throw new UserError(`a forum post carries at most ${MAX_TAGS} tags.`, 'tags');
    if (check.forum?.requireTag && tags.length === 0) {
      throw new UserError(`this forum requires a tag on each post: add tags with one of ${names}.`, 'tags');
    }
    return { tags, thread: false };
  };

  /**
   * The role a digest may ping, by id, named: never @everyone (or @here), and only one the bot can
   * hand out with the Notify me button and ping in the channel; what stops it is said with its fix.
   */
  const mentionOf = async (
    guildId: string,
    roleId: string,
    channelId: string,
  ): Promise<{ roleId: string; name: string }> => {
    if (roleId === guildId || /^@?(everyone|here)$/i.test(roleId)) {
      throw new UserError(
        'a digest never pings @everyone or @here: pick a role that members join themselves (with the 🔔 Notify me button under each digest).',
        'mention',
      );
    }
    if (!poster.roleCheck) throw new UserError('role pings are not available here.', 'mention');
    const check = await poster.roleCheck(guildId, roleId, channelId);
    if (check.ok) return { roleId, name: check.name };
    if (check.reason === 'role-gone') {
      throw new UserError('I cannot find that role in this server. Pick one of its roles.', 'mention');
    }
    throw new UserError(
      `I cannot ping @${escapeInline(check.name)} with a 🔔 Notify me button: ${check.problems.join('; ')}. Then try again.`,
      'mention',
    );
  };

  return {
    limits,

    async toggleNotify(guildId, userId, roleId) {
      const mention = (await store.readGuild(guildId)).find((s) => s.mention?.roleId === roleId)?.mention;
      if (!mention) {
        throw new UserError(
          'no digest of this server pings that role any more, so this button does nothing.',
        );
      }
      if (!poster.toggleRole) throw new UserError('roles cannot be given here.');
      try {
        return { joined: await poster.toggleRole(guildId, userId, roleId), name: mention.name };
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        const name = `@${escapeInline(mention.name)}`;
        throw new UserError(
          error.code === 10011
            ? `${name} no longer exists. An admin can pick another role with /schedule edit mention.`
            : error.code === ROLE_ELEVATED
              ? `${name} is not given out by this button: ${error.message}, which any member could take. An admin can pick a role without them with /schedule edit mention.`
              : `I may not give or take ${name}. An admin must give me Manage Roles and put my role above ${name} (Server Settings → Roles).`,
        );
      }
    },

    async setAlerts(guildId, channel) {
      if (channel) await checkChannel(guildId, channel.id, { kinds: ALERT_CHANNELS });
      const alerts = channel
        ? { channelId: channel.id, ...(channel.name ? { channelName: channel.name } : {}) }
        : undefined;
      return save(guildId, (list) => {
        if (list.length === 0) {
          throw new UserError(
            'alerts are about schedules, and this server has none yet: add one with /schedule add first.',
          );
        }
        // The state is announced from now on: a schedule failing already is announced at its next run.
        const schedules = list.map((s) => {
          const { alerts: _old, alerted: _state, alertPending: _claim, ...rest } = s;
          return alerts ? { ...rest, alerts } : rest;
        });
        return {
          schedules,
          result: { ...(alerts ?? {}), count: schedules.length },
        };
      });
    },

    async notifyRoles(guildId) {
      const roles = new Map<string, string>();
      for (const s of await store.readGuild(guildId))
        if (s.mention) roles.set(s.mention.roleId, s.mention.name);
      return [...roles].map(([roleId, name]) => ({ roleId, name }));
    },

    async list(guildId) {
      return (await store.readGuild(guildId)).map(view);
    },

    schedules: (guildId) => store.readGuild(guildId),

    async get(guildId, id) {
      return view(await find(guildId, id));
    },

    async add(guildId, userId, input, library) {
      // The cap is checked in the change itself, on the record as it is then: no read ahead of it.
      const checked = checkWhen(input.when, input.timezone, {
        now: now(),
        minIntervalMinutes: deps.minIntervalMinutes,
      });
      const themes = resolveThemes(input.themes, library);
      const target = await targetOf(guildId, input.channelId, {
        tags: input.tags,
        thread: input.thread === true,
      });
      const mention = input.mention
        ? await mentionOf(guildId, input.mention.roleId, input.channelId)
        : undefined;
      const stamp = now().toISOString();
      const schedule = await save(guildId, (list) => {
        // Under the guild's lock and compare-and-set: two concurrent adds cannot both pass the cap.
        if (list.length >= deps.maxPerGuild) {
          throw new UserError(
            `this server already has ${list.length} schedules, the limit is ${deps.maxPerGuild}. Remove one with /schedule remove first.`,
          );
        }
        const created: Schedule = {
          id: newId(new Set(list.map((s) => s.id))),
          guildId,
          channelId: input.channelId,
          ...(input.channelName ? { channelName: input.channelName } : {}),
          when: checked.label,
          cron: checked.cron,
          timezone: checked.timeZone,
          themes,
          format: input.format,
          skipIfEmpty: input.skipIfEmpty,
          ...(target.tags.length ? { tags: target.tags } : {}),
          ...(target.thread ? { thread: true } : {}),
          ...(mention ? { mention } : {}),
          // The server's alert channel covers every schedule, this one too.
          ...(list[0]?.alerts ? { alerts: list[0].alerts } : {}),
          paused: false,
          createdBy: userId,
          createdAt: stamp,
          updatedAt: stamp,
          activeSince: stamp,
          health: { status: 'ok' },
        };
        return { schedules: [...list, created], result: created };
      });
      scheduler.sync(schedule);
      return { ...view(schedule), notes: checked.notes };
    },

    async edit(guildId, id, patch, library) {
      // No read ahead of the change: the change itself finds the schedule (or says it is not
      // found), and each read is a round trip to the store.
      const timingChanged = patch.when !== undefined || patch.timezone !== undefined;
      const themes = patch.themes !== undefined ? resolveThemes(patch.themes, library) : undefined;
      // Tags and the thread depend on the channel: checked on the one the schedule will have.
      const retarget =
        patch.channelId !== undefined || patch.tags !== undefined || patch.thread !== undefined
          ? await (async () => {
              const current = await find(guildId, id);
              const moved = patch.channelId !== undefined && patch.channelId !== current.channelId;
              return targetOf(guildId, patch.channelId ?? current.channelId, {
                tags: patch.tags ?? (moved ? undefined : current.tags?.map((t) => t.id)),
                thread: patch.thread ?? (current.thread === true ? 'inherited' : false),
              });
            })()
          : undefined;
      // A new role is checked in the channel the schedule will have; null stops the ping.
      const mention =
        patch.mention === undefined
          ? undefined
          : patch.mention === null
            ? null
            : await mentionOf(
                guildId,
                patch.mention.roleId,
                patch.channelId ?? (await find(guildId, id)).channelId,
              );
      const stamp = now().toISOString();
      let notes: string[] = [];
      // Computed on the record as it is under the guild's lock, not on the read above: another
      // admin's edit may have landed meanwhile (say, the zone), and a when checked against the old
      // zone would silently put it back.
      const updated = await replace(guildId, id, (s) => {
        const checked = timingChanged
          ? checkWhen(patch.when ?? s.when, patch.timezone ?? s.timezone, {
              now: now(),
              minIntervalMinutes: deps.minIntervalMinutes,
            })
          : undefined;
        notes = checked?.notes ?? [];
        const channelChanged = patch.channelId !== undefined && patch.channelId !== s.channelId;
        return {
          ...s,
          ...(patch.channelId !== undefined ? { channelId: patch.channelId } : {}),
          ...(patch.channelId !== undefined ? { channelName: patch.channelName } : {}),
          ...(checked
            ? { when: checked.label, cron: checked.cron, timezone: checked.timeZone, activeSince: stamp }
            : {}),
          ...(themes !== undefined ? { themes } : {}),
          ...(patch.format !== undefined ? { format: patch.format } : {}),
          ...(patch.skipIfEmpty !== undefined ? { skipIfEmpty: patch.skipIfEmpty } : {}),
          ...(retarget
            ? { tags: retarget.tags.length ? retarget.tags : undefined, thread: retarget.thread || undefined }
            : {}),
          ...(mention !== undefined ? { mention: mention ?? undefined } : {}),
          // A new channel starts healthy; the next run checks it again.
          ...(channelChanged ? { health: { status: 'ok' as const } } : {}),
          updatedAt: stamp,
        };
      });
      scheduler.sync(updated);
      return { ...view(updated), notes };
    },

    async remove(guildId, id) {
      const removed = await save(guildId, (list) => {
        const found = list.find((s) => s.id === idOf(id));
        if (!found) throw notFound(id);
        return { schedules: list.filter((s) => s !== found), result: found };
      });
      scheduler.remove(guildId, removed.id);
      try {
        await store.forgetSchedule(guildId, removed.id);
      } catch (error) {
        // The schedule is gone as asked; its old run records expire with the retention anyway.
        deps.log?.warn(
          { err: error, guildId, scheduleId: removed.id },
          'could not delete the run records of a removed schedule',
        );
      }
      return removed;
    },

    async setPaused(guildId, id, paused) {
      const current = await find(guildId, id);
      const stamp = now().toISOString();
      const updated = await replace(guildId, current.id, (s) =>
        s.paused === paused
          ? s
          : // Slots that passed while paused are not due: resuming starts afresh.
            { ...s, paused, updatedAt: stamp, ...(paused ? {} : { activeSince: stamp }) },
      );
      scheduler.sync(updated);
      return view(updated);
    },

    async preview(guildId, id, library): Promise<Preview> {
      const schedule = await find(guildId, id);
      const rule = compileRule(schedule.cron, schedule.timezone);
      const at = rule.next(now());
      const slot = at ?? now();
      const digest = composeDigest({
        library,
        schedule,
        slot,
        marker: markerFor(nonceFor(runKey(guildId, schedule.id, slot.toISOString()))),
        ...(deps.locale ? { locale: deps.locale } : {}),
      });
      return { schedule, at: schedule.paused ? undefined : at, reply: digest.reply, items: digest.items };
    },

    async runNow(guildId, id, library): Promise<RunOutcome> {
      const schedule = await find(guildId, id);
      return run(guildId, schedule.id, 'manual', { manual: true, library });
    },

    // history, export, import: see service-transfer.ts.
    ...createTransferMethods({
      store,
      poster,
      scheduler,
      now,
      minIntervalMinutes: deps.minIntervalMinutes,
      maxPerGuild: deps.maxPerGuild,
      newId,
      find,
      save,
      target: targetOf,
      mention: mentionOf,
      ...(poster.roles ? { roles: (guildId: string) => poster.roles?.(guildId) ?? Promise.resolve([]) } : {}),
    }),
  };
}
