/**
 * /schedule history: a schedule's latest runs from the run ledger, newest first, a page at a time:
 * when each was due, how it ended (sent, late, by hand, nothing to post, skipped, failed with its
 * reason, outcome unknown) and a link to the digest it posted.
 */
import { SNOWFLAKE } from '../../config.js';
import type { LedgerEntry, ScheduleHistory } from '../../digest/index.js';
import { escapeInline, maskedLink } from '../escape.js';
import type { Reply } from '../index.js';
import { truncate } from '../limits.js';
import { clampPage, type PageId, pageButtons, pageLabel } from '../pagination.js';
import { BRAND_COLOUR } from '../style.js';
import { discordTimestamp } from '../timestamps.js';
import { channelMention, publicReason, type Reader, whenText } from './schedules.js';

/** Runs on one page: ten lines of about 200 characters stay far inside an embed's description. */
export const RUNS_PER_PAGE = 10;
const REASON_MAX = 200;

/**
 * Where Discord shows a message, or a forum post (a thread: its id is the post's); none for the
 * console's channels and messages.
 */
export const messageUrl = (
  guildId: string,
  channelId: string,
  messageId: string,
  forumPost = false,
): string | undefined => {
  if (![guildId, channelId, messageId].every((id) => SNOWFLAKE.test(id))) return undefined;
  return forumPost
    ? `https://discord.com/channels/${guildId}/${messageId}`
    : `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
};

/** The instant a run was due: its slot, or for a run by hand (`manual-<ISO>`) when it was asked. */
const slotOf = (entry: LedgerEntry): Date => {
  const at = Date.parse(entry.slot.replace(/^manual-/, ''));
  return new Date(Number.isNaN(at) ? Date.parse(entry.createdAt) : at);
};

const reasonText = (reason: string, reader: Reader): string =>
  escapeInline(truncate(reader.operator ? reason : publicReason(reason), REASON_MAX));

/** How a run ended, in words. */
export function outcomeText(entry: LedgerEntry, reader: Reader = {}): string {
  const how = [entry.late ? 'late' : '', entry.manual ? 'by hand' : ''].filter(Boolean).join(', ');
  const qualified = (word: string) => (how ? `${word} (${how})` : word);
  const reason = entry.reason ? reasonText(entry.reason, reader) : '';
  switch (entry.status) {
    case 'sent': {
      // Posted, but publishing it or starting its thread failed: said beside the success.
      const after = entry.followUp ? ` ⚠️ ${reasonText(entry.followUp, reader)}` : '';
      return `✅ ${qualified(entry.published ? 'sent and published' : 'sent')}${after}`;
    }
    case 'empty':
      return `⏭️ ${qualified('nothing to post')}`;
    case 'skipped':
      // The scheduler's own words (with the slot it caught up instead), never a network error.
      return `⏭️ skipped${entry.reason ? `: ${escapeInline(truncate(entry.reason, REASON_MAX))}` : ''}`;
    case 'pending':
      return `⏳ ${qualified('in progress')}`;
    case 'failed':
      return entry.reason?.startsWith('outcome unknown')
        ? `❔ ${reason}`
        : `❌ ${qualified('failed')}${reason ? `: ${reason}` : ''}`;
  }
}

export function runLine(entry: LedgerEntry, guildId: string, channelId: string, reader: Reader = {}): string {
  const forum = entry.target === 'forum';
  const url = entry.messageId ? messageUrl(guildId, channelId, entry.messageId, forum) : undefined;
  const label = forum ? 'post' : 'message';
  const link = url
    ? ` · ${maskedLink(label, url)}`
    : entry.messageId
      ? ` · ${label} ${escapeInline(entry.messageId)}`
      : '';
  const thread =
    entry.threadId && SNOWFLAKE.test(entry.threadId) && SNOWFLAKE.test(guildId)
      ? ` · ${maskedLink('thread', `https://discord.com/channels/${guildId}/${entry.threadId}`)}`
      : '';
  return `${discordTimestamp(slotOf(entry), 'f')} · ${outcomeText(entry, reader)}${link}${thread}`;
}

export interface HistoryViewOptions {
  history: ScheduleHistory;
  page: number;
  reader: Reader;
  pageId: PageId;
}

export function renderHistory({ history, page, reader, pageId }: HistoryViewOptions): Reply {
  const { schedule, runs } = history;
  const pageCount = Math.max(1, Math.ceil(runs.length / RUNS_PER_PAGE));
  const shown = clampPage(page, pageCount);
  // Newest due first: a slot recorded skipped at a catch-up is written after the late run it gave way to.
  const lines = [...runs]
    .sort((a, b) => slotOf(b).getTime() - slotOf(a).getTime())
    .slice(shown * RUNS_PER_PAGE, (shown + 1) * RUNS_PER_PAGE)
    // A run links into the channel it was posted to, which the schedule may since have left.
    .map((entry) => runLine(entry, schedule.guildId, entry.channelId ?? schedule.channelId, reader));
  const head = `${whenText(schedule)} in ${channelMention(schedule)}`;
  return {
    embeds: [
      {
        title: `Runs of schedule ${schedule.id}`,
        description: lines.length
          ? `${head}\n\n${lines.join('\n')}`
          : `${head}\n\nNo runs recorded yet. Run records are kept for 90 days.`,
        color: BRAND_COLOUR,
        footer: {
          text: `${pageCount > 1 ? `${pageLabel(shown, pageCount)} · ` : ''}The last ${runs.length} run${runs.length === 1 ? '' : 's'}, newest first; due times in your time zone`,
        },
      },
    ],
    components: pageButtons(shown, pageCount, pageId),
    ephemeral: true,
  };
}
