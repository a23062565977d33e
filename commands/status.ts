import { relative } from 'node:path';
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import { countProblems, type DataProblem, formatProblem } from '../src/briefings/index.js';
import type { ScheduleView } from '../src/digest/index.js';
import { formatUptime, readerIn, schedulePage } from '../src/digest/views.js';
import { UserError } from '../src/errors.js';
import { canManageGuild } from '../src/permissions.js';
import { parsePage } from '../src/render/custom-id.js';
import type { Reply } from '../src/render/index.js';
import { truncate } from '../src/render/limits.js';
import { pageButtons, pageLabel } from '../src/render/pagination.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../src/render/style.js';
import { discordTimestamp } from '../src/render/timestamps.js';
import type { Command, CommandContext } from './index.js';

const options = z.strictObject({});
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild;
/** Problems listed before "and N more"; the rest are in the logs and `npm run data:check`. */
const PROBLEMS_SHOWN = 5;
/** Room for schedule lines in the description: the data field (≤ 1,024) shares the 6,000 total. */
const SCHEDULES_BUDGET = 3200;
/**
 * A reload stamped this long after the snapshot in use did not produce it: it failed or kept the
 * previous snapshot. At start (and after any good reload) the two differ by the build time only.
 */
const RELOAD_SLACK_MS = 1000;

/** Problem files as the curator knows them: relative to where the bot runs, not absolute paths. */
const shownProblem = (p: DataProblem): string => {
  const file = relative(process.cwd(), p.file) || p.file;
  return formatProblem({ ...p, file });
};

/**
 * The data snapshot: what is loaded, for everyone; what went wrong loading it (files, lines) only
 * for the operator, since data/ is the same for every server and its paths are the operator's.
 * Other servers' admins see none of it; the reload logged every problem.
 */
function dataField(ctx: CommandContext, operator: boolean): { name: string; value: string } {
  const stats = ctx.library.stats;
  const data = ctx.services.status?.data();
  const loadedAt = data?.loadedAt ?? ctx.library.loadedAt;
  const lines = [
    `${stats.briefings} briefing${stats.briefings === 1 ? '' : 's'}${stats.drafts ? ` (+${stats.drafts} draft${stats.drafts === 1 ? '' : 's'})` : ''}, ${stats.themes} themes, ${stats.lookahead} looking-ahead items`,
    `Snapshot loaded ${discordTimestamp(loadedAt, 'f')} (${discordTimestamp(loadedAt, 'R')})`,
  ];
  if (!operator) return { name: 'Data', value: truncate(lines.join('\n'), 1024) };
  if (data?.lastReloadAt && data.lastReloadAt.getTime() - loadedAt.getTime() > RELOAD_SLACK_MS) {
    lines.push(
      `⚠️ Last reload attempt ${discordTimestamp(data.lastReloadAt, 'R')} did not replace it: the snapshot above is still in use`,
    );
  }
  const problems = data?.problems ?? [];
  const count = countProblems(problems);
  if (count) {
    lines.push(
      `⚠️ ${count.toLocaleString('en-US')} problem${count === 1 ? '' : 's'} in data/ (the last good snapshot is in use):`,
    );
    const shown = problems.filter((p) => p.more === undefined).slice(0, PROBLEMS_SHOWN);
    for (const p of shown) lines.push(`• \`${truncate(shownProblem(p).replace(/`/g, "'"), 180)}\``);
    if (count > shown.length)
      lines.push(`…and ${(count - shown.length).toLocaleString('en-US')} more (npm run data:check)`);
  } else if (data) {
    lines.push('No problems in data/.');
  }
  return { name: 'Data', value: truncate(lines.join('\n'), 1024) };
}

async function render(ctx: CommandContext, page: number): Promise<Reply> {
  if (ctx.guildId === null) throw new UserError('/status works only inside a server.');
  if (!canManageGuild(ctx.memberPermissions)) {
    throw new UserError('/status is for members with the Manage Server permission. Ask a server admin.');
  }
  const status = ctx.services.status;
  const schedules = ctx.services.schedules;
  const views: ScheduleView[] = schedules ? await schedules.list(ctx.guildId) : [];
  const reader = readerIn(ctx.guildId, status);
  const operator = reader.operator === true;
  const shown = schedulePage(views, page, { budget: SCHEDULES_BUDGET, library: ctx.library, ...reader });
  const dataTrouble = operator && (status?.data().problems.length ?? 0) > 0;
  const shard = status?.shard?.();
  const head = [
    status ? `Up for ${formatUptime(status.uptimeMs())}` : undefined,
    shard,
    schedules
      ? `${views.length} schedule${views.length === 1 ? '' : 's'} in this server${shown.failing ? `, **${shown.failing} failing** (listed first)` : ''}`
      : 'Schedules are not available in this session.',
  ].filter(Boolean);
  return {
    embeds: [
      {
        title: 'Attaché status',
        description: `${head.join(' · ')}${shown.text ? `\n\n${shown.text}` : ''}`,
        color: shown.failing || dataTrouble ? ERROR_COLOUR : BRAND_COLOUR,
        fields: [dataField(ctx, operator)],
        ...(shown.pageCount > 1
          ? { footer: { text: `Schedules: ${pageLabel(shown.page, shown.pageCount)}` } }
          : {}),
      },
    ],
    components: pageButtons('status', shown.page, shown.pageCount, String),
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
  execute: (ctx: CommandContext, _options: z.infer<typeof options>) => render(ctx, 0),
  buttons: {
    // The registry checks admin for buttons of admin commands; render checks again and scopes to the clicker's guild.
    page(ctx, state) {
      const page = parsePage(state);
      if (page === undefined) throw new UserError('This button is not valid. Run /status again.');
      return render(ctx, page);
    },
  },
} satisfies Command<typeof options>;
