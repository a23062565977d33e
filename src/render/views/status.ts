/**
 * /status, for a server's admin: uptime, the data snapshot and every schedule of the server, a
 * page of schedules at a time. What is the same for every server (data problems with their files)
 * is shown only to the operator.
 */
import { relative } from 'node:path';
import type { APIEmbedField } from 'discord.js';
import { countProblems, type DataProblem, formatProblem, type Library } from '../../briefings/index.js';
import type { DataStatus, ScheduleView, ShardStatus } from '../../digest/index.js';
import { escapeInline } from '../escape.js';
import type { Reply } from '../index.js';
import { truncate } from '../limits.js';
import { type PageId, pageButtons, pageLabel } from '../pagination.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../style.js';
import { discordTimestamp } from '../timestamps.js';
import { type Reader, schedulePage } from './schedules.js';

/** Problems listed before "and N more"; the rest are in the logs and `npm run data:check`. */
const PROBLEMS_SHOWN = 5;
/** Room for schedule lines in the description: the data field (≤ 1,024) shares the 6,000 total. */
const SCHEDULES_BUDGET = 3200;
/**
 * A reload stamped this long after the snapshot in use did not produce it: it failed or kept the
 * previous snapshot. At start (and after any good reload) the two differ by the build time only.
 */
const RELOAD_SLACK_MS = 1000;

export interface StatusView {
  library: Library;
  /** The status provider's facts; each undefined when the session has none. */
  uptimeMs: number | undefined;
  /** The asking server's shard; undefined where shards are not leased (the console). */
  shard: ShardStatus | undefined;
  data: DataStatus | undefined;
  /** The server's schedules; undefined when schedules are not available in this session. */
  schedules: readonly ScheduleView[] | undefined;
  page: number;
  reader: Reader;
  pageId: PageId;
}

/** `2 d 3 h 4 min` */
export function formatUptime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`].filter(Boolean);
  return parts.join(' ');
}

/**
 * Whether this instance runs the server's schedules. Paused here: another instance (named by host,
 * pid and a random id, never anything secret) holds the shard's lease, or none is known yet.
 */
export function shardLine(shard: ShardStatus): string {
  const which = `Shard ${shard.id} of ${shard.total}`;
  if (shard.running) return `${which} (this instance runs its schedules)`;
  const { heldBy } = shard;
  if (!heldBy) return `${which}: **schedules paused here** — this instance does not hold this shard's lease`;
  return `${which}: **schedules paused here** — another instance (${escapeInline(heldBy.holder)}) holds this shard until ${discordTimestamp(heldBy.until, 'T')}`;
}

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
function dataField(library: Library, data: DataStatus | undefined, operator: boolean): APIEmbedField {
  const stats = library.stats;
  const loadedAt = data?.loadedAt ?? library.loadedAt;
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

export function renderStatus(view: StatusView): Reply {
  const { library, uptimeMs, shard, data, schedules, reader } = view;
  const operator = reader.operator === true;
  const views = schedules ?? [];
  const shown = schedulePage(views, view.page, { budget: SCHEDULES_BUDGET, library, ...reader });
  const dataTrouble = operator && (data?.problems.length ?? 0) > 0;
  const head = [
    uptimeMs !== undefined ? `Up for ${formatUptime(uptimeMs)}` : undefined,
    shard ? shardLine(shard) : undefined,
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
        fields: [dataField(library, data, operator)],
        ...(shown.pageCount > 1
          ? { footer: { text: `Schedules: ${pageLabel(shown.page, shown.pageCount)}` } }
          : {}),
      },
    ],
    components: pageButtons(shown.page, shown.pageCount, view.pageId),
    ephemeral: true,
  };
}
