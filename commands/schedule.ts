import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
} from 'discord.js';
import { z } from 'zod';
import { FORMATS, type ScheduleInput, type ScheduleService, StoreError } from '../src/digest/index.js';
import {
  channelMention,
  nextRunsText,
  publicReason,
  type Reader,
  readerIn,
  savedEmbed,
  schedulePage,
} from '../src/digest/views.js';
import { timeZones } from '../src/digest/zoned.js';
import { UserError } from '../src/errors.js';
import { canManageGuild } from '../src/permissions.js';
import { type Candidate, rankChoices } from '../src/render/choices.js';
import { parsePage } from '../src/render/custom-id.js';
import { escapeInline } from '../src/render/escape.js';
import type { Reply } from '../src/render/index.js';
import { pageButtons, pageLabel } from '../src/render/pagination.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../src/render/style.js';
import { discordTimestamp } from '../src/render/timestamps.js';
import type { Command, CommandContext } from './index.js';

const channel = z.object(
  { id: z.string().min(1), name: z.string().optional() },
  { error: 'must be a channel' },
);
const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
const id = text(20);
const setting = {
  when: text(100),
  timezone: text(64),
  themes: z.string({ error: 'must be text' }).trim().max(300, 'must be at most 300 characters'),
  format: z.enum(FORMATS, { error: 'must be brief or full' }),
  skip_if_empty: z.boolean({ error: 'must be true or false' }),
};

const options = z.discriminatedUnion('subcommand', [
  z.strictObject({
    subcommand: z.literal('add'),
    channel,
    when: setting.when,
    timezone: setting.timezone.optional(),
    themes: setting.themes.optional(),
    format: setting.format.default('brief'),
    skip_if_empty: setting.skip_if_empty.default(true),
  }),
  z.strictObject({ subcommand: z.literal('list') }),
  z.strictObject({
    subcommand: z.literal('edit'),
    id,
    channel: channel.optional(),
    when: setting.when.optional(),
    timezone: setting.timezone.optional(),
    themes: setting.themes.optional(),
    format: setting.format.optional(),
    skip_if_empty: setting.skip_if_empty.optional(),
  }),
  ...(['remove', 'pause', 'resume', 'preview', 'run-now'] as const).map((name) =>
    z.strictObject({ subcommand: z.literal(name), id }),
  ),
]);

type Options = z.infer<typeof options>;

const idOption: APIApplicationCommandBasicOption = {
  type: ApplicationCommandOptionType.String,
  name: 'id',
  description: 'The schedule (see /schedule list)',
  required: true,
  autocomplete: true,
  max_length: 20,
};

const settingOptions = (required: boolean): APIApplicationCommandBasicOption[] => [
  {
    type: ApplicationCommandOptionType.Channel,
    name: 'channel',
    description: 'Where the digest is posted',
    required,
    channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'when',
    description: 'daily 08:00, weekdays 07:30, weekly mon 09:00, or a 5-field cron',
    required,
    max_length: 100,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'timezone',
    description: 'IANA time zone, e.g. Europe/Brussels (default from the bot settings)',
    autocomplete: true,
    max_length: 64,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'themes',
    description: 'Comma-separated theme ids (all themes when empty)',
    max_length: 300,
  },
  {
    type: ApplicationCommandOptionType.String,
    name: 'format',
    description: 'brief (default) or full',
    choices: FORMATS.map((f) => ({ name: f, value: f })),
  },
  {
    type: ApplicationCommandOptionType.Boolean,
    name: 'skip_if_empty',
    description: 'Post nothing when nothing matches (default true)',
  },
];

const sub = (
  name: string,
  description: string,
  opts: APIApplicationCommandBasicOption[] = [idOption],
): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name,
  description,
  options: opts,
});

const MANAGE_GUILD = PermissionFlagsBits.ManageGuild;

/** The registry refuses non-admins too; a guild may override default_member_permissions, so check here as well. */
function services(ctx: CommandContext): { schedules: ScheduleService; guildId: string } {
  if (ctx.guildId === null) throw new UserError('/schedule works only inside a server.');
  if (!canManageGuild(ctx.memberPermissions)) {
    throw new UserError('/schedule is for members with the Manage Server permission. Ask a server admin.');
  }
  const schedules = ctx.services.schedules;
  if (!schedules) throw new UserError('Schedules are not available in this session.');
  return { schedules, guildId: ctx.guildId };
}

/** The one place the comma-separated option is split; the service resolves the parts. */
const themesList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);

/** Room for the lines of one page inside the 4,096-character description, with the header. */
const LIST_BUDGET = 3600;

/** One page of /schedule list: every schedule is reachable with the page buttons. */
async function listPage(schedules: ScheduleService, guildId: string, page: number, ctx: CommandContext) {
  const views = await schedules.list(guildId);
  if (!views.length) {
    return reply([
      {
        title: 'No schedules yet',
        description: 'Add one with `/schedule add channel:#briefings when:"daily 08:00"`.',
        color: BRAND_COLOUR,
      },
    ]);
  }
  const reader = readerIn(guildId, ctx.services.status);
  const shown = schedulePage(views, page, { budget: LIST_BUDGET, library: ctx.library, ...reader });
  const { maxPerGuild } = schedules.limits;
  const failing = shown.failing ? `**${shown.failing} failing**, listed first.\n\n` : '';
  return {
    ...reply([
      {
        title: `Schedules in this server (${views.length} of at most ${maxPerGuild})`,
        description: `${failing}${shown.text}`,
        color: shown.failing ? ERROR_COLOUR : BRAND_COLOUR,
        footer: {
          text: `${shown.pageCount > 1 ? `${pageLabel(shown.page, shown.pageCount)} · ` : ''}/schedule preview id:<id> shows what a schedule will post`,
        },
      },
    ]),
    components: pageButtons('schedule', shown.page, shown.pageCount, String),
  };
}

const reply = (embed: Reply['embeds'], content?: string): Reply => ({
  ...(content ? { content } : {}),
  ...(embed ? { embeds: embed } : {}),
  ephemeral: true,
});

/** A store failure is the admin's business too: say what failed instead of a bare apology. */
const execute = (ctx: CommandContext, opts: Options): Promise<Reply> =>
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

async function run(ctx: CommandContext, opts: Options): Promise<Reply> {
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
      };
      const saved = await schedules.add(guildId, ctx.userId, input, ctx.library);
      return reply([
        savedEmbed(`Schedule ${saved.schedule.id} added`, saved, saved.notes, ctx.library, reader),
      ]);
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
      };
      if (Object.keys(patch).length === 0) {
        throw new UserError('say what to change: channel, when, timezone, themes, format or skip_if_empty.');
      }
      const saved = await schedules.edit(guildId, opts.id, patch, ctx.library);
      return reply([
        savedEmbed(`Schedule ${saved.schedule.id} updated`, saved, saved.notes, ctx.library, reader),
      ]);
    }
    case 'remove': {
      const removed = await schedules.remove(guildId, opts.id);
      return reply([
        {
          title: `Schedule ${removed.id} removed`,
          description: `No more ${escapeInline(removed.when)} (${removed.timezone}) digests in ${channelMention(removed)}.`,
          color: BRAND_COLOUR,
        },
      ]);
    }
    case 'pause':
    case 'resume': {
      const pause = opts.subcommand === 'pause';
      // Asked first so a repeated click says that nothing changed instead of confirming it again.
      const before = (await schedules.get(guildId, opts.id)).schedule.paused;
      const view = await schedules.setPaused(guildId, opts.id, pause);
      const s = view.schedule;
      const done =
        before === pause ? (pause ? 'was already paused' : 'was not paused') : pause ? 'paused' : 'resumed';
      return reply([
        {
          title: `Schedule ${s.id} ${done}`,
          description: s.paused
            ? `No digests in ${channelMention(s)} until \`/schedule resume id:${s.id}\`.`
            : `Next runs in ${channelMention(s)}:\n${nextRunsText(view.nextRuns)}`,
          color: BRAND_COLOUR,
        },
      ]);
    }
    case 'preview': {
      const preview = await schedules.preview(guildId, opts.id, ctx.library);
      const s = preview.schedule;
      if (s.paused) {
        const paused = `schedule ${s.id} is paused, so nothing is posted in ${channelMention(s)}.`;
        return preview.reply
          ? reply(
              preview.reply.embeds,
              `Preview: ${paused} Once resumed (\`/schedule resume id:${s.id}\`), its next digest would look like this.`,
            )
          : reply(
              undefined,
              `S${paused.slice(1)} Once resumed, its next run would post nothing either: nothing matches and skip_if_empty is on.`,
            );
      }
      const when = preview.at
        ? `${discordTimestamp(preview.at, 'F')} (${discordTimestamp(preview.at, 'R')})`
        : 'its next run';
      if (!preview.reply) {
        return reply(
          undefined,
          `Nothing would be posted in ${channelMention(s)} at ${when}: nothing matches and skip_if_empty is on.`,
        );
      }
      return reply(preview.reply.embeds, `Preview: ${channelMention(s)} receives this at ${when}.`);
    }
    case 'run-now': {
      const outcome = await schedules.runNow(guildId, opts.id, ctx.library);
      const s = (await schedules.get(guildId, opts.id)).schedule;
      const where = channelMention(s);
      const why = outcome.reason ?? outcome.status;
      const reason = escapeInline(reader.operator ? why : publicReason(why));
      if (outcome.retryable) {
        throw new UserError(
          `the digest was not posted in ${where}: ${reason}. This is usually passing trouble on Discord's side or the network; run \`/schedule run-now id:${s.id}\` again to retry (a retry never posts twice).`,
        );
      }
      const text =
        outcome.replayed && outcome.status === 'sent'
          ? `Already posted in ${where} less than a minute ago: a repeat within a minute is the same run, so nothing new was posted. Run it again after a minute for a new digest.`
          : outcome.status === 'sent'
            ? `✅ Digest posted in ${where}.`
            : outcome.status === 'empty'
              ? `⏭️ Nothing to post in ${where}: nothing matches and skip_if_empty is on.`
              : `❌ Not posted in ${where}: ${reason}.`;
      return reply(undefined, text);
    }
  }
}

// The same few hundred zones on every keystroke: built (and their keys folded) once per default.
const zoneLists = new Map<string, readonly Candidate[]>();
function zoneCandidates(fallback: string | undefined): readonly Candidate[] {
  const key = fallback ?? '';
  let list = zoneLists.get(key);
  if (!list) {
    const zones = timeZones();
    const ordered = fallback ? [fallback, ...zones.filter((z) => z !== fallback)] : zones;
    list = ordered.map((zone) => ({
      name: zone.replace(/_/g, ' '),
      value: zone,
      keys: [zone, zone.replace(/_/g, ' ')],
    }));
    zoneLists.set(key, list);
  }
  return list;
}

async function autocomplete(
  ctx: CommandContext,
  focused: { name: string; value: string },
): Promise<APIApplicationCommandOptionChoice[]> {
  if (focused.name === 'timezone') {
    return rankChoices(zoneCandidates(ctx.services.schedules?.limits.defaultTimezone), focused.value);
  }
  if (focused.name === 'id') {
    const schedules = ctx.services.schedules;
    if (!schedules || ctx.guildId === null) return [];
    const guildId = ctx.guildId;
    // Next runs are not shown in a choice: no need to compute them per keystroke.
    const list = schedules.schedules
      ? await schedules.schedules(guildId)
      : (await schedules.list(guildId)).map((v) => v.schedule);
    return rankChoices(
      list.map((s) => ({
        name: `${s.id} · ${s.when} (${s.timezone}) · #${s.channelName ?? s.channelId}${s.paused ? ' · paused' : ''}`,
        value: s.id,
        keys: [s.id, s.when, s.channelName ?? s.channelId],
      })),
      focused.value,
    );
  }
  return [];
}

export default {
  definition: {
    name: 'schedule',
    description: 'Scheduled "looking ahead" digests for this server (Manage Server)',
    default_member_permissions: String(MANAGE_GUILD),
    contexts: [InteractionContextType.Guild],
    options: [
      sub('add', 'Post a digest on a schedule', settingOptions(true)),
      sub('list', 'Every schedule of this server, with next run and last outcome', []),
      sub('edit', 'Change a schedule', [idOption, ...settingOptions(false)]),
      sub('remove', 'Delete a schedule'),
      sub('pause', 'Stop a schedule until resumed'),
      sub('resume', 'Start a paused schedule again'),
      sub('preview', 'Show exactly what the next run would post, and when'),
      sub('run-now', 'Post the digest now'),
    ],
  },
  options,
  admin: true,
  execute,
  autocomplete,
  buttons: {
    // The registry checks admin for buttons of admin commands; the guild comes from the click itself.
    async page(ctx, state) {
      const page = parsePage(state);
      if (page === undefined) throw new UserError('This button is not valid. Run /schedule list again.');
      const { schedules, guildId } = services(ctx);
      return guarded(readerIn(guildId, ctx.services.status), () => listPage(schedules, guildId, page, ctx));
    },
  },
} satisfies Command<typeof options>;
