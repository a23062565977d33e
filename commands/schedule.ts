import { type APIApplicationCommandOptionChoice, ChannelType } from 'discord.js';
import type { z } from 'zod';
import { FORMATS, type ScheduleInput, type ScheduleService, StoreError } from '../src/digest/index.js';
import { UserError } from '../src/errors.js';
import { rankChoices } from '../src/options/choices.js';
import { customId, decodeState, encodeState, parsePage } from '../src/options/custom-id.js';
import { attachment, channel, choice, flag, role, subcommands, text } from '../src/options/index.js';
import { scheduleCandidates, themesList, zoneCandidates } from '../src/options/schedules.js';
import type { Reply } from '../src/render/index.js';
import { renderAlerts } from '../src/render/views/alerts.js';
import { renderHistory } from '../src/render/views/history.js';
import {
  renderPaused,
  renderPreview,
  renderRemoved,
  renderRun,
  renderSaved,
  renderScheduleList,
  retryAdvice,
} from '../src/render/views/schedule.js';
import { type Reader, readerIn } from '../src/render/views/schedules.js';
import {
  renderExport,
  renderImportCancelled,
  renderImportExpired,
  renderImported,
  renderImportPreview,
  renderImportProblems,
} from '../src/render/views/transfer.js';
import type { AdminContext, Command } from './index.js';

/** What add sets and edit changes: add requires a channel and a time; edit changes what is given. */
const setting = {
  channel: {
    description:
      'Where the digest is posted: a text, announcement (published) or forum channel (one post each)',
    types: [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum],
  },
  when: { description: 'daily 08:00, weekdays 07:30, weekly mon 09:00, or a 5-field cron', max: 100 },
  timezone: text({
    description: 'IANA time zone, e.g. Europe/Brussels (default from the bot settings)',
    max: 64,
    autocomplete: true,
  }),
  themes: text({
    description: 'Comma-separated theme ids (all themes when empty)',
    max: 300,
    blank: 'allowed',
  }),
  format: { description: 'brief (default) or full' },
  skipIfEmpty: { description: 'Post nothing when nothing matches (default true)' },
  tags: text({
    description: "Forum channels: comma-separated names of the forum's tags for each post",
    max: 300,
    blank: 'allowed',
  }),
  thread: { description: 'Start a discussion thread from each digest (text and announcement channels)' },
  mention: role({
    description: 'A role each digest pings (never @everyone); members join it with its Notify me button',
  }),
} as const;

const id = text({
  description: 'The schedule (see /schedule list)',
  max: 20,
  required: true,
  autocomplete: true,
});
const byId = (description: string) => ({ description, options: { id } });

const input = subcommands({
  add: {
    description: 'Post a digest on a schedule',
    options: {
      channel: channel({ ...setting.channel, required: true }),
      when: text({ ...setting.when, required: true }),
      timezone: setting.timezone,
      themes: setting.themes,
      format: choice(FORMATS, { ...setting.format, default: 'brief' }),
      skip_if_empty: flag({ ...setting.skipIfEmpty, default: true }),
      tags: setting.tags,
      thread: flag(setting.thread),
      mention: setting.mention,
    },
  },
  list: { description: 'Every schedule of this server, with next run and last outcome', options: {} },
  edit: {
    description: 'Change a schedule',
    options: {
      id,
      channel: channel(setting.channel),
      when: text(setting.when),
      timezone: setting.timezone,
      themes: setting.themes,
      format: choice(FORMATS, setting.format),
      skip_if_empty: flag(setting.skipIfEmpty),
      tags: setting.tags,
      thread: flag(setting.thread),
      mention: setting.mention,
      no_mention: flag({ description: 'Stop pinging a role' }),
    },
  },
  remove: byId('Delete a schedule'),
  pause: byId('Stop a schedule until resumed'),
  resume: byId('Start a paused schedule again'),
  preview: byId('Show exactly what the next run would post, and when'),
  'run-now': byId('Post the digest now'),
  alerts: {
    description: 'Where to announce a schedule that starts failing, and its recovery',
    options: {
      channel: channel({
        description: 'The channel told when a schedule fails and recovers',
        types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
      }),
      off: flag({ description: 'Stop announcing failures' }),
    },
  },
  history: byId('The last 25 runs of a schedule: when, how each went, a link to the digest'),
  export: { description: "This server's schedules as a YAML file (a backup, or to copy them)", options: {} },
  import: {
    description: 'Add or update schedules from an exported YAML file, after a preview',
    options: { file: attachment({ description: 'The .yaml file from /schedule export', required: true }) },
  },
});

type Options = z.infer<typeof input.schema>;

/** Forum tag names as typed, comma-separated; blank clears them. */
const tagList = (typed: string): string[] =>
  typed
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function services(ctx: AdminContext): { schedules: ScheduleService; guildId: string } {
  const schedules = ctx.services.schedules;
  if (!schedules) throw new UserError('Schedules are not available in this session.');
  return { schedules, guildId: ctx.guildId };
}

/** A page button carries its page number. */
const pageId = (page: number): string => customId('schedule', 'page', String(page));

async function listPage(schedules: ScheduleService, guildId: string, page: number, ctx: AdminContext) {
  return renderScheduleList({
    views: await schedules.list(guildId),
    page,
    maxPerGuild: schedules.limits.maxPerGuild,
    library: ctx.library,
    reader: readerIn(guildId, ctx.services.status),
    pageId,
  });
}

/** A store failure is the admin's business too: say what failed instead of a bare apology. */
const execute = (ctx: AdminContext, opts: Options): Promise<Reply> =>
  guarded(readerIn(ctx.guildId, ctx.services.status), () => run(ctx, opts));

async function guarded(reader: Reader, work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) {
      // The store's own error names the operator's hosts: only the operator's server sees it.
      const what = reader.operator ? ` (${error.message})` : '';
      throw new UserError(
        `the schedule store failed${what}. Check /schedule list before trying again; if it keeps failing, tell the bot operator.`,
      );
    }
    throw error;
  }
}

async function run(ctx: AdminContext, opts: Options): Promise<Reply> {
  const { schedules, guildId } = services(ctx);
  const reader = readerIn(guildId, ctx.services.status);
  switch (opts.subcommand) {
    case 'add': {
      const input: ScheduleInput = {
        channelId: opts.channel.id,
        ...(opts.channel.name ? { channelName: opts.channel.name } : {}),
        when: opts.when,
        timezone: opts.timezone ?? schedules.limits.defaultTimezone,
        themes: themesList(opts.themes) ?? [],
        format: opts.format,
        skipIfEmpty: opts.skip_if_empty,
        ...(opts.tags !== undefined ? { tags: tagList(opts.tags) } : {}),
        ...(opts.thread !== undefined ? { thread: opts.thread } : {}),
        ...(opts.mention !== undefined ? { mention: { roleId: opts.mention } } : {}),
      };
      return renderSaved(
        'added',
        await schedules.add(guildId, ctx.userId, input, ctx.library),
        ctx.library,
        reader,
      );
    }
    case 'list':
      return listPage(schedules, guildId, 0, ctx);
    case 'edit': {
      const themes = themesList(opts.themes);
      const patch: Partial<ScheduleInput> = {
        ...(opts.channel
          ? { channelId: opts.channel.id, ...(opts.channel.name ? { channelName: opts.channel.name } : {}) }
          : {}),
        ...(opts.when !== undefined ? { when: opts.when } : {}),
        ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
        ...(themes !== undefined ? { themes } : {}),
        ...(opts.format !== undefined ? { format: opts.format } : {}),
        ...(opts.skip_if_empty !== undefined ? { skipIfEmpty: opts.skip_if_empty } : {}),
        ...(opts.tags !== undefined ? { tags: tagList(opts.tags) } : {}),
        ...(opts.thread !== undefined ? { thread: opts.thread } : {}),
        ...(opts.mention !== undefined ? { mention: { roleId: opts.mention } } : {}),
        ...(opts.no_mention === true ? { mention: null } : {}),
      };
      if (opts.mention !== undefined && opts.no_mention === true) {
        throw new UserError('say either mention or no_mention, not both.');
      }
      if (Object.keys(patch).length === 0) {
        throw new UserError(
          'say what to change: channel, when, timezone, themes, format, skip_if_empty, tags, thread, mention or no_mention.',
        );
      }
      return renderSaved(
        'updated',
        await schedules.edit(guildId, opts.id, patch, ctx.library),
        ctx.library,
        reader,
      );
    }
    case 'remove':
      return renderRemoved(await schedules.remove(guildId, opts.id));
    case 'pause':
    case 'resume': {
      const pause = opts.subcommand === 'pause';
      // Asked first so a repeated click says that nothing changed instead of confirming it again.
      const wasPaused = (await schedules.get(guildId, opts.id)).schedule.paused;
      return renderPaused(await schedules.setPaused(guildId, opts.id, pause), pause, wasPaused);
    }
    case 'preview':
      return renderPreview(await schedules.preview(guildId, opts.id, ctx.library));
    case 'alerts': {
      if (!schedules.setAlerts) throw new UserError('Alerts are not available in this session.');
      if ((opts.channel === undefined) === (opts.off !== true)) {
        throw new UserError('say where to announce failures with channel:#…, or stop with off:true.');
      }
      const target = opts.channel
        ? { id: opts.channel.id, ...(opts.channel.name ? { name: opts.channel.name } : {}) }
        : null;
      return renderAlerts(await schedules.setAlerts(guildId, target));
    }
    case 'history':
      return historyPage(ctx, opts.id, 0);
    case 'export':
      return renderExport(await schedules.exportFile(guildId));
    case 'import':
      return importPreview(ctx, opts.file.content);
    case 'run-now': {
      const outcome = await schedules.runNow(guildId, opts.id, ctx.library);
      const s = (await schedules.get(guildId, opts.id)).schedule;
      if (outcome.retryable) throw new UserError(retryAdvice(outcome, s, reader));
      return renderRun(outcome, s, reader);
    }
  }
}

/** A history page button carries the schedule's id and the page. */
const historyPageId = (id: string) => (page: number) =>
  customId('schedule', 'history', encodeState([id, String(page)]));

async function historyPage(ctx: AdminContext, id: string, page: number): Promise<Reply> {
  const { schedules, guildId } = services(ctx);
  const history = await schedules.history(guildId, id);
  return renderHistory({
    history,
    page,
    reader: readerIn(guildId, ctx.services.status),
    pageId: historyPageId(history.schedule.id),
  });
}

/** The import waits in the store under its token; the buttons carry the token alone. */
async function importPreview(ctx: AdminContext, text: string): Promise<Reply> {
  const { schedules, guildId } = services(ctx);
  const checked = await schedules.prepareImport(guildId, ctx.userId, text, ctx.library);
  if (!checked.ok) return renderImportProblems(checked.problems, checked.unmatched, MAX_PROBLEMS_SHOWN);
  return renderImportPreview({
    plan: checked.plan,
    countAfter: checked.countAfter,
    maxPerGuild: schedules.limits.maxPerGuild,
    expiresAt: checked.expiresAt,
    confirmId: customId('schedule', 'import-confirm', checked.token),
    cancelId: customId('schedule', 'import-cancel', checked.token),
  });
}

const MAX_PROBLEMS_SHOWN = 20;
const TOKEN = /^[0-9a-f]{16}$/;

async function autocomplete(
  ctx: AdminContext,
  focused: { name: string; value: string },
): Promise<APIApplicationCommandOptionChoice[]> {
  if (focused.name === 'timezone') {
    return rankChoices(zoneCandidates(ctx.services.schedules?.limits.defaultTimezone), focused.value);
  }
  if (focused.name === 'id') {
    const schedules = ctx.services.schedules;
    if (!schedules) return [];
    // Next runs are not shown in a choice: no need to compute them per keystroke.
    const list = schedules.schedules
      ? await schedules.schedules(ctx.guildId)
      : (await schedules.list(ctx.guildId)).map((v) => v.schedule);
    return rankChoices(scheduleCandidates(list), focused.value);
  }
  return [];
}

export default {
  definition: {
    name: 'schedule',
    description: 'Scheduled "looking ahead" digests for this server (Manage Server)',
    options: input.definition,
  },
  options: input.schema,
  admin: true,
  help: {
    order: 10,
    usage: '/schedule',
    summary:
      'posts a “looking ahead” digest to a channel on a schedule (add, list, edit, remove, pause, resume, preview, run-now, history, export, import): a text channel, an announcement channel (published), or a forum (one post each, with tags:); thread:on starts a discussion thread from each; mention:<role> pings that one role, which members join with 🔔 Notify me; alerts channel:#… announces a schedule that starts failing (with the fix) and its recovery, alerts off:true stops it',
    refusals:
      'Each refusal names the option and the fix. Channel: a text, announcement or forum channel (never a thread), with the permission I lack there named. Forum: a tag it requires or lacks (its tags are listed); thread:on is refused there. mention: never @everyone or @here, nor a role above mine, one with moderator or settings permissions, or one I cannot hand out without Manage Roles. when/timezone: a time the zone skips, runs closer than the minimum interval, an unknown zone. import: every problem with its line and field, and nothing applied; channels and roles matched neither by id nor by name are listed. A digest that fails later says why in /schedule list and /schedule history, and in the alerts channel once.',
  },
  execute,
  autocomplete,
  buttons: {
    // The guild comes from the click itself: an admin pages through their own server's schedules.
    async page(ctx, state) {
      const page = parsePage(state);
      if (page === undefined) throw new UserError('This button is not valid. Run /schedule list again.');
      const { schedules, guildId } = services(ctx);
      return guarded(readerIn(guildId, ctx.services.status), () => listPage(schedules, guildId, page, ctx));
    },
    async history(ctx, state) {
      const [id, part] = decodeState(state, 2) ?? [];
      const page = parsePage(part);
      if (!id || page === undefined)
        throw new UserError('This button is not valid. Run /schedule history again.');
      return guarded(readerIn(ctx.guildId, ctx.services.status), () => historyPage(ctx, id, page));
    },
    async 'import-confirm'(ctx, token) {
      if (!TOKEN.test(token)) throw new UserError('This button is not valid. Run /schedule import again.');
      const { schedules, guildId } = services(ctx);
      return guarded(readerIn(guildId, ctx.services.status), async () => {
        const outcome = await schedules.confirmImport(guildId, token);
        return outcome.status === 'applied' ? renderImported(outcome.applied) : renderImportExpired();
      });
    },
    async 'import-cancel'(ctx, token) {
      if (!TOKEN.test(token)) throw new UserError('This button is not valid. Run /schedule import again.');
      const { schedules, guildId } = services(ctx);
      return guarded(readerIn(guildId, ctx.services.status), async () =>
        (await schedules.cancelImport(guildId, token)) ? renderImportCancelled() : renderImportExpired(),
      );
    },
  },
} satisfies Command<typeof input.schema>;
