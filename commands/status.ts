import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import { formatProblem } from '../src/briefings/index.js';
import type { ScheduleView } from '../src/digest/index.js';
import { formatUptime, scheduleField } from '../src/digest/views.js';
import { UserError } from '../src/errors.js';
import type { Reply } from '../src/render/index.js';
import { truncate } from '../src/render/limits.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../src/render/style.js';
import { discordTimestamp } from '../src/render/timestamps.js';
import type { Command, CommandContext } from './index.js';

const options = z.strictObject({});
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild;
/** Problems listed before "and N more"; the rest are in the logs and `npm run data:check`. */
const PROBLEMS_SHOWN = 5;

function dataField(ctx: CommandContext): { name: string; value: string } {
  const stats = ctx.library.stats;
  const data = ctx.services.status?.data();
  const loadedAt = data?.loadedAt ?? ctx.library.loadedAt;
  const lines = [
    `${stats.briefings} briefing${stats.briefings === 1 ? '' : 's'}${stats.drafts ? ` (+${stats.drafts} draft${stats.drafts === 1 ? '' : 's'})` : ''}, ${stats.themes} themes, ${stats.lookahead} looking-ahead items`,
    `Snapshot loaded ${discordTimestamp(loadedAt, 'f')} (${discordTimestamp(loadedAt, 'R')})`,
  ];
  if (data?.lastReloadAt && data.lastReloadAt.getTime() !== loadedAt.getTime()) {
    lines.push(`Last reload attempt ${discordTimestamp(data.lastReloadAt, 'R')}`);
  }
  const problems = data?.problems ?? [];
  if (problems.length) {
    lines.push(
      `⚠️ ${problems.length} problem${problems.length === 1 ? '' : 's'} in data/ (the last good snapshot is in use):`,
    );
    for (const p of problems.slice(0, PROBLEMS_SHOWN))
      lines.push(`• \`${truncate(formatProblem(p).replace(/`/g, "'"), 180)}\``);
    if (problems.length > PROBLEMS_SHOWN)
      lines.push(`…and ${problems.length - PROBLEMS_SHOWN} more (npm run data:check)`);
  } else if (data) {
    lines.push('No problems in data/.');
  }
  return { name: 'Data', value: truncate(lines.join('\n'), 1024) };
}

async function execute(ctx: CommandContext, _options: z.infer<typeof options>): Promise<Reply> {
  if (ctx.guildId === null) throw new UserError('/status works only inside a server.');
  if (ctx.memberPermissions === null || (ctx.memberPermissions & MANAGE_GUILD) !== MANAGE_GUILD) {
    throw new UserError('/status is for members with the Manage Server permission. Ask a server admin.');
  }
  const status = ctx.services.status;
  const schedules = ctx.services.schedules;
  const views: ScheduleView[] = schedules ? await schedules.list(ctx.guildId) : [];
  const failing = views.filter((v) => v.schedule.health.status === 'failing').length;
  const shard = status?.shard?.();
  const head = [
    status ? `Up for ${formatUptime(status.uptimeMs())}` : undefined,
    shard,
    schedules
      ? `${views.length} schedule${views.length === 1 ? '' : 's'} in this server${failing ? `, **${failing} failing**` : ''}`
      : 'Schedules are not available in this session.',
  ].filter(Boolean);

  // Discord allows 25 fields; the per-guild cap is 25 by default, so keep one for data.
  const shown = views.slice(0, 24);
  const fields = [dataField(ctx), ...shown.map((v) => scheduleField(v, ctx.library))];
  const more = views.length - shown.length;
  return {
    embeds: [
      {
        title: 'Attaché status',
        description: `${head.join(' · ')}${more > 0 ? `\n…and ${more} more schedules — /schedule list` : ''}`,
        color: failing || (status?.data().problems.length ?? 0) > 0 ? ERROR_COLOUR : BRAND_COLOUR,
        fields,
      },
    ],
    ephemeral: true,
  };
}

export default {
  definition: {
    name: 'status',
    description: 'Uptime, data snapshot and every schedule of this server (Manage Server)',
    default_member_permissions: String(MANAGE_GUILD),
    contexts: [InteractionContextType.Guild],
  },
  options,
  admin: true,
  execute,
} satisfies Command<typeof options>;
