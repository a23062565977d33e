/**
 * The replies of /schedule, all for the admin only: the list a page at a time, a schedule saved,
 * removed, paused or resumed, a preview of its next digest, and how a run by hand went.
 */
import type { Library } from '../../briefings/index.js';
import type { Preview, RunOutcome, SavedSchedule, Schedule, ScheduleView } from '../../digest/index.js';
import { escapeInline } from '../escape.js';
import type { Reply } from '../index.js';
import { type PageId, pageButtons, pageLabel } from '../pagination.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../style.js';
import { discordTimestamp } from '../timestamps.js';
import {
  channelMention,
  nextRunsText,
  publicReason,
  type Reader,
  savedEmbed,
  schedulePage,
} from './schedules.js';

/** Room for the lines of one page inside the 4,096-character description, with the header. */
const LIST_BUDGET = 3600;

const reply = (embeds: Reply['embeds'], content?: string): Reply => ({
  ...(content ? { content } : {}),
  ...(embeds ? { embeds } : {}),
  ephemeral: true,
});

export interface ScheduleListView {
  views: readonly ScheduleView[];
  page: number;
  maxPerGuild: number;
  library: Library;
  reader: Reader;
  pageId: PageId;
}

/** One page of /schedule list: every schedule is reachable with the page buttons. */
export function renderScheduleList({ views, page, maxPerGuild, library, reader, pageId }: ScheduleListView) {
  if (!views.length) {
    return reply([
      {
        title: 'No schedules yet',
        description: 'Add one with `/schedule add channel:#briefings when:"daily 08:00"`.',
        color: BRAND_COLOUR,
      },
    ]);
  }
  const shown = schedulePage(views, page, { budget: LIST_BUDGET, library, ...reader });
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
    components: pageButtons(shown.page, shown.pageCount, pageId),
  };
}

export const renderSaved = (
  verb: 'added' | 'updated',
  saved: SavedSchedule,
  library: Library,
  reader: Reader,
): Reply => reply([savedEmbed(`Schedule ${saved.schedule.id} ${verb}`, saved, saved.notes, library, reader)]);

export const renderRemoved = (removed: Schedule): Reply =>
  reply([
    {
      title: `Schedule ${removed.id} removed`,
      description: `No more ${escapeInline(removed.when)} (${removed.timezone}) digests in ${channelMention(removed)}.`,
      color: BRAND_COLOUR,
    },
  ]);

/** `wasPaused`: asked before the change, so a repeated click says that nothing changed. */
export function renderPaused(view: ScheduleView, pause: boolean, wasPaused: boolean): Reply {
  const s = view.schedule;
  const done =
    wasPaused === pause ? (pause ? 'was already paused' : 'was not paused') : pause ? 'paused' : 'resumed';
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

export function renderPreview(preview: Preview): Reply {
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

/** Why a run did not post, as this reader may read it. */
const runReason = (outcome: RunOutcome, reader: Reader): string => {
  const why = outcome.reason ?? outcome.status;
  return escapeInline(reader.operator ? why : publicReason(why));
};

/** A run by hand that failed for a reason that may pass: what to do, for the error the command throws. */
export const retryAdvice = (outcome: RunOutcome, s: Schedule, reader: Reader): string =>
  `the digest was not posted in ${channelMention(s)}: ${runReason(outcome, reader)}. This is usually passing trouble on Discord's side or the network; run \`/schedule run-now id:${s.id}\` again to retry (a retry never posts twice).`;

export function renderRun(outcome: RunOutcome, s: Schedule, reader: Reader): Reply {
  const where = channelMention(s);
  const text =
    outcome.replayed && outcome.status === 'sent'
      ? `Already posted in ${where} less than a minute ago: a repeat within a minute is the same run, so nothing new was posted. Run it again after a minute for a new digest.`
      : outcome.status === 'sent'
        ? `✅ Digest posted in ${where}.`
        : outcome.status === 'empty'
          ? `⏭️ Nothing to post in ${where}: nothing matches and skip_if_empty is on.`
          : `❌ Not posted in ${where}: ${runReason(outcome, reader)}.`;
  return reply(undefined, text);
}
