/**
 * /schedule export and import: the file attached, the problems of a file (each with its line and
 * field), the preview of what an import would change with its Confirm and Cancel buttons, and how
 * the confirmation went. The answers to Confirm and Cancel are not marked ephemeral: they replace
 * the (private) preview, so its buttons go with it.
 */
import { ButtonStyle } from 'discord.js';
import type { Applied, ImportPlan, ImportProblem, Planned } from '../../digest/index.js';
import { escapeInline } from '../escape.js';
import type { Reply } from '../index.js';
import { BRAND_COLOUR, ERROR_COLOUR } from '../style.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderExport(file: { name: string; content: string; count: number }): Reply {
  return {
    content: `${plural(file.count, 'schedule')} of this server, as YAML. Keep it as a backup, or import it here or in another server with \`/schedule import file:\`.`,
    files: [{ name: file.name, content: file.content }],
    ephemeral: true,
  };
}

/** `line 4 · schedules[0].when — message` */
export const problemLine = (p: ImportProblem): string =>
  `line ${p.line}${p.field ? ` · \`${p.field}\`` : ''} — ${escapeInline(p.message)}`;

export function renderImportProblems(
  problems: readonly ImportProblem[],
  unmatched: readonly string[],
  max: number,
): Reply {
  const shown = problems.slice(0, max);
  const more = problems.length > max ? `\n…and more: fix these and import again to see the rest.` : '';
  return {
    embeds: [
      {
        title: `Nothing imported: ${problems.length > max ? `more than ${max} problems` : plural(problems.length, 'problem')} in the file`,
        description: `${shown.map(problemLine).join('\n')}${more}`,
        color: ERROR_COLOUR,
        ...(unmatched.length
          ? {
              fields: [
                {
                  name: 'Channels and roles with no match in this server',
                  value: `${unmatched.map((c) => escapeInline(c)).join(', ')}\nCreate them, or put the id or name of one of this server's in the file.`,
                },
              ],
            }
          : {}),
        footer: { text: 'Nothing was changed. Fix the file and run /schedule import again.' },
      },
    ],
    ephemeral: true,
  };
}

const settingsText = (e: Planned): string => {
  const themes = e.themes.length ? e.themes.join(', ') : 'all themes';
  const mapped = e.mappedFrom ? ` (matched by name; ${escapeInline(e.mappedFrom)} in the file)` : '';
  const paused = e.paused ? ' · paused' : '';
  const tags = e.tags?.length ? ` · tags ${e.tags.map((t) => escapeInline(t.name)).join(', ')}` : '';
  const thread = e.thread ? ' · a thread each' : '';
  const role = e.mention
    ? ` · pings @${escapeInline(e.mention.name)}${e.mentionMappedFrom ? ` (matched by name; ${escapeInline(e.mentionMappedFrom)} in the file)` : ''}`
    : '';
  return `${escapeInline(e.when)} (${e.timezone}) in #${escapeInline(e.channelName ?? e.channelId)}${mapped} · ${escapeInline(themes)} · ${e.format}${tags}${thread}${role}${paused}`;
};

const ACTION = { add: '➕ add', update: '✏️ update', unchanged: '· unchanged' } as const;

export interface ImportPreviewOptions {
  plan: ImportPlan;
  countAfter: number;
  maxPerGuild: number;
  expiresAt: Date;
  confirmId: string;
  cancelId: string;
}

export function renderImportPreview({
  plan,
  countAfter,
  maxPerGuild,
  expiresAt,
  confirmId,
  cancelId,
}: ImportPreviewOptions): Reply {
  const count = (action: Planned['action']) => plan.entries.filter((e) => e.action === action).length;
  const [adds, updates, unchanged] = [count('add'), count('update'), count('unchanged')];
  const lines = plan.entries.map((e) => {
    const changed = e.action === 'update' && e.changed?.length ? ` (${e.changed.join(', ')})` : '';
    return `**${ACTION[e.action]}** \`${e.id}\`${changed}: ${settingsText(e)}`;
  });
  const origin = plan.fromThisServer
    ? 'The file is from this server: schedules are matched by id.'
    : 'The file is from another server: every schedule in it is added.';
  const kept = plan.kept.length
    ? `${plural(plan.kept.length, 'schedule')} of this server not in the file ${plan.kept.length === 1 ? 'is' : 'are'} kept as ${plan.kept.length === 1 ? 'it is' : 'they are'}.`
    : '';
  const nothing = adds + updates === 0;
  return {
    embeds: [
      {
        title: nothing
          ? 'Import preview: nothing would change'
          : `Import preview: ${adds} to add, ${updates} to update, ${unchanged} unchanged`,
        description: [
          `Import merges: schedules in the file are added or updated; none is removed. ${origin} ${kept}`.trim(),
          '',
          ...lines,
          '',
          nothing
            ? 'Nothing to confirm.'
            : `Nothing changes until you press **Confirm** (${countAfter} of at most ${maxPerGuild} schedules after). It expires <t:${Math.floor(expiresAt.getTime() / 1000)}:R>.`,
        ].join('\n'),
        color: BRAND_COLOUR,
      },
    ],
    components: nothing
      ? []
      : [
          {
            type: 1,
            components: [
              { type: 2, style: ButtonStyle.Success, label: 'Confirm', custom_id: confirmId },
              { type: 2, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: cancelId },
            ],
          },
        ],
    ephemeral: true,
  };
}

export function renderImported(applied: Applied): Reply {
  if (applied.replayed) {
    return {
      content: 'This import was already applied; nothing more changed. See /schedule list.',
      components: [],
    };
  }
  const ids = (list: Applied['added']) => list.map((s) => `\`${s.id}\``).join(', ');
  const parts = [
    applied.added.length ? `added ${ids(applied.added)}` : '',
    applied.updated.length ? `updated ${ids(applied.updated)}` : '',
  ].filter(Boolean);
  return {
    embeds: [
      {
        title: `Imported: ${applied.added.length} added, ${applied.updated.length} updated`,
        description: `${parts.length ? `${parts.join('; ')}.` : 'Nothing changed.'} Their next runs are armed. See /schedule list.`,
        color: BRAND_COLOUR,
      },
    ],
    components: [],
  };
}

export const renderImportExpired = (): Reply => ({
  content:
    'This import is no longer waiting (it expired, or was confirmed or cancelled already). Run /schedule import again.',
  components: [],
});

export const renderImportCancelled = (): Reply => ({
  content: 'Import cancelled: nothing was changed.',
  components: [],
});
